import { describe, expect, it } from 'vitest';
import { explicitlyCaught, type LambdaTask, loadAsl } from '../support/asl.js';
import { expectRegistrationFailed } from '../support/expect-failure.js';
import { fixtures } from '../support/fixtures.js';
import { runWorkflow } from '../support/run-workflow.js';
import { failingAlways, type TaskFake } from '../support/task-fakes.js';

const asl = loadAsl();

// Generated from the ASL's own Catch lists, so a name added there is proven here without an edit.
const cases = (['VerifyFunction', 'RegisterConnector'] as const satisfies readonly LambdaTask[]).flatMap(
  (state) => explicitlyCaught(asl, state).map((name) => [state, name] as const),
);

function fakesFailing(state: LambdaTask, name: string): { verify?: TaskFake; register?: TaskFake } {
  return state === 'VerifyFunction' ? { verify: failingAlways(name) } : { register: failingAlways(name) };
}

describe('register-connector state machine', () => {
  it('has fatal errors to prove on both Lambda tasks', () => {
    expect(cases.filter(([state]) => state === 'VerifyFunction').length).toBeGreaterThan(0);
    expect(cases.filter(([state]) => state === 'RegisterConnector').length).toBeGreaterThan(0);
  });

  describe.each(cases)('%s failing with the fatal %s', (state, name) => {
    it('does not retry it', async () => {
      const run = await runWorkflow(fakesFailing(state, name));

      expect(run.attempts[state]).toBe(1);
      expect(run.retries[state]).toBeUndefined();
    });

    it('catches it by name, not by the States.ALL fallback', async () => {
      const run = await runWorkflow(fakesFailing(state, name));

      const caught = run.events.find((event) => event.type === 'StateCaught' && event.state.name === state);
      expect(caught?.type === 'StateCaught' && caught.catch.catcher.ErrorEquals).toContain(name);
    });

    it('publishes ConnectorRegistrationFailed and fails with that error', async () => {
      const run = await runWorkflow(fakesFailing(state, name));

      expectRegistrationFailed(run, {
        error: name,
        connectorLabel: state === 'VerifyFunction' ? null : fixtures.verifiedConnector().connectorLabel,
      });
    });
  });

  describe('a verification failure', () => {
    it('goes through NotVerified and never calls RegisterConnector', async () => {
      const run = await runWorkflow({ verify: failingAlways('FunctionNotFoundError') });

      expect(run.path).toEqual([
        'VerifyFunction',
        'NotVerified',
        'PublishRegistrationFailed',
        'RegistrationFailed',
      ]);
      expect(run.attempts.RegisterConnector).toBeUndefined();
    });

    it.each([
      ['an ARN', fixtures.workflowInput().functionArn],
      ["a CloudFormation signal's function name", 'no-permission-connector'],
      ['a phishing text', 'ACTION REQUIRED: rotate now at https://example.invalid/rotate'],
    ])(
      'publishes no lambdaArn when the signal named %s: nothing it gave was validated',
      async (_, functionArn) => {
        const input = { ...fixtures.workflowInput(), functionArn };
        const run = await runWorkflow({ input, verify: failingAlways('InvalidFunctionArnError') });

        expect(run.published[0]?.Detail).toMatchObject({
          connectorLabel: null,
          lambdaArn: null,
          accountId: input.accountId,
          region: input.region,
        });
        expect(JSON.stringify(run.published[0]?.Detail)).not.toContain(functionArn);
      },
    );
  });

  describe('a registration failure', () => {
    it('goes straight from RegisterConnector to PublishRegistrationFailed', async () => {
      const run = await runWorkflow({ register: failingAlways('AccessDeniedException') });

      expect(run.path).toEqual([
        'VerifyFunction',
        'OptedIn',
        'RegisterConnector',
        'PublishRegistrationFailed',
        'RegistrationFailed',
      ]);
    });
  });
});
