import {
  AppflowClient,
  DescribeConnectorCommand,
  RegisterConnectorCommand,
  UpdateConnectorRegistrationCommand,
} from '@aws-sdk/client-appflow';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../../functions/shared/logger.js';
import type { RegisterInput, RegisterOutput } from '../../../functions/shared/types.js';
import { captureEmf, type EmittedMetric, enableMetrics } from '../emf.js';
import {
  clearTable,
  createIdempotencyTable,
  type RunningDynalite,
  scanItems,
  startDynalite,
} from './dynalite.js';
import {
  appflowError,
  describeAnswer,
  fixture,
  lambdaContext,
  registerInput,
  stubHandlerEnvironment,
} from './helpers.js';

const TABLE = 'registrar-idempotency';
const appflowMock = mockClient(AppflowClient);
const registered = fixture<{ connectorArn: string }>('register-connector-response.json');
const NAMESPACE = 'appflow-connector-registrar-test';

type Handler = (event: unknown, context: Context) => Promise<RegisterOutput>;
let handler: Handler;
let db: RunningDynalite;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  db = await startDynalite();
  stubHandlerEnvironment(TABLE, db.endpoint);
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', NAMESPACE);
  enableMetrics();
  dynamodb = new DynamoDBClient({ endpoint: db.endpoint, region: 'eu-west-1' });
  await createIdempotencyTable(dynamodb, TABLE);
  ({ handler } = (await import('../../../functions/register-connector/handler.js')) as { handler: Handler });
});

let emf: ReturnType<typeof captureEmf>;

beforeEach(() => {
  // Every invocation prints its metrics; collected here, read by the tests that check them.
  emf = captureEmf();
});

afterEach(async () => {
  appflowMock.reset();
  logger.setLogLevel('SILENT');
  vi.restoreAllMocks();
  vi.useRealTimers();
  await clearTable(dynamodb, TABLE);
});

afterAll(async () => {
  dynamodb.destroy();
  await db.close();
  vi.unstubAllEnvs();
});

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the handler succeeded');
}

/** Log lines printed while `action` ran (POWERTOOLS_DEV makes the logger use the global console). */
async function captureLogs(action: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  logger.setLogLevel('INFO');
  // injectLambdaContext restores the level from POWERTOOLS_LOG_LEVEL (SILENT in tests) on each call.
  vi.spyOn(logger, 'refreshSampleRateCalculation').mockImplementation(() => undefined);
  const lines: string[] = [];
  for (const method of ['info', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
  }
  await action();
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('register-connector handler', () => {
  describe('idempotency', () => {
    // A stored result is replayed only while AppFlow holds it: by default it does.
    beforeEach(() => {
      appflowMock
        .on(DescribeConnectorCommand)
        .resolves(describeAnswer('describe-connector-same-function.json'));
    });

    it('calls RegisterConnector once for the same event twice and answers both alike', async () => {
      appflowMock.on(RegisterConnectorCommand).resolves(registered);
      const event = registerInput();

      const first = await handler(event, lambdaContext());
      const second = await handler(event, lambdaContext());

      expect(first).toMatchObject({ action: 'registered', connectorArn: registered.connectorArn });
      expect(second).toEqual(first);
      expect(appflowMock).toHaveReceivedCommandTimes(RegisterConnectorCommand, 1);
      expect(appflowMock).toHaveReceivedCommandWith(DescribeConnectorCommand, {
        connectorType: 'CustomConnector',
        connectorLabel: event.connectorLabel,
      });
      const [record] = await scanItems(dynamodb, TABLE);
      expect(record).toMatchObject({ status: 'COMPLETED' });
      expect(String(record?.id)).toMatch(/^registrar-dev-registerConnector#/);
    });

    it('keeps the record for 8 hours', async () => {
      appflowMock.on(RegisterConnectorCommand).resolves(registered);
      const before = Date.now() / 1000;

      await handler(registerInput(), lambdaContext());

      const [record] = await scanItems(dynamodb, TABLE);
      expect(Number(record?.expiration)).toBeGreaterThanOrEqual(Math.floor(before + 8 * 3600));
      expect(Number(record?.expiration)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000 + 8 * 3600));
    });

    it("locks the registration for the invocation's remaining time only, so a crashed call's lock expires", async () => {
      let locks: Record<string, unknown>[] = [];
      appflowMock.on(RegisterConnectorCommand).callsFake(async () => {
        locks = await scanItems(dynamodb, TABLE);
        return registered;
      });
      const before = Date.now();

      await handler(registerInput(), lambdaContext(30_000));

      expect(locks).toEqual([expect.objectContaining({ status: 'INPROGRESS' })]);
      const lockedUntil = Number(locks[0]?.in_progress_expiration);
      expect(lockedUntil).toBeGreaterThanOrEqual(before + 30_000);
      expect(lockedUntil).toBeLessThanOrEqual(Date.now() + 30_000);
    });

    it('collapses another signal of the same deploy into the first registration and logs the replay', async () => {
      appflowMock.on(RegisterConnectorCommand).resolves(registered);
      const first = await handler(registerInput(), lambdaContext());
      // VerifyFunction reads the function as it is when it runs: after a deploy, the same LastModified.
      const secondSignal = registerInput({
        executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:register-connector:second-signal',
      });

      let second: RegisterOutput | undefined;
      const logs = await captureLogs(async () => {
        second = await handler(secondSignal, lambdaContext());
      });

      expect(second).toEqual(first);
      expect(appflowMock).toHaveReceivedCommandTimes(RegisterConnectorCommand, 1);
      expect(logs).toContainEqual(
        expect.objectContaining({
          level: 'INFO',
          message: expect.stringContaining('stored result'),
          executionArn: secondSignal.executionArn,
          connectorLabel: secondSignal.connectorLabel,
        }),
      );
    });

    it('registers again when the code changes', async () => {
      appflowMock.on(RegisterConnectorCommand).resolves(registered);

      await handler(registerInput(), lambdaContext());
      const second = await handler(
        registerInput({ codeSha256: 'BBBBgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' }),
        lambdaContext(),
      );

      expect(appflowMock).toHaveReceivedCommandTimes(RegisterConnectorCommand, 2);
      expect(second.codeSha256).toBe('BBBBgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=');
      const [first, again] = appflowMock.commandCalls(RegisterConnectorCommand);
      expect(again?.args[0].input.clientToken).not.toBe(first?.args[0].input.clientToken);
    });

    it('registers again when the same code is deployed again after other code (a rollback)', async () => {
      appflowMock.on(RegisterConnectorCommand).resolves(registered);
      const codeX = registerInput();
      const codeY = registerInput({
        codeSha256: 'BBBBgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
        lastModified: '2024-05-01T12:30:00.000+0000',
      });
      const backToX = registerInput({ lastModified: '2024-05-01T13:00:00.000+0000' });

      for (const event of [codeX, codeY, backToX]) await handler(event, lambdaContext());

      expect(appflowMock).toHaveReceivedCommandTimes(RegisterConnectorCommand, 3);
      const tokens = appflowMock
        .commandCalls(RegisterConnectorCommand)
        .map((call) => call.args[0].input.clientToken);
      expect(new Set(tokens).size).toBe(3);
    });

    it("deletes its record when AppFlow fails, so the state machine's retry calls AppFlow again", async () => {
      appflowMock
        .on(RegisterConnectorCommand)
        .rejectsOnce(appflowError('ThrottlingException'))
        .resolves(registered);
      const event = registerInput();

      const error = await rejectionOf(handler(event, lambdaContext()));
      expect(error.name).toBe('ThrottlingException');
      expect(await scanItems(dynamodb, TABLE)).toEqual([]);

      const retried = await handler(event, lambdaContext());
      expect(retried.action).toBe('registered');
      expect(appflowMock).toHaveReceivedCommandTimes(RegisterConnectorCommand, 2);
      const [first, second] = appflowMock.commandCalls(RegisterConnectorCommand);
      expect(second?.args[0].input.clientToken).toBe(first?.args[0].input.clientToken);
    });

    it("rejects a concurrent duplicate with IdempotencyAlreadyInProgressError and keeps the first one's lock", async () => {
      let release: (value: { connectorArn: string }) => void = () => undefined;
      const gate = new Promise<{ connectorArn: string }>((resolve) => {
        release = resolve;
      });
      appflowMock.on(RegisterConnectorCommand).callsFake(() => gate);
      const event = registerInput();

      const running = handler(event, lambdaContext());
      await vi.waitFor(() => expect(appflowMock).toHaveReceivedCommandTimes(RegisterConnectorCommand, 1));

      const duplicate = await rejectionOf(handler(event, lambdaContext()));
      // Powertools 2.35.0's own onError would have deleted the running invocation's record here.
      const recordsAfterDuplicate = await scanItems(dynamodb, TABLE);
      release(registered);
      const first = await running;
      const later = await handler(event, lambdaContext());

      expect(duplicate.name).toBe('IdempotencyAlreadyInProgressError');
      expect(recordsAfterDuplicate).toEqual([expect.objectContaining({ status: 'INPROGRESS' })]);
      expect(appflowMock).toHaveReceivedCommandTimes(RegisterConnectorCommand, 1);
      expect(later).toEqual(first);
    });
  });

  describe('a stored result AppFlow no longer holds', () => {
    const gone = () =>
      appflowMock.on(DescribeConnectorCommand).rejects(appflowError('ResourceNotFoundException'));

    it('registers again, with a clientToken of its own, when the connector was unregistered', async () => {
      appflowMock.on(RegisterConnectorCommand).resolves(registered);
      const first = await handler(registerInput(), lambdaContext());
      gone();
      const laterSignal = registerInput({
        executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:register-connector:after-unregister',
      });

      let again: RegisterOutput | undefined;
      const logs = await captureLogs(async () => {
        again = await handler(laterSignal, lambdaContext());
      });

      expect(again).toEqual(first);
      expect(appflowMock).toHaveReceivedCommandTimes(RegisterConnectorCommand, 2);
      const [original, reregistration] = appflowMock.commandCalls(RegisterConnectorCommand);
      expect(reregistration?.args[0].input.clientToken).not.toBe(original?.args[0].input.clientToken);
      expect(logs).toContainEqual(
        expect.objectContaining({
          level: 'WARN',
          message: expect.stringContaining('registering again'),
          executionArn: laterSignal.executionArn,
        }),
      );
      // The log keys survive Powertools' cleanup of the replay.
      expect(logs.filter((line) => line.message === 'RegisterConnector: connector registered')).toEqual([
        expect.objectContaining({ executionArn: laterSignal.executionArn }),
      ]);
    });

    it('registers again when the label now points at another function', async () => {
      appflowMock.on(RegisterConnectorCommand).resolves(registered);
      await handler(registerInput(), lambdaContext());
      appflowMock
        .on(DescribeConnectorCommand)
        .resolves(describeAnswer('describe-connector-other-function.json'));

      await handler(registerInput(), lambdaContext());

      expect(appflowMock).toHaveReceivedCommandTimes(RegisterConnectorCommand, 2);
    });

    it('keeps the stored record when the new registration fails, and stores the new result when it succeeds', async () => {
      appflowMock
        .on(RegisterConnectorCommand)
        .resolvesOnce(registered)
        .rejectsOnce(appflowError('ThrottlingException'))
        .resolves(registered);
      const event = registerInput();
      await handler(event, lambdaContext());
      const [stored] = await scanItems(dynamodb, TABLE);
      gone();

      const error = await rejectionOf(handler(event, lambdaContext()));
      expect(error.name).toBe('ThrottlingException');
      expect(await scanItems(dynamodb, TABLE)).toEqual([stored]);

      // An hour later, so the renewed record's 8 hours end after the stale one's.
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3600_000 });
      await handler(event, lambdaContext());
      const [renewed] = await scanItems(dynamodb, TABLE);
      expect(renewed).toMatchObject({ status: 'COMPLETED' });
      expect(Number(renewed?.expiration)).toBeGreaterThanOrEqual(Number(stored?.expiration) + 3600);
      const tokens = appflowMock
        .commandCalls(RegisterConnectorCommand)
        .map((call) => call.args[0].input.clientToken);
      // The retry of the same execution sends the same token as the attempt that failed.
      expect(tokens[2]).toBe(tokens[1]);
      expect(tokens[1]).not.toBe(tokens[0]);
    });

    it('fails with the AppFlow error when DescribeConnector fails, replaying nothing and keeping the record', async () => {
      appflowMock.on(RegisterConnectorCommand).resolves(registered);
      const event = registerInput();
      await handler(event, lambdaContext());
      const [stored] = await scanItems(dynamodb, TABLE);
      appflowMock.on(DescribeConnectorCommand).rejects(appflowError('InternalServerException'));

      const error = await rejectionOf(handler(event, lambdaContext()));

      expect(error.name).toBe('InternalServerException');
      expect(appflowMock).toHaveReceivedCommandTimes(RegisterConnectorCommand, 1);
      expect(await scanItems(dynamodb, TABLE)).toEqual([stored]);
    });
  });

  describe('input validation', () => {
    it('rejects a bad input with InvalidInputError before touching AppFlow or the table', async () => {
      const dynamodbSend = vi.spyOn(DynamoDBClient.prototype, 'send');

      const error = await rejectionOf(handler({ ...registerInput(), codeSha256: 42 }, lambdaContext()));

      expect(error.name).toBe('InvalidInputError');
      expect(error.message).toContain('codeSha256');
      expect(appflowMock).not.toHaveReceivedAnyCommand();
      expect(dynamodbSend).not.toHaveBeenCalled();
    });

    it('answers an event without any key field with InvalidInputError, not IdempotencyKeyError', async () => {
      const error = await rejectionOf(handler({ executionArn: 'arn:aws:states:x' }, lambdaContext()));

      expect(error.name).toBe('InvalidInputError');
      expect(appflowMock).not.toHaveReceivedAnyCommand();
    });

    it('refuses a function of another account with AccountMismatchError and no AWS call', async () => {
      const event: RegisterInput = registerInput({
        lambdaArn: 'arn:aws:lambda:eu-west-1:222222222222:function:healthy-connector',
      });

      const dynamodbSend = vi.spyOn(DynamoDBClient.prototype, 'send');

      const error = await rejectionOf(handler(event, lambdaContext()));

      expect(error.name).toBe('AccountMismatchError');
      expect(error.message).toContain('222222222222');
      expect(appflowMock).not.toHaveReceivedAnyCommand();
      expect(dynamodbSend).not.toHaveBeenCalled();
    });

    it('logs the rejection with the execution ARN and label of the event', async () => {
      const event = registerInput({ lastModified: 'not a date' });

      const logs = await captureLogs(() => rejectionOf(handler(event, lambdaContext())));

      expect(logs).toContainEqual(
        expect.objectContaining({
          level: 'ERROR',
          error: 'InvalidInputError',
          executionArn: event.executionArn,
          connectorLabel: event.connectorLabel,
        }),
      );
    });
  });

  describe('metrics', () => {
    const withoutTimestamps = (metrics: EmittedMetric[]) =>
      metrics.map(({ name, value, dimensions, metadata }) => ({ name, value, dimensions, metadata }));
    const inputMetadata = (event: RegisterInput) => ({
      executionArn: event.executionArn,
      accountId: event.accountId,
      region: event.region,
      connectorLabel: event.connectorLabel,
      lambdaArn: event.lambdaArn,
    });
    const conflict = (registeredAt: string) => {
      appflowMock.on(RegisterConnectorCommand).rejects(appflowError('ConflictException'));
      appflowMock
        .on(DescribeConnectorCommand)
        .resolves(describeAnswer('describe-connector-same-function.json', { registeredAt }));
    };

    it('counts a new registration as succeeded/registered, the label and ARNs as metadata only', async () => {
      appflowMock.on(RegisterConnectorCommand).resolves(registered);
      const event = registerInput();

      await handler(event, lambdaContext());

      expect(emf.metrics()).toEqual([
        {
          namespace: NAMESPACE,
          name: 'Registrations',
          unit: 'Count',
          value: 1,
          dimensionSets: [['service', 'Outcome', 'Action']],
          dimensions: { service: 'appflow-connector-registrar', Outcome: 'succeeded', Action: 'registered' },
          metadata: { ...inputMetadata(event), connectorArn: registered.connectorArn },
        },
      ]);
    });

    it('counts a refreshed registration as succeeded/updated', async () => {
      conflict('2024-04-01T08:00:00.000Z');
      appflowMock
        .on(UpdateConnectorRegistrationCommand)
        .resolves(fixture('update-connector-registration-response.json'));

      await handler(registerInput(), lambdaContext());

      expect(withoutTimestamps(emf.metrics())).toEqual([
        expect.objectContaining({
          name: 'Registrations',
          dimensions: expect.objectContaining({ Outcome: 'succeeded', Action: 'updated' }),
        }),
      ]);
    });

    it('counts a registration already up to date as succeeded/unchanged', async () => {
      conflict('2024-05-02T08:00:00.000Z');

      await handler(registerInput(), lambdaContext());

      expect(withoutTimestamps(emf.metrics())).toEqual([
        expect.objectContaining({
          name: 'Registrations',
          dimensions: expect.objectContaining({ Outcome: 'succeeded', Action: 'unchanged' }),
        }),
      ]);
    });

    it('counts another signal of the same deploy as replayed, not as a second registration', async () => {
      appflowMock.on(RegisterConnectorCommand).resolves(registered);
      appflowMock
        .on(DescribeConnectorCommand)
        .resolves(describeAnswer('describe-connector-same-function.json'));
      await handler(registerInput(), lambdaContext());

      await handler(registerInput(), lambdaContext());

      expect(emf.metrics().map((metric) => metric.dimensions)).toEqual([
        expect.objectContaining({ Outcome: 'succeeded', Action: 'registered' }),
        expect.objectContaining({ Outcome: 'replayed', Action: 'registered' }),
      ]);
    });

    it('counts a registration that fails as failed, and the failure under its error name', async () => {
      appflowMock.on(RegisterConnectorCommand).rejects(appflowError('ConflictException'));
      appflowMock
        .on(DescribeConnectorCommand)
        .resolves(describeAnswer('describe-connector-other-function.json'));
      const event = registerInput();

      const error = await rejectionOf(handler(event, lambdaContext()));

      expect(error.name).toBe('LabelOwnedByAnotherFunctionError');
      expect(withoutTimestamps(emf.metrics())).toEqual([
        {
          name: 'Failures',
          value: 1,
          dimensions: {
            service: 'appflow-connector-registrar',
            ErrorName: 'LabelOwnedByAnotherFunctionError',
          },
          metadata: { ...inputMetadata(event), error: 'LabelOwnedByAnotherFunctionError' },
        },
        {
          name: 'Registrations',
          value: 1,
          dimensions: { service: 'appflow-connector-registrar', Outcome: 'failed' },
          metadata: inputMetadata(event),
        },
      ]);
    });

    it('counts an AppFlow exception under its own name', async () => {
      appflowMock.on(RegisterConnectorCommand).rejects(appflowError('ServiceQuotaExceededException'));

      await rejectionOf(handler(registerInput(), lambdaContext()));

      expect(emf.metrics().find((metric) => metric.name === 'Failures')?.dimensions.ErrorName).toBe(
        'ServiceQuotaExceededException',
      );
    });

    it('counts a rejected input, noting only the event’s string fields, escaped', async () => {
      const event = { executionArn: 'arn:aws:states:x\n', connectorLabel: 42 };

      await rejectionOf(handler(event, lambdaContext()));

      expect(withoutTimestamps(emf.metrics())).toEqual([
        expect.objectContaining({
          name: 'Failures',
          dimensions: expect.objectContaining({ ErrorName: 'InvalidInputError' }),
          metadata: { executionArn: 'arn:aws:states:x\\u000a', error: 'InvalidInputError' },
        }),
        expect.objectContaining({
          name: 'Registrations',
          dimensions: expect.objectContaining({ Outcome: 'failed' }),
        }),
      ]);
    });

    it('counts an error of no declared name as Other, keeping its name in the metadata', async () => {
      appflowMock.on(RegisterConnectorCommand).resolves({});

      const error = await rejectionOf(handler(registerInput(), lambdaContext()));

      expect(error.name).toBe('Error');
      expect(emf.metrics().find((metric) => metric.name === 'Failures')).toEqual(
        expect.objectContaining({
          dimensions: expect.objectContaining({ ErrorName: 'Other' }),
          metadata: expect.objectContaining({ error: 'Error' }),
        }),
      );
    });

    it('flushes one outcome per invocation with no Powertools warning (empty buffer, dimension clash)', async () => {
      const warnings: unknown[] = [];
      vi.spyOn(console, 'warn').mockImplementation((line: unknown) => {
        warnings.push(line);
      });
      appflowMock
        .on(RegisterConnectorCommand)
        .resolvesOnce(registered)
        .rejects(appflowError('ThrottlingException'));

      await handler(registerInput(), lambdaContext());
      await rejectionOf(
        handler(
          registerInput({ codeSha256: 'BBBBgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' }),
          lambdaContext(),
        ),
      );

      expect(emf.lines().map((line) => line._aws.CloudWatchMetrics[0]?.Dimensions)).toEqual([
        [['service', 'Outcome', 'Action']],
        [['service', 'ErrorName']],
        [['service', 'Outcome']],
      ]);
      expect(warnings).toEqual([]);
    });
  });
});
