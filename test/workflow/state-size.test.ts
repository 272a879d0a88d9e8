import { describe, expect, it } from 'vitest';
import { fixtures } from '../support/fixtures.js';
import { renderInputTemplate } from '../support/input-template.js';
import { deploySignalRules } from '../support/rules.js';
import { runWorkflow, type WorkflowOptions, type WorkflowRun } from '../support/run-workflow.js';
import { answering, failingAlways, scripted } from '../support/task-fakes.js';

// Step Functions fails an execution whose state data goes over 256 KiB with States.DataLimitExceeded,
// which no Catch handles: nothing would be published. A pipeline signal's detail is the caller's,
// as large as they like, so no state after VerifyFunction may carry any of it.

const KIB = 1024;

/** The pipeline rule's input for a detail, as EventBridge builds it. */
function pipelineInput(detail: Record<string, unknown>): unknown {
  const rule = deploySignalRules().find((candidate) => candidate.name === 'pipeline-connector-deployed');
  if (!rule) throw new Error('events/rules/pipeline-connector-deployed.json is missing');
  const values = { ...fixtures.ruleInputValues(), functionArn: detail.functionArn, detail };
  return renderInputTemplate(rule.inputTransformer.InputTemplate, values);
}

const SMALL = pipelineInput(fixtures.ruleInputValues().detail as Record<string, unknown>);
// 300 KiB of the caller's: more than the quota itself, so any copy of it would fail the execution.
const HUGE = pipelineInput({
  functionArn: `arn:aws:lambda:eu-west-1:444455556666:function:${'f'.repeat(100 * KIB)}`,
  connectorLabel: 'l'.repeat(100 * KIB),
  description: 'd'.repeat(50 * KIB),
  padding: 'p'.repeat(50 * KIB),
});

const PATHS: [string, WorkflowOptions][] = [
  ['refused by VerifyFunction', { verify: failingAlways('InvalidFunctionArnError') }],
  ['failing VerifyFunction with an error it does not name', { verify: failingAlways('Lambda.Unknown') }],
  ['not opted in', { verify: scripted(answering(fixtures.notOptedIn())) }],
  ['refused by AppFlow', { register: failingAlways('AccessDeniedException') }],
  ['registered', {}],
];

/** The size of every state's data after VerifyFunction, and of what was published, in order. */
function sizesAfterVerify(run: WorkflowRun): number[] {
  const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value ?? null));
  const states = run.events.flatMap((event) => {
    if (event.type === 'StateExited') return [bytes(event.state.output)];
    if (event.type === 'StateEntered' && event.state.name !== 'VerifyFunction')
      return [bytes(event.state.input)];
    return [];
  });
  return [...states, ...run.published.map((event) => bytes(event.Detail))];
}

describe('register-connector state machine', () => {
  it('is given a 300 KiB signal by these tests', () => {
    expect(Buffer.byteLength(JSON.stringify(HUGE))).toBeGreaterThan(300 * KIB);
  });

  describe.each(PATHS)('a signal %s', (_, fakes) => {
    it('carries nothing of the signal past VerifyFunction, whatever its size', async () => {
      const small = await runWorkflow({ ...fakes, input: SMALL });
      const huge = await runWorkflow({ ...fakes, input: HUGE });

      expect(huge.path).toEqual(small.path);
      expect(sizesAfterVerify(huge)).toEqual(sizesAfterVerify(small));
      expect(Math.max(...sizesAfterVerify(huge))).toBeLessThan(4 * KIB);
    });
  });
});
