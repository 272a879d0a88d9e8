import { afterEach, describe, expect, it } from 'vitest';
import type { HubDeployment } from '../../../local/deploy/landing-zone.js';
import type { ExecutionRecord, HistoryEvent } from '../../../local/services/states.js';
import { ADMIN, hubDeployment, readFixtureText, type StatesHarness, startStates } from './harness.js';

// Step Functions' quota: 262,144 bytes of UTF-8 for a task's result, a state's output and a task's
// input after Parameters. Past it: States.DataLimitExceeded, which no Retry or Catch handles.
const QUOTA = 262_144;
const CAUSE_TAIL = 'with a size exceeding the maximum number of bytes service limit.';

/** The hub, its state machine replaced by `definition` (Task resources as the hub's substitutions name them). */
async function hubRunning(definition: Record<string, unknown>): Promise<HubDeployment> {
  const hub = await hubDeployment();
  const stateMachine = { ...hub.stateMachine, definition, definitionString: JSON.stringify(definition) };
  return { ...hub, stateMachine, stack: { ...hub.stack, stateMachines: [stateMachine] } };
}

/** A machine that copies `$.blob` twice into a Pass state's output, then publishes an event. */
function copyThenPublish(hub: HubDeployment, copies: 'pass' | 'task'): Record<string, unknown> {
  const doubled = { 'first.$': '$.blob', 'second.$': '$.blob' };
  const publish = {
    Type: 'Task',
    Resource: 'arn:aws:states:::events:putEvents',
    Parameters: {
      Entries: [
        {
          EventBusName: hub.eventBus.name,
          Source: 'payload.quota.test',
          DetailType: 'Copied',
          Detail: copies === 'task' ? doubled : { copied: true },
        },
      ],
    },
    End: true,
  };
  return copies === 'pass'
    ? {
        StartAt: 'Copy',
        States: { Copy: { Type: 'Pass', Parameters: doubled, Next: 'Publish' }, Publish: publish },
      }
    : { StartAt: 'Publish', States: { Publish: publish } };
}

function types(history: readonly HistoryEvent[]): string[] {
  return history.map((event) => event.type);
}

describe('StatesService payload quota', () => {
  let harness: StatesHarness;

  afterEach(() => harness.close());

  const start = async (input: unknown): Promise<ExecutionRecord> => {
    const { executionArn } = await harness.states.startExecution(
      { stateMachineArn: harness.hub.stateMachine.arn, input: JSON.stringify(input) },
      ADMIN,
    );
    return harness.states.waitForExecution(executionArn);
  };

  /** Runs copyThenPublish on half the quota, so its two copies are over it. */
  const copyHalfTheQuotaTwice = async (copies: 'pass' | 'task'): Promise<ExecutionRecord> => {
    harness = await startStates({ hub: await hubRunning(copyThenPublish(await hubDeployment(), copies)) });
    const record = await start({ blob: 'x'.repeat(QUOTA / 2) });
    await harness.events.idle();
    return record;
  };

  const published = () =>
    harness.events.publishedEvents({ busName: harness.hub.eventBus.name }).map(({ event }) => event);

  describe('a task result over the quota', () => {
    it('fails the execution with States.DataLimitExceeded, which States.ALL does not catch', async () => {
      harness = await startStates();
      harness.runtime.queue('verifyFunction', { result: { blob: 'x'.repeat(QUOTA) } });
      const record = await start(JSON.parse(readFixtureText('workflow-input.json')));
      await harness.events.idle();

      const verifyArn = harness.hub.stateMachine.substitutions.VerifyFunctionArn;
      expect(record).toMatchObject({
        status: 'FAILED',
        error: 'States.DataLimitExceeded',
        cause: `The state/task '${verifyArn}' returned a result ${CAUSE_TAIL}`,
      });
      // Not caught into PublishRegistrationFailed: nothing tells anyone but the execution itself.
      expect(types(record.history).slice(-2)).toEqual(['LambdaFunctionFailed', 'ExecutionFailed']);
      expect(published()).toEqual([]);
    });
  });

  describe('a state output over the quota', () => {
    it('fails the execution at that state, before the next one acts', async () => {
      const record = await copyHalfTheQuotaTwice('pass');

      expect(record).toMatchObject({
        status: 'FAILED',
        error: 'States.DataLimitExceeded',
        cause: `The state/task 'Copy' returned a result ${CAUSE_TAIL}`,
      });
      expect(types(record.history)).toEqual(['ExecutionStarted', 'PassStateEntered', 'ExecutionFailed']);
      expect(record.transitions).toBe(1);
      expect(published()).toEqual([]);
    });

    it('lets an output of exactly the quota through, and fails one byte more', async () => {
      const definition = {
        StartAt: 'Grow',
        States: { Grow: { Type: 'Pass', Parameters: { 'blob.$': '$.blob', k: 0 }, End: true } },
      };
      harness = await startStates({ hub: await hubRunning(definition) });
      const around = Buffer.byteLength(JSON.stringify({ blob: '', k: 0 }));
      const atQuota = await start({ blob: 'x'.repeat(QUOTA - around) });
      const overQuota = await start({ blob: 'x'.repeat(QUOTA - around + 1) });

      expect(Buffer.byteLength(atQuota.output ?? '')).toBe(QUOTA);
      expect(atQuota.status).toBe('SUCCEEDED');
      expect(overQuota).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    });
  });

  describe('the registration workflow', () => {
    // The one place the signal still counts: VerifyFunction is given it with the execution ARN
    // added, so an input StartExecution accepts, within that ARN's length of the quota, fails there.
    // Nothing has been called yet; the ExecutionsFailed alarm is what tells.
    it('fails at VerifyFunction, before invoking it, only for an input within the execution ARN of the quota', async () => {
      harness = await startStates();
      const input = JSON.parse(readFixtureText('workflow-input.json')) as Record<string, unknown>;
      const sized = (bytes: number) => {
        const padded = { ...input, hints: { padding: '' } };
        const around = Buffer.byteLength(JSON.stringify(padded));
        return { ...input, hints: { padding: 'x'.repeat(bytes - around) } };
      };
      const arn = `${harness.hub.stateMachine.arn.replace(':stateMachine:', ':execution:')}:`;
      const added = Buffer.byteLength(`,"executionArn":"${arn}"`) + 36; // the name: a UUID

      const fits = await start(sized(QUOTA - added));
      const within = await start(sized(QUOTA - added + 1));

      expect(fits.status).toBe('SUCCEEDED');
      expect(within).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
      expect(types(within.history)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed']);
      expect(within.lambdaInvocations).toBe(0);
    });
  });

  describe("a task's input after Parameters over the quota", () => {
    it('fails the execution without calling the service', async () => {
      const record = await copyHalfTheQuotaTwice('task');

      expect(record).toMatchObject({
        status: 'FAILED',
        error: 'States.DataLimitExceeded',
        cause: expect.stringContaining("The state/task 'Publish'"),
      });
      expect(types(record.history)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed']);
      expect(published()).toEqual([]);
    });
  });
});
