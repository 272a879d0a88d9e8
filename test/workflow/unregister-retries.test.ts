import { describe, expect, it } from 'vitest';
import {
  APPFLOW_EXCEPTIONS,
  IDEMPOTENCY_IN_PROGRESS,
  LAMBDA_SERVICE_ERRORS,
} from '../../functions/shared/errors.js';
import { explicitlyRetried, loadUnregisterAsl, retrierFor } from '../support/asl.js';
import { fixtures } from '../support/fixtures.js';
import { runUnregisterWorkflow, UNREGISTERED_PATH } from '../support/run-unregister-workflow.js';
import { failingAlways, failingTimes } from '../support/task-fakes.js';

const asl = loadUnregisterAsl();
// Generated from the ASL's Retry lists (test/unit/error-contract.test.ts proves they match errors.ts
// and the handlers' code), so a name added there is proven here without an edit.
const VERIFY_RETRIED = explicitlyRetried(asl, 'VerifyRemoval');
const UNREGISTER_RETRIED = explicitlyRetried(asl, 'UnregisterConnector');

describe('unregister-connector state machine', () => {
  it('retries on UnregisterConnector what RegisterConnector retries: the same exception branching', () => {
    expect(UNREGISTER_RETRIED).toEqual(
      expect.arrayContaining([
        ...APPFLOW_EXCEPTIONS.retryable,
        ...APPFLOW_EXCEPTIONS.retryableFewTimes,
        IDEMPOTENCY_IN_PROGRESS,
        'AppFlowRequestBudgetBusyError',
        ...LAMBDA_SERVICE_ERRORS,
      ]),
    );
  });

  describe.each(VERIFY_RETRIED)('VerifyRemoval failing with %s, then succeeding', (name) => {
    it('retries and unregisters', async () => {
      const run = await runUnregisterWorkflow({
        verifyRemoval: failingTimes(1, name, fixtures.registrationsToUnregister()),
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.attempts.VerifyRemoval).toBe(2);
      expect(run.path).toEqual(UNREGISTERED_PATH);
    });
  });

  describe.each(UNREGISTER_RETRIED)('UnregisterConnector failing with %s, then succeeding', (name) => {
    it('retries with the same input, so the idempotency key is the same, and announces once', async () => {
      const run = await runUnregisterWorkflow({
        unregister: failingTimes(1, name, fixtures.unregistration()),
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.attempts.UnregisterConnector).toBe(2);
      const [first, second] = run.taskInputs.UnregisterConnector ?? [];
      expect(second).toEqual(first);
      expect(run.published).toHaveLength(1);
    });
  });

  describe('throttled for good', () => {
    it('gives up after the retrier’s attempts and alerts with ThrottlingException', async () => {
      const run = await runUnregisterWorkflow({ unregister: failingAlways('ThrottlingException') });
      const { MaxAttempts = 3 } = retrierFor(asl, 'UnregisterConnector', 'ThrottlingException');

      expect(run.attempts.UnregisterConnector).toBe(MaxAttempts + 1);
      expect(run.status).toBe('FAILED');
      expect(run.published.map((event) => [event.DetailType, event.Detail.error])).toEqual([
        ['ConnectorUnregistrationFailed', 'ThrottlingException'],
      ]);
    });
  });

  describe('retry policies shared with the registration workflow', () => {
    const registration = (async () => (await import('../support/asl.js')).loadAsl())();

    it.each([
      ['VerifyRemoval', 'VerifyFunction', 'FunctionNotReadyError'],
      ['VerifyRemoval', 'VerifyFunction', 'TooManyRequestsException'],
      ['UnregisterConnector', 'RegisterConnector', 'ThrottlingException'],
      ['UnregisterConnector', 'RegisterConnector', 'AppFlowRequestBudgetBusyError'],
      ['UnregisterConnector', 'RegisterConnector', 'ConnectorServerException'],
      ['UnregisterConnector', 'RegisterConnector', 'Sandbox.Timedout'],
    ])('%s retries %3$s as %2$s does', async (state, registrationState, name) => {
      const { ErrorEquals: _, ...ours } = retrierFor(asl, state, name);
      const { ErrorEquals: __, ...theirs } = retrierFor(await registration, registrationState, name);

      expect(ours).toEqual(theirs);
    });
  });
});
