import type { DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { describeSweep, sweepOutcomeOf } from '../../../ops/sweep.js';

const EXECUTION =
  'arn:aws:states:eu-west-1:111111111111:execution:appflow-connector-registrar-dev-sweep-connectors:operator-sweep-1';
const input = JSON.stringify({ accountId: '222222222222', region: 'eu-west-1', dryRun: false });

function described(overrides: Partial<DescribeExecutionCommandOutput>): DescribeExecutionCommandOutput {
  return {
    $metadata: {},
    executionArn: EXECUTION,
    input,
    status: 'SUCCEEDED',
    ...overrides,
  } as DescribeExecutionCommandOutput;
}

describe('the sweep report', () => {
  it('reads the counts, labels and repairs started from the output, and names labels past the first 20 by count', () => {
    const output = JSON.stringify({
      sweep: {
        counts: { current: 4, missing: 22, stale: 0, orphaned: 1, foreign: 1 },
        labels: { current: [], missing: ['m1', 'm2'], stale: [], orphaned: ['o1'], foreign: ['f1'] },
        truncated: true,
      },
      started: { register: 22, unregister: 1 },
    });

    expect(describeSweep(sweepOutcomeOf(described({ output })))).toBe(
      [
        'swept 222222222222/eu-west-1: current 4 · missing 22 · stale 0 · orphaned 1 · foreign 1',
        '  missing: m1, m2 and 20 more',
        '  orphaned: o1',
        '  foreign: f1',
        '  started: 22 registration(s), 1 unregistration(s)',
        '  stopped at its bounds: the next sweep does the rest',
        `  execution: ${EXECUTION}`,
      ].join('\n'),
    );
  });

  it('gives a failure its error and the handler’s message', () => {
    const cause = JSON.stringify({
      errorType: 'SpokeRoleAccessDeniedError',
      errorMessage: 'Could not assume … Deploy the spoke template',
    });
    const outcome = sweepOutcomeOf(
      described({ status: 'FAILED', error: 'SpokeRoleAccessDeniedError', cause }),
    );

    expect(outcome).toMatchObject({
      outcome: 'failed',
      accountId: '222222222222',
      message: 'Could not assume … Deploy the spoke template',
    });
    expect(describeSweep(outcome)).toMatch(
      /^failed 222222222222\/eu-west-1: SpokeRoleAccessDeniedError: Could not assume/,
    );
  });
});
