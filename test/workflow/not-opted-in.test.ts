import { describe, expect, it } from 'vitest';
import { fixtures } from '../support/fixtures.js';
import { runWorkflow } from '../support/run-workflow.js';
import { answering, scripted } from '../support/task-fakes.js';

describe('register-connector state machine', () => {
  describe('a function without the opt-in tag', () => {
    it('ends in Skipped and succeeds', async () => {
      const run = await runWorkflow({ verify: scripted(answering(fixtures.notOptedIn())) });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.path).toEqual(['VerifyFunction', 'OptedIn', 'Skipped']);
    });

    it('neither registers nor publishes anything', async () => {
      const run = await runWorkflow({ verify: scripted(answering(fixtures.notOptedIn())) });

      expect(run.attempts.RegisterConnector).toBeUndefined();
      expect(run.published).toEqual([]);
      expect(run.rejected).toEqual([]);
    });

    it('keeps why it was skipped in the output', async () => {
      const run = await runWorkflow({ verify: scripted(answering(fixtures.notOptedIn())) });

      expect(run.output).toEqual({ function: fixtures.notOptedIn() });
    });
  });
});
