import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { REGISTRAR_SOURCE } from '../../../functions/shared/event-types.js';
import { loadSample, toPutEventsEntry } from '../../../local/events/sample.js';
import { type PutEventsResult, settle } from '../../../local/services/events.js';
import type { HistoryEvent } from '../../../local/services/states.js';
import { ADMIN, readFixture, readFixtureText, type StatesHarness, startStates } from './harness.js';

const INPUT = readFixtureText('workflow-input.json');

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  BackoffRate: number;
}

/** The history as `type` or `type(state)` for the state events, to compare sequences. */
function shape(history: readonly HistoryEvent[]): string[] {
  return history.map((event) => {
    const details = (event.stateEnteredEventDetails ?? event.stateExitedEventDetails) as
      | { name?: string }
      | undefined;
    return details?.name === undefined ? event.type : `${event.type}(${details.name})`;
  });
}

describe('StatesService running the real ASL', () => {
  let harness: StatesHarness;

  afterEach(() => harness.close());

  const run = async () => {
    const { executionArn } = await harness.states.startExecution(
      { stateMachineArn: harness.hub.stateMachine.arn, input: INPUT },
      ADMIN,
    );
    return harness.states.waitForExecution(executionArn);
  };

  describe('a registration that succeeds', () => {
    it('ends in Registered with the history Step Functions writes', async () => {
      harness = await startStates();
      const record = await run();
      expect(record.status).toBe('SUCCEEDED');
      expect(shape(record.history)).toEqual([
        'ExecutionStarted',
        'TaskStateEntered(VerifyFunction)',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionSucceeded',
        'TaskStateExited(VerifyFunction)',
        'ChoiceStateEntered(OptedIn)',
        'ChoiceStateExited(OptedIn)',
        'TaskStateEntered(RegisterConnector)',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionSucceeded',
        'TaskStateExited(RegisterConnector)',
        'TaskStateEntered(PublishConnectorRegistered)',
        'TaskScheduled',
        'TaskStarted',
        'TaskSucceeded',
        'TaskStateExited(PublishConnectorRegistered)',
        'SucceedStateEntered(Registered)',
        'SucceedStateExited(Registered)',
        'ExecutionSucceeded',
      ]);
      record.history.forEach((event, index) => {
        expect(event.id).toBe(index + 1);
        // The first state's entry points at 0, as ExecutionStarted does.
        expect(event.previousEventId).toBe(index === 1 ? 0 : index);
      });
      expect(JSON.parse(record.output ?? '{}').registration).toEqual(readFixture('registration.json'));
      expect(record).toMatchObject({ transitions: 5, lambdaInvocations: 2, retries: 0 });
    });

    it('passes the execution ARN as $$.Execution.Id and announces it on the hub bus', async () => {
      harness = await startStates();
      const record = await run();
      expect(harness.runtime.requests[0]?.payload).toMatchObject({ executionArn: record.executionArn });
      await harness.events.idle();
      const announced = harness.events.publishedEvents({ busName: harness.hub.eventBus.name }).at(-1);
      expect(announced?.event).toMatchObject({
        source: REGISTRAR_SOURCE,
        'detail-type': 'ConnectorRegistered',
        account: harness.hub.accountId,
        detail: { executionArn: record.executionArn, action: 'registered' },
      });
      const scheduled = record.history.find((event) => event.type === 'TaskScheduled');
      expect(scheduled?.taskScheduledEventDetails).toMatchObject({
        resourceType: 'events',
        resource: 'putEvents',
        region: 'eu-west-1',
      });
    });
  });

  describe('from a deploy signal', () => {
    it('runs the workflow a rule starts, through to the announcement, and settles', async () => {
      harness = await startStates();
      const sample = await loadSample(
        fileURLToPath(
          new URL('../../../events/samples/pipeline-connector-deployed.registered.json', import.meta.url),
        ),
      );
      const caller = { accountId: sample.account, principalArn: `arn:aws:iam::${sample.account}:root` };
      const put = await harness.events.putEvents(caller, sample.region, [
        { ...toPutEventsEntry(sample), EventBusName: harness.hub.eventBus.arn },
      ]);
      await settle([harness.events, harness.states]);
      const [record] = harness.states.executions();
      expect(record?.status).toBe('SUCCEEDED');
      expect(JSON.parse(record?.input ?? '{}').trigger.eventId).toBe(put.Entries[0]?.EventId);
      const announced = harness.events.publishedEvents({ busName: harness.hub.eventBus.name }).at(-1);
      expect(announced?.event).toMatchObject({
        'detail-type': 'ConnectorRegistered',
        detail: { executionArn: record?.executionArn },
      });
      expect(harness.events.busy() || harness.states.busy()).toBe(false);
    });
  });

  describe('retries', () => {
    it('records each attempt of a throttled RegisterConnector, waiting the scaled backoff', async () => {
      // random 1: FULL jitter at its maximum, so the waits are the backoff itself, scaled by 0.01.
      harness = await startStates({ timeScale: 0.01, random: () => 1 });
      const retriers = (harness.hub.stateMachine.definition.States as Record<string, { Retry: Retrier[] }>)
        .RegisterConnector?.Retry;
      const throttling = retriers?.find((retrier) =>
        retrier.ErrorEquals.includes('ThrottlingException'),
      ) as Retrier;
      const throttled = { functionError: readFixture('throttling-error.json') };
      harness.runtime.queue('registerConnector', throttled, throttled);
      const record = await run();
      expect(record.status).toBe('SUCCEEDED');
      const start = record.history.findIndex(
        (event) =>
          (event.stateEnteredEventDetails as { name?: string } | undefined)?.name === 'RegisterConnector',
      );
      expect(shape(record.history.slice(start, start + 11))).toEqual([
        'TaskStateEntered(RegisterConnector)',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionFailed',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionFailed',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionSucceeded',
        'TaskStateExited(RegisterConnector)',
      ]);
      const failed = record.history.filter((event) => event.type === 'LambdaFunctionFailed');
      expect(failed[0]?.lambdaFunctionFailedEventDetails).toEqual({
        error: 'ThrottlingException',
        cause: readFixtureText('throttling-error.json'),
      });
      const gap = (failure: HistoryEvent) => {
        const next = record.history[failure.id] as HistoryEvent;
        return next.timestamp.getTime() - failure.timestamp.getTime();
      };
      // Timers may fire a millisecond early; 10 ms per second at scale 0.01.
      expect(gap(failed[0] as HistoryEvent)).toBeGreaterThanOrEqual(throttling.IntervalSeconds * 10 - 2);
      expect(gap(failed[1] as HistoryEvent)).toBeGreaterThanOrEqual(
        throttling.IntervalSeconds * throttling.BackoffRate * 10 - 2,
      );
      expect(record).toMatchObject({ retries: 2, lambdaInvocations: 4 });
    });

    it('names a throttled invocation Lambda.TooManyRequestsException and retries it', async () => {
      harness = await startStates();
      harness.runtime.queue('verifyFunction', { throttle: true });
      const record = await run();
      expect(record.status).toBe('SUCCEEDED');
      const failed = record.history.find((event) => event.type === 'LambdaFunctionFailed');
      expect(failed?.lambdaFunctionFailedEventDetails).toMatchObject({
        error: 'Lambda.TooManyRequestsException',
        cause: expect.stringContaining('Status Code: 429; Error Code: TooManyRequestsException'),
      });
      // A throttled call is not an invocation.
      expect(record).toMatchObject({ retries: 1, lambdaInvocations: 2 });
    });
  });

  describe('failures', () => {
    it('fails with the error name and the payload as cause, after alerting', async () => {
      harness = await startStates();
      harness.runtime.queue('registerConnector', { functionError: readFixture('label-owned-error.json') });
      const record = await run();
      expect(record.status).toBe('FAILED');
      expect(record.error).toBe('LabelOwnedByAnotherFunctionError');
      expect(record.cause).toBe(readFixtureText('label-owned-error.json'));
      expect(shape(record.history).slice(-9)).toEqual([
        'LambdaFunctionFailed',
        'TaskStateExited(RegisterConnector)',
        'TaskStateEntered(PublishRegistrationFailed)',
        'TaskScheduled',
        'TaskStarted',
        'TaskSucceeded',
        'TaskStateExited(PublishRegistrationFailed)',
        'FailStateEntered(RegistrationFailed)',
        'ExecutionFailed',
      ]);
      expect(record.history.at(-1)?.executionFailedEventDetails).toEqual({
        error: record.error,
        cause: record.cause,
      });
      await harness.events.idle();
      const alert = harness.events.publishedEvents({ busName: harness.hub.eventBus.name }).at(-1);
      expect(alert?.event).toMatchObject({
        'detail-type': 'ConnectorRegistrationFailed',
        detail: { error: 'LabelOwnedByAnotherFunctionError', executionArn: record.executionArn },
      });
    });

    it('publishes a function ARN VerifyFunction refused nowhere: the failure event names no function', async () => {
      harness = await startStates();
      harness.runtime.queue('verifyFunction', {
        functionError: readFixture('invalid-function-arn-error.json'),
      });
      const functionArn = 'arn:aws:lambda:eu-west-1:222222222222:function:sales-connector\n';
      const input = {
        ...readFixture<{ accountId: string; region: string }>('workflow-input.json'),
        functionArn,
      };
      const { executionArn } = await harness.states.startExecution(
        { stateMachineArn: harness.hub.stateMachine.arn, input: JSON.stringify(input) },
        ADMIN,
      );
      const record = await harness.states.waitForExecution(executionArn);
      expect(shape(record.history).filter((type) => type.includes('StateEntered'))).toEqual([
        'TaskStateEntered(VerifyFunction)',
        'PassStateEntered(NotVerified)',
        'TaskStateEntered(PublishRegistrationFailed)',
        'FailStateEntered(RegistrationFailed)',
      ]);
      await harness.events.idle();
      const alert = harness.events.publishedEvents({ busName: harness.hub.eventBus.name }).at(-1);
      expect(alert?.event.detail).toEqual({
        error: 'InvalidFunctionArnError',
        cause: readFixtureText('invalid-function-arn-error.json'),
        connectorLabel: null,
        lambdaArn: null,
        accountId: input.accountId,
        region: input.region,
        executionArn,
      });
    });

    it('fails the announcement with EventBridge.FailedEntry when an entry fails', async () => {
      const failing: PutEventsResult = {
        Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'denied' }],
        FailedEntryCount: 1,
      };
      let calls = 0;
      harness = await startStates({
        publisher: {
          putEvents: async () => {
            calls++;
            return failing;
          },
        },
      });
      const record = await run();
      expect(record.status).toBe('FAILED');
      expect(record.error).toBe('EventBridge.FailedEntry');
      expect(JSON.parse(record.cause ?? '{}')).toEqual(failing);
      // The States.TaskFailed retrier: 1 call and 3 retries, then AnnouncementFailed.
      expect(calls).toBe(4);
      expect(record.retries).toBe(3);
      expect(record.history.filter((event) => event.type === 'TaskFailed')).toHaveLength(4);
    });
  });
});
