import { describe, expect, it } from 'vitest';
import { expectRegistrationFailed } from '../support/expect-failure.js';
import { fixtures } from '../support/fixtures.js';
import { runWorkflow } from '../support/run-workflow.js';
import { answering, failingAlways, lambdaErrorPayload, scripted } from '../support/task-fakes.js';

const OWNED_MESSAGE =
  'Connector label salesforce_orders is registered for arn:aws:lambda:eu-west-1:444455556666:function:other; unregister it or choose another label.';

describe('register-connector state machine', () => {
  describe('a label already registered for the same Lambda (RegisterConnector reconciles and updates)', () => {
    it('announces ConnectorRegistered with action updated and succeeds', async () => {
      const run = await runWorkflow({
        register: scripted(answering({ ...fixtures.registration(), action: 'updated' })),
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.path.at(-1)).toBe('Registered');
      expect(run.published).toHaveLength(1);
      expect(run.published[0]?.Detail).toMatchObject({
        action: 'updated',
        connectorLabel: 'salesforce_orders',
      });
    });
  });

  describe('a label registered for another Lambda', () => {
    it('alerts with the error, its cause and the label, and fails with LabelOwnedByAnotherFunctionError', async () => {
      const run = await runWorkflow({
        register: failingAlways('LabelOwnedByAnotherFunctionError', OWNED_MESSAGE),
      });

      expectRegistrationFailed(run, {
        error: 'LabelOwnedByAnotherFunctionError',
        connectorLabel: fixtures.verifiedConnector().connectorLabel,
      });
      expect(lambdaErrorPayload(run.published[0]?.Detail.cause).errorMessage).toBe(OWNED_MESSAGE);
    });

    it('never retries: taking the label over is not an option', async () => {
      const run = await runWorkflow({
        register: failingAlways('LabelOwnedByAnotherFunctionError', OWNED_MESSAGE),
      });

      expect(run.attempts.RegisterConnector).toBe(1);
      expect(run.published.map((event) => event.DetailType)).toEqual(['ConnectorRegistrationFailed']);
    });
  });
});
