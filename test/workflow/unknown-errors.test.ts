import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LambdaTask } from '../support/asl.js';
import { expectRegistrationFailed } from '../support/expect-failure.js';
import { fixtures } from '../support/fixtures.js';
import { runWorkflow, type WorkflowOptions } from '../support/run-workflow.js';
import { failingAlways, hanging, type TaskFake } from '../support/task-fakes.js';

// Names no Retry or Catch lists: bugs in a handler. (A crash, a function timeout and Lambda.Unknown
// are retried: see register-retries and verify-retries, which read every retrier from the ASL.)
const UNKNOWN = ['TypeError', 'Error', 'RangeError'];
const TASKS: LambdaTask[] = ['VerifyFunction', 'RegisterConnector'];

function failing(state: LambdaTask, fake: TaskFake): WorkflowOptions {
  return state === 'VerifyFunction' ? { verify: fake } : { register: fake };
}

function labelAfter(state: LambdaTask): string | null {
  return state === 'VerifyFunction' ? null : fixtures.verifiedConnector().connectorLabel;
}

describe('register-connector state machine', () => {
  describe.each(TASKS.flatMap((state) => UNKNOWN.map((name) => [state, name] as const)))(
    '%s failing with the unexpected %s',
    (state, name) => {
      it('is caught by States.ALL, alerted once and not retried', async () => {
        const run = await runWorkflow(failing(state, failingAlways(name)));

        const caught = run.events.find((event) => event.type === 'StateCaught' && event.state.name === state);
        expect(caught?.type === 'StateCaught' && caught.catch.catcher.ErrorEquals).toEqual(['States.ALL']);
        expect(run.attempts[state]).toBe(1);
        expectRegistrationFailed(run, { error: name, connectorLabel: labelAfter(state) });
      });
    },
  );

  describe.each(TASKS)('%s throwing a plain TypeError (a bug, not a Lambda error payload)', (state) => {
    it('alerts with the message as the cause', async () => {
      const fake: TaskFake = () => {
        throw new TypeError("Cannot read properties of undefined (reading 'Configuration')");
      };
      const run = await runWorkflow(failing(state, fake));

      expectRegistrationFailed(run, {
        error: 'TypeError',
        cause: "Cannot read properties of undefined (reading 'Configuration')",
        connectorLabel: labelAfter(state),
      });
    });
  });

  describe.each(TASKS)('%s running into its TimeoutSeconds', (state) => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('fails with States.Timeout, which no retrier matches, and alerts', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const running = runWorkflow(failing(state, hanging()));
      await vi.advanceTimersByTimeAsync(60_000);
      const run = await running;

      expect(run.attempts[state]).toBe(1);
      expectRegistrationFailed(run, {
        error: 'States.Timeout',
        cause: expect.any(String),
        connectorLabel: labelAfter(state),
      });
    });
  });
});
