import { describe, expect, it } from 'vitest';
import { DetailType } from '../../functions/shared/event-types.js';
import { explicitlyCaught, loadUnregisterAsl } from '../support/asl.js';
import { expectUnregistrationFailed } from '../support/expect-unregistration.js';
import { runUnregisterWorkflow } from '../support/run-unregister-workflow.js';
import { failingAlways, type TaskFake } from '../support/task-fakes.js';

const asl = loadUnregisterAsl();
const SKIPPING = ['RegistrationChangedError'];

// Generated from the ASL's own Catch lists, so a name added there is proven here without an edit.
const cases = (['VerifyRemoval', 'UnregisterConnector'] as const).flatMap((state) =>
  explicitlyCaught(asl, state)
    .filter((name) => !SKIPPING.includes(name))
    .map((name) => [state, name] as const),
);

function failing(state: 'VerifyRemoval' | 'UnregisterConnector', name: string) {
  const fake: TaskFake = failingAlways(name);
  return state === 'VerifyRemoval' ? { verifyRemoval: fake } : { unregister: fake };
}

describe('unregister-connector state machine', () => {
  it('has fatal errors to prove on both Lambda tasks, ConnectorInUseError among them', () => {
    expect(cases.filter(([state]) => state === 'VerifyRemoval').length).toBeGreaterThan(0);
    expect(cases).toContainEqual(['UnregisterConnector', 'ConnectorInUseError']);
  });

  describe.each(cases)('%s failing with the fatal %s', (state, name) => {
    it('does not retry it and catches it by name', async () => {
      const run = await runUnregisterWorkflow(failing(state, name));

      expect(run.attempts[state]).toBe(1);
      const caught = run.events.find((event) => event.type === 'StateCaught' && event.state.name === state);
      expect(caught?.type === 'StateCaught' && caught.catch.catcher.ErrorEquals).toContain(name);
    });

    it('publishes ConnectorUnregistrationFailed and fails with that error', async () => {
      const run = await runUnregisterWorkflow(failing(state, name));

      expectUnregistrationFailed(run, {
        state: state === 'VerifyRemoval' ? 'PublishVerificationFailed' : 'PublishUnregistrationFailed',
        error: name,
      });
    });
  });

  describe('an error no Catch names (States.ALL)', () => {
    it.each([
      ['VerifyRemoval', 'TypeError'],
      ['UnregisterConnector', 'TypeError'],
    ] as const)('%s failing with %s still alerts', async (state, name) => {
      const run = await runUnregisterWorkflow(failing(state, name));

      expectUnregistrationFailed(run, {
        state: state === 'VerifyRemoval' ? 'PublishVerificationFailed' : 'PublishUnregistrationFailed',
        error: name,
      });
    });
  });

  describe('the announcement fails after the unregistration', () => {
    it('retries PutEvents, then fails the execution (the alarm alerts) without a failure event', async () => {
      const run = await runUnregisterWorkflow({ failedEntries: { PublishConnectorUnregistered: Infinity } });

      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('EventBridge.FailedEntry');
      expect(run.attempts.PublishConnectorUnregistered).toBe(4);
      expect(run.path.slice(-2)).toEqual(['AnnouncementFailed', 'UnregistrationFailed']);
      expect(run.published).toEqual([]);
    });

    it('announces once PutEvents succeeds on a retry', async () => {
      const run = await runUnregisterWorkflow({ failedEntries: { PublishConnectorUnregistered: 2 } });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.published.map((event) => event.DetailType)).toEqual([DetailType.ConnectorUnregistered]);
    });
  });

  describe('the failure event cannot be published', () => {
    it.each([
      [
        'PublishUnregistrationFailed',
        { unregister: failingAlways('ConnectorInUseError') },
        'ConnectorInUseError',
      ],
      [
        'PublishVerificationFailed',
        { verifyRemoval: failingAlways('AccountMismatchError') },
        'AccountMismatchError',
      ],
    ] as const)(
      '%s failing still fails the execution with the original error',
      async (state, fakes, error) => {
        const run = await runUnregisterWorkflow({ ...fakes, failedEntries: { [state]: Infinity } });

        expect(run.status).toBe('FAILED');
        expect(run.error).toBe(error);
        expect(run.attempts[state]).toBe(4);
      },
    );
  });
});
