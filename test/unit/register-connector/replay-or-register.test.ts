import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { Logger } from '@aws-lambda-powertools/logger';
import { AppflowClient, DescribeConnectorCommand, RegisterConnectorCommand } from '@aws-sdk/client-appflow';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clientTokenFor } from '../../../functions/register-connector/idempotency.js';
import type { RegisterOnce } from '../../../functions/register-connector/idempotent-registration.js';
import { outputFor } from '../../../functions/register-connector/output.js';
import { replayOrRegister } from '../../../functions/register-connector/replay-or-register.js';
import type { RegisterOutput } from '../../../functions/shared/types.js';
import { appflowError, describeAnswer, fixture, registerInput } from './helpers.js';

const appflowMock = mockClient(AppflowClient);
const appflow = new AppflowClient({ region: 'eu-west-1' });
const registered = fixture<{ connectorArn: string }>('register-connector-response.json');

let log: Logger;

beforeEach(() => {
  log = new Logger();
  for (const level of ['info', 'warn'] as const) vi.spyOn(log, level).mockImplementation(() => undefined);
});

afterEach(() => {
  appflowMock.reset();
});

/** Powertools' part, in memory: a stored output is replayed, otherwise the registration runs. */
function idempotency(stored?: RegisterOutput) {
  return {
    registerOnce: vi.fn<RegisterOnce>(async (_input, registerNow) => stored ?? registerNow()),
    storeOutput: vi.fn(async () => undefined),
  };
}

/** What an earlier execution stored: the same registration, told apart by its ARN. */
const storedOutput = (): RegisterOutput => ({
  ...outputFor(registerInput(), 'registered', registered.connectorArn),
  connectorArn: `${registered.connectorArn}-stored`,
});

describe('replayOrRegister', () => {
  describe('a first registration', () => {
    it('registers through registerOnce, keyed by the input, and asks AppFlow nothing else', async () => {
      appflowMock.on(RegisterConnectorCommand).resolves(registered);
      const input = registerInput();
      const store = idempotency();

      const output = await replayOrRegister(input, { ...store, appflow, log });

      expect(output).toEqual(outputFor(input, 'registered', registered.connectorArn));
      expect(store.registerOnce).toHaveBeenCalledWith(input, expect.any(Function));
      expect(appflowMock).toHaveReceivedCommandTimes(RegisterConnectorCommand, 1);
      expect(appflowMock).not.toHaveReceivedCommand(DescribeConnectorCommand);
      expect(store.storeOutput).not.toHaveBeenCalled();
    });
  });

  describe('a stored output AppFlow still holds', () => {
    it('replays it after one DescribeConnector, registering nothing', async () => {
      appflowMock
        .on(DescribeConnectorCommand)
        .resolves(describeAnswer('describe-connector-same-function.json'));
      const store = idempotency(storedOutput());

      const output = await replayOrRegister(registerInput(), { ...store, appflow, log });

      expect(output).toEqual(storedOutput());
      expect(appflowMock).toHaveReceivedCommandTimes(DescribeConnectorCommand, 1);
      expect(appflowMock).not.toHaveReceivedCommand(RegisterConnectorCommand);
      expect(store.storeOutput).not.toHaveBeenCalled();
    });
  });

  describe('a stored output AppFlow no longer holds', () => {
    beforeEach(() => {
      appflowMock.on(DescribeConnectorCommand).rejects(appflowError('ResourceNotFoundException'));
    });

    it('registers again with a clientToken of this execution, stores the new output and answers it', async () => {
      appflowMock.on(RegisterConnectorCommand).resolves(registered);
      const input = registerInput();
      const store = idempotency(storedOutput());

      const output = await replayOrRegister(input, { ...store, appflow, log });

      const fresh = outputFor(input, 'registered', registered.connectorArn);
      expect(output).toEqual(fresh);
      expect(appflowMock).toHaveReceivedCommandWith(RegisterConnectorCommand, {
        clientToken: clientTokenFor('RegisterConnector', { ...input, reregister: true }),
      });
      expect(store.storeOutput).toHaveBeenCalledWith(input, fresh);
      expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('registering again'), {
        stored: storedOutput(),
      });
    });

    it('fails with the AppFlow error and keeps the stored output when the new registration fails', async () => {
      appflowMock.on(RegisterConnectorCommand).rejects(appflowError('ThrottlingException'));
      const store = idempotency(storedOutput());

      await expect(replayOrRegister(registerInput(), { ...store, appflow, log })).rejects.toMatchObject({
        name: 'ThrottlingException',
      });
      expect(store.storeOutput).not.toHaveBeenCalled();
    });
  });

  describe('failures before any registration', () => {
    it('fails with the AppFlow error when DescribeConnector fails, replaying and registering nothing', async () => {
      appflowMock.on(DescribeConnectorCommand).rejects(appflowError('InternalServerException'));
      const store = idempotency(storedOutput());

      await expect(replayOrRegister(registerInput(), { ...store, appflow, log })).rejects.toMatchObject({
        name: 'InternalServerException',
      });
      expect(appflowMock).not.toHaveReceivedCommand(RegisterConnectorCommand);
      expect(store.storeOutput).not.toHaveBeenCalled();
    });

    it('passes IdempotencyAlreadyInProgressError on without calling AppFlow', async () => {
      const store = idempotency();
      store.registerOnce.mockRejectedValueOnce(new IdempotencyAlreadyInProgressError('in progress'));

      await expect(replayOrRegister(registerInput(), { ...store, appflow, log })).rejects.toMatchObject({
        name: 'IdempotencyAlreadyInProgressError',
      });
      expect(appflowMock).not.toHaveReceivedAnyCommand();
    });
  });
});
