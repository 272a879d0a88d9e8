import { Logger } from '@aws-lambda-powertools/logger';
import type { Request } from '@middy/core';
import { describe, expect, it, vi } from 'vitest';
import { parseRegisterInput } from '../../../functions/register-connector/input.js';
import { appendEventLogKeys, validateEvent } from '../../../functions/register-connector/middleware.js';
import { lambdaContext, registerInput } from './helpers.js';

function requestWith(event: unknown): Request {
  return { event, context: lambdaContext(), response: undefined, error: null, internal: {} };
}

function quietLogger(): Logger {
  const log = new Logger();
  vi.spyOn(log, 'error').mockImplementation(() => undefined);
  return log;
}

describe('appendEventLogKeys', () => {
  describe('with a well-formed event', () => {
    it('appends the execution ARN and the connector label', async () => {
      const log = quietLogger();
      const appendKeys = vi.spyOn(log, 'appendKeys');
      const input = registerInput();

      await appendEventLogKeys(log).before?.(requestWith(input));

      expect(appendKeys).toHaveBeenCalledWith({
        executionArn: input.executionArn,
        connectorLabel: input.connectorLabel,
      });
    });
  });

  describe('with a malformed event', () => {
    it('appends only the fields that are strings', async () => {
      const log = quietLogger();
      const appendKeys = vi.spyOn(log, 'appendKeys');

      await appendEventLogKeys(log).before?.(
        requestWith({ executionArn: 'arn:x', connectorLabel: { a: 1 } }),
      );

      expect(appendKeys).toHaveBeenCalledWith({ executionArn: 'arn:x' });
    });

    it.each([null, 'text', 3])('ignores an event that is %j', async (event) => {
      const log = quietLogger();
      const appendKeys = vi.spyOn(log, 'appendKeys');

      await appendEventLogKeys(log).before?.(requestWith(event));

      expect(appendKeys).not.toHaveBeenCalled();
    });
  });
});

describe('validateEvent', () => {
  describe('with a valid event', () => {
    it('lets it through untouched', async () => {
      const input = registerInput();
      const request = requestWith(input);

      expect(await validateEvent(parseRegisterInput, quietLogger()).before?.(request)).toBeUndefined();
      expect(request.event).toBe(input);
    });
  });

  describe('with an invalid event', () => {
    it("throws the parser's error and logs it", async () => {
      const log = quietLogger();
      const middleware = validateEvent(parseRegisterInput, log);

      await expect(
        Promise.resolve().then(() => middleware.before?.(requestWith({ ...registerInput(), lambdaArn: 7 }))),
      ).rejects.toMatchObject({ name: 'InvalidInputError' });
      expect(log.error).toHaveBeenCalledWith(expect.stringContaining('Rejected'), {
        error: 'InvalidInputError',
        reason: expect.stringContaining('lambdaArn'),
      });
    });
  });
});
