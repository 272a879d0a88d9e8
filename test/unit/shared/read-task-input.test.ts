import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { parseRegisterInput } from '../../../functions/register-connector/input.js';
import { readTaskInput } from '../../../functions/shared/read-task-input.js';
import { registerInput } from '../register-connector/helpers.js';

function quietLogger(): Logger {
  const log = new Logger();
  vi.spyOn(log, 'error').mockImplementation(() => undefined);
  return log;
}

function rejection(event: unknown, log: Logger): Error {
  try {
    readTaskInput(event, log, parseRegisterInput);
  } catch (error) {
    return error as Error;
  }
  throw new Error('readTaskInput accepted the event');
}

describe('readTaskInput', () => {
  describe('with a valid event', () => {
    it('returns the parsed input and appends the execution ARN and the connector label', () => {
      const log = quietLogger();
      const appendKeys = vi.spyOn(log, 'appendKeys');
      const event = { ...registerInput(), extra: 'ignored' };

      expect(readTaskInput(event, log, parseRegisterInput)).toEqual(registerInput());
      expect(appendKeys).toHaveBeenCalledWith({
        executionArn: event.executionArn,
        connectorLabel: event.connectorLabel,
      });
    });
  });

  describe('with an invalid event', () => {
    it("throws the parser's error and logs it, after appending the keys it could read", () => {
      const log = quietLogger();
      const appendKeys = vi.spyOn(log, 'appendKeys');
      const event = { ...registerInput(), lambdaArn: 7 };

      expect(rejection(event, log)).toMatchObject({ name: 'InvalidInputError' });
      expect(log.error).toHaveBeenCalledWith(expect.stringContaining('Rejected'), {
        error: 'InvalidInputError',
        reason: expect.stringContaining('lambdaArn'),
      });
      expect(appendKeys.mock.invocationCallOrder[0]).toBeLessThan(
        vi.mocked(log.error).mock.invocationCallOrder[0] ?? 0,
      );
    });

    it('appends only the key fields that are strings', () => {
      const log = quietLogger();
      const appendKeys = vi.spyOn(log, 'appendKeys');

      rejection({ executionArn: 'arn:x', connectorLabel: { a: 1 } }, log);

      expect(appendKeys).toHaveBeenCalledWith({ executionArn: 'arn:x' });
    });

    it.each([null, 'text', 3])('appends no keys for an event that is %j', (event) => {
      const log = quietLogger();
      const appendKeys = vi.spyOn(log, 'appendKeys');

      expect(rejection(event, log)).toMatchObject({ name: 'InvalidInputError' });
      expect(appendKeys).not.toHaveBeenCalled();
    });
  });
});
