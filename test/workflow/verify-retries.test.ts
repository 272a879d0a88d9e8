import { describe, expect, it } from 'vitest';
import { LAMBDA_API_RETRYABLE, LAMBDA_SERVICE_ERRORS } from '../../functions/shared/errors.js';
import { explicitlyRetried, loadAsl, REGISTERED_PATH, retrierFor } from '../support/asl.js';
import { expectRegistrationFailed } from '../support/expect-failure.js';
import { fixtures } from '../support/fixtures.js';
import { runWorkflow } from '../support/run-workflow.js';
import { failingAlways, failingTimes } from '../support/task-fakes.js';

// Generated from the ASL's Retry lists (test/unit/error-contract.test.ts proves they match errors.ts
// and the handler's code), so a name added there is proven here without an edit.
const RETRIED = explicitlyRetried(loadAsl(), 'VerifyFunction');

describe('register-connector state machine', () => {
  it('retries what errors.ts calls retryable for a Lambda-calling handler', () => {
    expect(RETRIED).toEqual(
      expect.arrayContaining(['FunctionNotReadyError', ...LAMBDA_API_RETRYABLE, ...LAMBDA_SERVICE_ERRORS]),
    );
  });

  describe('a function still being updated (FunctionNotReadyError twice)', () => {
    it('verifies it at the third attempt and registers it', async () => {
      const run = await runWorkflow({
        verify: failingTimes(2, 'FunctionNotReadyError', fixtures.verifiedConnector()),
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.attempts.VerifyFunction).toBe(3);
      expect(run.retries.VerifyFunction).toBe(2);
      expect(run.path).toEqual(REGISTERED_PATH);
    });
  });

  describe.each(RETRIED)('VerifyFunction failing with %s, then succeeding', (name) => {
    it('retries and registers', async () => {
      const run = await runWorkflow({ verify: failingTimes(1, name, fixtures.verifiedConnector()) });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.attempts.VerifyFunction).toBe(2);
      expect(run.attempts.RegisterConnector).toBe(1);
    });
  });

  describe.each(RETRIED)('VerifyFunction failing with %s for ever', (name) => {
    const { MaxAttempts } = retrierFor(loadAsl(), 'VerifyFunction', name);

    it(`gives up after 1 + MaxAttempts (${MaxAttempts}) attempts and alerts without a label`, async () => {
      const run = await runWorkflow({ verify: failingAlways(name) });

      expect(run.attempts.VerifyFunction).toBe(1 + (MaxAttempts ?? Number.NaN));
      expect(run.attempts.RegisterConnector).toBeUndefined();
      expect(run.path).toContain('NotVerified');
      expectRegistrationFailed(run, { error: name, connectorLabel: null });
    });
  });
});
