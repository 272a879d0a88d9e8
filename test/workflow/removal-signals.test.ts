import { describe, expect, it } from 'vitest';
import type { WorkflowInput } from '../../functions/shared/types.js';
import { fixtures } from '../support/fixtures.js';
import { renderInputTemplate } from '../support/input-template.js';
import { signalRulesStarting } from '../support/rules.js';
import { runUnregisterWorkflow } from '../support/run-unregister-workflow.js';
import { EXECUTION_ARN } from '../support/run-workflow.js';

const rules = signalRulesStarting('unregister-connector');

describe('unregister-connector state machine', () => {
  it('is started by the deletion, untag and tag signals', () => {
    expect(rules.map((rule) => rule.name).sort()).toEqual([
      'cloudformation-function-deleted',
      'cloudtrail-delete-function',
      'cloudtrail-tag-resource',
      'cloudtrail-untag-resource',
    ]);
  });

  describe.each(rules.map((rule) => [rule.name, rule] as const))('started by the rule %s', (_, rule) => {
    const input = renderInputTemplate(
      rule.inputTransformer.InputTemplate,
      fixtures.ruleInputValues(),
    ) as WorkflowInput;

    it('produces the same input shape as a deploy signal', () => {
      expect(Object.keys(input).sort()).toEqual(['accountId', 'functionArn', 'hints', 'region', 'trigger']);
      expect(input.hints).toBeNull();
    });

    it('hands VerifyRemoval that input without hints, and the execution ARN', async () => {
      const run = await runUnregisterWorkflow({ input });

      const { hints: __, ...signal } = input;
      expect(run.status).toBe('SUCCEEDED');
      expect(run.taskInputs.VerifyRemoval).toEqual([{ ...signal, executionArn: EXECUTION_ARN }]);
    });
  });
});
