import { describe, expect, it } from 'vitest';
import {
  APPFLOW_EXCEPTIONS,
  IDEMPOTENCY_IN_PROGRESS,
  LAMBDA_SERVICE_ERRORS,
} from '../../functions/shared/errors.js';
import { explicitlyRetried, loadAsl, REGISTERED_PATH, retrierFor } from '../support/asl.js';
import { expectRegistrationFailed } from '../support/expect-failure.js';
import { fixtures } from '../support/fixtures.js';
import { runWorkflow } from '../support/run-workflow.js';
import { answering, failingAlways, failingTimes, scripted, throwing } from '../support/task-fakes.js';

// Generated from the ASL's Retry lists (test/unit/error-contract.test.ts proves they match errors.ts
// and the handler's code), so a name added there is proven here without an edit.
const RETRIED = explicitlyRetried(loadAsl(), 'RegisterConnector');
const [RETRIED_FEW_TIMES] = APPFLOW_EXCEPTIONS.retryableFewTimes;

describe('register-connector state machine', () => {
  it('retries what errors.ts calls retryable for an idempotent AppFlow-calling handler', () => {
    expect(RETRIED).toEqual(
      expect.arrayContaining([
        ...APPFLOW_EXCEPTIONS.retryable,
        ...APPFLOW_EXCEPTIONS.retryableFewTimes,
        IDEMPOTENCY_IN_PROGRESS,
        ...LAMBDA_SERVICE_ERRORS,
      ]),
    );
  });

  describe('RegisterConnector throttled twice', () => {
    it('registers at the third attempt and announces it', async () => {
      const run = await runWorkflow({
        register: failingTimes(2, 'ThrottlingException', fixtures.registration()),
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.attempts.RegisterConnector).toBe(3);
      expect(run.retries.RegisterConnector).toBe(2);
      expect(run.path).toEqual(REGISTERED_PATH);
      expect(run.published.map((event) => event.DetailType)).toEqual(['ConnectorRegistered']);
    });

    it('calls the handler with the same input every time, so the idempotency key is the same', async () => {
      const run = await runWorkflow({
        register: failingTimes(2, 'ThrottlingException', fixtures.registration()),
      });

      const [first, ...others] = run.taskInputs.RegisterConnector ?? [];
      expect(others).toEqual([first, first]);
    });
  });

  describe.each(RETRIED)('RegisterConnector failing with %s, then succeeding', (name) => {
    it('retries and registers', async () => {
      const run = await runWorkflow({ register: failingTimes(1, name, fixtures.registration()) });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.attempts.RegisterConnector).toBe(2);
      expect(run.failures).toEqual([{ state: 'RegisterConnector', error: name, cause: expect.any(String) }]);
      expect(run.published.map((event) => event.DetailType)).toEqual(['ConnectorRegistered']);
    });
  });

  describe.each(RETRIED)('RegisterConnector failing with %s for ever', (name) => {
    const { MaxAttempts } = retrierFor(loadAsl(), 'RegisterConnector', name);

    it(`gives up after 1 + MaxAttempts (${MaxAttempts}) attempts and alerts with that error`, async () => {
      const run = await runWorkflow({ register: failingAlways(name) });

      expect(run.attempts.RegisterConnector).toBe(1 + (MaxAttempts ?? Number.NaN));
      expectRegistrationFailed(run, {
        error: name,
        connectorLabel: fixtures.verifiedConnector().connectorLabel,
      });
    });
  });

  describe(`RegisterConnector failing with ${RETRIED_FEW_TIMES} for ever`, () => {
    it('retries exactly twice, then alerts', async () => {
      const run = await runWorkflow({ register: failingAlways(RETRIED_FEW_TIMES as string) });

      expect(run.retries.RegisterConnector).toBe(2);
      expect(run.attempts.RegisterConnector).toBe(3);
      expectRegistrationFailed(run, {
        error: RETRIED_FEW_TIMES as string,
        connectorLabel: fixtures.verifiedConnector().connectorLabel,
      });
    });

    it('registers when the connector answers at the last retry', async () => {
      const run = await runWorkflow({
        register: failingTimes(2, RETRIED_FEW_TIMES as string, fixtures.registration()),
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.attempts.RegisterConnector).toBe(3);
    });
  });

  describe('RegisterConnector throttled as often as allowed, then failing in the connector twice', () => {
    it('draws each error from its own retrier and still registers', async () => {
      const throttles = retrierFor(loadAsl(), 'RegisterConnector', 'ThrottlingException').MaxAttempts ?? 0;
      const connectorFailures =
        retrierFor(loadAsl(), 'RegisterConnector', RETRIED_FEW_TIMES as string).MaxAttempts ?? 0;
      const run = await runWorkflow({
        register: scripted(
          ...Array.from({ length: throttles }, () => throwing('ThrottlingException')),
          ...Array.from({ length: connectorFailures }, () => throwing(RETRIED_FEW_TIMES as string)),
          answering(fixtures.registration()),
        ),
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.attempts.RegisterConnector).toBe(1 + throttles + connectorFailures);
    });
  });
});
