import { describe, expect, it } from 'vitest';
import { DetailType } from '../../functions/shared/event-types.js';
import { loadAsl, REGISTERED_PATH, retrierFor, stateOf } from '../support/asl.js';
import { fixtures } from '../support/fixtures.js';
import { EXECUTION_ARN, runWorkflow } from '../support/run-workflow.js';
import { failingAlways, failingTimes } from '../support/task-fakes.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/;

describe('register-connector state machine', () => {
  describe('recording a registration (RecordRegistration)', () => {
    it('takes the happy path to 6 state transitions, the most the issue allows', async () => {
      const run = await runWorkflow();

      expect(run.path).toEqual(REGISTERED_PATH);
      expect(run.path).toHaveLength(6);
    });

    it('hands RecordOutcome exactly the detail it published, and when the execution started', async () => {
      const run = await runWorkflow();

      expect(run.taskInputs.RecordRegistration).toEqual([
        {
          detailType: DetailType.ConnectorRegistered,
          detail: run.published[0]?.Detail,
          executionStartTime: expect.stringMatching(ISO_TIME),
        },
      ]);
      expect(run.published[0]?.Detail).toEqual({ ...fixtures.registration(), executionArn: EXECUTION_ARN });
    });

    it('adds nothing to the output: the execution ends with what it registered', async () => {
      const run = await runWorkflow();

      expect(run.output).toEqual({
        function: fixtures.verifiedConnector(),
        registration: fixtures.registration(),
      });
    });

    it('retries a Lambda service error, then succeeds', async () => {
      const run = await runWorkflow({
        record: {
          RecordRegistration: failingTimes(2, 'Lambda.ServiceException', fixtures.recorded()),
        },
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.attempts.RecordRegistration).toBe(3);
      expect(run.published).toHaveLength(1);
    });

    it('fails the execution in RecordRegistration when recording never works, after announcing once', async () => {
      const run = await runWorkflow({
        record: { RecordRegistration: failingAlways('ProvisionedThroughputExceededException') },
      });

      const { MaxAttempts = 3 } = retrierFor(loadAsl(), 'RecordRegistration', 'States.TaskFailed');
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('ProvisionedThroughputExceededException');
      expect(run.attempts.RecordRegistration).toBe(1 + MaxAttempts);
      expect(run.path.at(-1)).toBe('RecordRegistration');
      // Not caught: the failure stays in this state, where RedriveExecution starts again.
      expect(stateOf(loadAsl(), 'RecordRegistration').Catch).toBeUndefined();
      expect(run.published.map((event) => event.DetailType)).toEqual([DetailType.ConnectorRegistered]);
    });
  });

  describe('recording a failure (RecordFailure)', () => {
    it("hands RecordOutcome the published detail and the signal's functionArn, for the inventory row", async () => {
      const input = { ...fixtures.workflowInput(), functionArn: 'no-permission-connector' };
      const run = await runWorkflow({ input, verify: failingAlways('MissingAppFlowPermissionError') });

      expect(run.taskInputs.RecordFailure).toEqual([
        {
          detailType: DetailType.ConnectorRegistrationFailed,
          detail: run.published[0]?.Detail,
          executionStartTime: expect.stringMatching(ISO_TIME),
          signalFunctionArn: 'no-permission-connector',
        },
      ]);
    });

    it('records the failure even when the hub bus refused the alert', async () => {
      const run = await runWorkflow({
        register: failingAlways('AccessDeniedException'),
        failedEntries: { PublishRegistrationFailed: Number.POSITIVE_INFINITY },
      });

      expect(run.published).toEqual([]);
      expect(run.attempts.RecordFailure).toBe(1);
      expect(run.path.slice(-2)).toEqual(['RecordFailure', 'RegistrationFailed']);
      expect(run.error).toBe('AccessDeniedException');
    });

    it('ends the execution with the error of the recording when recording never works', async () => {
      const run = await runWorkflow({
        register: failingAlways('AccessDeniedException'),
        record: { RecordFailure: failingAlways('InternalServerError') },
      });

      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('InternalServerError');
      expect(run.path.at(-1)).toBe('RecordFailure');
      expect(run.published.map((event) => event.Detail.error)).toEqual(['AccessDeniedException']);
    });
  });

  describe('a skipped function', () => {
    it('records nothing: it is not a connector', async () => {
      const run = await runWorkflow({
        verify: failingTimes(0, 'unused', fixtures.notOptedIn()),
      });

      expect(run.path.at(-1)).toBe('Skipped');
      expect(run.attempts.RecordRegistration).toBeUndefined();
      expect(run.attempts.RecordFailure).toBeUndefined();
    });
  });
});
