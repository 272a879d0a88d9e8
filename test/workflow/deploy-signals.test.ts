import { describe, expect, it } from 'vitest';
import type { TriggerKind, WorkflowInput } from '../../functions/shared/types.js';
import { fixtures } from '../support/fixtures.js';
import { renderInputTemplate } from '../support/input-template.js';
import { deploySignalRules } from '../support/rules.js';
import { EXECUTION_ARN, runWorkflow } from '../support/run-workflow.js';

const TRIGGER_KINDS: TriggerKind[] = ['cloudtrail', 'cloudformation', 'pipeline'];

describe('register-connector state machine', () => {
  describe.each(deploySignalRules().map((rule) => [rule.name, rule] as const))(
    'started by the rule %s',
    (_, rule) => {
      const input = renderInputTemplate(
        rule.inputTransformer.InputTemplate,
        fixtures.ruleInputValues(),
      ) as WorkflowInput;

      it('produces an input with every field VerifyFunction reads', () => {
        expect(Object.keys(input).sort()).toEqual(['accountId', 'functionArn', 'hints', 'region', 'trigger']);
        expect(TRIGGER_KINDS).toContain(input.trigger.kind);
        expect(Object.keys(input.trigger).sort()).toEqual(['eventId', 'kind', 'name', 'time']);
      });

      it('registers the connector and hands VerifyFunction that input', async () => {
        const run = await runWorkflow({ input });

        expect(run.status).toBe('SUCCEEDED');
        expect(run.path.at(-1)).toBe('Registered');
        expect(run.taskInputs.VerifyFunction).toEqual([{ ...input, executionArn: EXECUTION_ARN }]);
      });
    },
  );

  describe('started by hand with an input that has no hints', () => {
    // The rules always write hints (docs/design.md, 2.2 The workflow input), because VerifyFunction's
    // Parameters read "$.hints": a missing path is States.Runtime, which no Catch can handle, so an
    // execution started by hand without it ends without an alert.
    it('fails with States.Runtime before VerifyFunction runs', async () => {
      const { hints: _, ...input } = fixtures.workflowInput();
      const run = await runWorkflow({ input });

      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('States.Runtime');
      expect(run.attempts.VerifyFunction).toBeUndefined();
      expect(run.published).toEqual([]);
    });
  });
});
