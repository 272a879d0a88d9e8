import { describe, expect, it } from 'vitest';
import { type ActivityLine, formatActivity, watchActivity } from '../../../local/cli/activity.js';
import type { ExecutionRecord, Stack } from '../../../local/index.js';

const MACHINE = 'arn:aws:states:eu-west-1:111111111111:stateMachine:appflow-connector-registrar-dev';

function execution(
  workflow: string,
  status: ExecutionRecord['status'],
  input: object,
  extra = {},
): ExecutionRecord {
  return {
    executionArn: `arn:aws:states:eu-west-1:111111111111:execution:appflow-connector-registrar-dev-${workflow}:x-${status}`,
    stateMachineArn: `${MACHINE}-${workflow}`,
    name: `x-${status}`,
    status,
    input: JSON.stringify(input),
    startDate: new Date(0),
    startedBy: 'arn:aws:iam::111111111111:root',
    history: [],
    transitions: 0,
    lambdaInvocations: 0,
    retries: 0,
    redriveCount: 0,
    ...extra,
  };
}

/** The lines watchActivity reports for these executions, read once. */
function linesFor(executions: ExecutionRecord[]): ActivityLine[] {
  const stack = {
    states: { executions: () => executions },
    events: { publishedEvents: () => [] },
  } as unknown as Stack;
  const lines: ActivityLine[] = [];
  watchActivity(stack, (line) => lines.push(line), { intervalMs: 60_000 })();
  return lines;
}

describe('watchActivity', () => {
  it('says a sweep swept, or failed with its error, naming its account and Region and no connector', () => {
    const input = { accountId: '333333333333', region: 'us-east-1', dryRun: false };
    const lines = linesFor([
      execution('sweep-connectors', 'SUCCEEDED', input),
      execution('sweep-connectors', 'FAILED', input, { error: 'SpokeRoleAccessDeniedError' }),
    ]);

    expect(
      lines.map((line) => line.kind === 'execution' && formatActivity(line).split('  ').slice(0, 5)),
    ).toEqual(
      expect.arrayContaining([
        ['execution', 'sweep', '333333333333/us-east-1', '-', 'swept'],
        ['execution', 'sweep', '333333333333/us-east-1', '-', 'failed'],
      ]),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ outcome: 'failed', error: 'SpokeRoleAccessDeniedError' }),
    );
  });

  it('names the registration workflow of a registration execution', () => {
    const [line] = linesFor([
      execution(
        'register-connector',
        'FAILED',
        { accountId: '111111111111', region: 'eu-west-1' },
        { error: 'X' },
      ),
    ]);

    expect(line).toMatchObject({ kind: 'execution', workflow: 'registration', outcome: 'failed' });
  });
});
