import { describe, expect, it } from 'vitest';
import { DetailType } from '../../functions/shared/event-types.js';
import { fixtures } from '../support/fixtures.js';
import { runUnregisterWorkflow } from '../support/run-unregister-workflow.js';
import { answering, failingAlways, scripted, throwing } from '../support/task-fakes.js';

const CHANGED =
  'Connector label "salesforce_orders" … now points at arn:aws:lambda:…:function:other, so it is left alone.';

describe('unregister-connector state machine', () => {
  describe('nothing to unregister (the function still exists, still carries the label, or no registration of the registrar points at it)', () => {
    it('ends in the Succeed state Skipped, whose data says why, after one invocation', async () => {
      const run = await runUnregisterWorkflow({
        verifyRemoval: scripted(answering(fixtures.nothingToUnregister())),
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.path).toEqual(['VerifyRemoval', 'ToUnregister', 'Skipped']);
      expect(run.output).toEqual({ removal: fixtures.nothingToUnregister() });
      expect(run.attempts).toEqual({ VerifyRemoval: 1 });
    });

    it('publishes nothing and alerts nothing', async () => {
      const run = await runUnregisterWorkflow({
        verifyRemoval: scripted(answering(fixtures.nothingToUnregister())),
      });

      expect(run.published).toEqual([]);
    });
  });

  describe('a registration that changed after VerifyRemoval read it (RegistrationChangedError)', () => {
    it('ends that label in the Succeed state LabelLeftAlone with the reason, and the execution succeeds', async () => {
      const run = await runUnregisterWorkflow({
        unregister: failingAlways('RegistrationChangedError', CHANGED),
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.path).toEqual([
        'VerifyRemoval',
        'ToUnregister',
        'UnregisterEach',
        'UnregisterConnector',
        'LabelLeftAlone',
        'Finished',
      ]);
      const [iteration] = (
        run.output as { unregistrations: { leftAlone: { Error: string; Cause: string } }[] }
      ).unregistrations;
      expect(iteration?.leftAlone.Error).toBe('RegistrationChangedError');
      expect(JSON.parse(iteration?.leftAlone.Cause ?? '{}')).toMatchObject({ errorMessage: CHANGED });
    });

    it('neither retries, announces nor alerts', async () => {
      const run = await runUnregisterWorkflow({
        unregister: failingAlways('RegistrationChangedError', CHANGED),
      });

      expect(run.attempts.UnregisterConnector).toBe(1);
      expect(run.published).toEqual([]);
    });

    it('goes on with the next registration of the function', async () => {
      const removal = fixtures.registrationsToUnregister();
      const first = removal.registrations[0];
      if (!first) throw new Error('the fixture holds one registration');
      const second = { ...first, connectorLabel: 'salesforce_orders_v2' };
      const run = await runUnregisterWorkflow({
        verifyRemoval: scripted(answering({ ...removal, registrations: [first, second] })),
        unregister: scripted(
          throwing('RegistrationChangedError', CHANGED),
          answering({ ...fixtures.unregistration(), connectorLabel: 'salesforce_orders_v2' }),
        ),
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.published.map((event) => [event.DetailType, event.Detail.connectorLabel])).toEqual([
        [DetailType.ConnectorUnregistered, 'salesforce_orders_v2'],
      ]);
    });
  });
});
