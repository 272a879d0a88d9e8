import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { outcomeOf, waitForExecution } from '../../../ops/executions.js';

const sfnMock = mockClient(SFNClient);
const sfn = new SFNClient({ region: 'eu-west-1' });
const ARN = 'arn:aws:states:eu-west-1:111111111111:execution:m:e-1';
const base = { executionArn: ARN, stateMachineArn: 'm', startDate: new Date(), $metadata: {} };

afterEach(() => sfnMock.reset());

describe('outcomeOf', () => {
  it("reads a registration's action and connector from the output", () => {
    const output = JSON.stringify({
      registration: {
        action: 'updated',
        connectorLabel: 'sales',
        lambdaArn: 'arn:aws:lambda:eu-west-1:1:function:s',
      },
    });

    expect(outcomeOf({ ...base, status: 'SUCCEEDED', output })).toEqual({
      executionArn: ARN,
      status: 'SUCCEEDED',
      outcome: 'updated',
      connectorLabel: 'sales',
      lambdaArn: 'arn:aws:lambda:eu-west-1:1:function:s',
    });
  });

  it('reads a skip and its reason', () => {
    const output = JSON.stringify({ function: { optedIn: false, lambdaArn: 'arn:x', reason: 'not tagged' } });

    expect(outcomeOf({ ...base, status: 'SUCCEEDED', output })).toMatchObject({
      outcome: 'skipped',
      message: 'not tagged',
    });
  });

  it("reads a failure's error and the handler's message from a Lambda error payload", () => {
    const cause = JSON.stringify({ errorType: 'X', errorMessage: 'do this', trace: [] });

    expect(outcomeOf({ ...base, status: 'FAILED', error: 'XError', cause })).toMatchObject({
      outcome: 'failed',
      error: 'XError',
      message: 'do this',
    });
  });
});

describe('waitForExecution', () => {
  it('polls DescribeExecution until the execution is no longer running', async () => {
    sfnMock
      .on(DescribeExecutionCommand)
      .resolvesOnce({ ...base, status: 'RUNNING' })
      .resolvesOnce({ ...base, status: 'RUNNING' })
      .resolves({ ...base, status: 'SUCCEEDED' });
    const polls: string[] = [];

    const done = await waitForExecution(sfn, ARN, { pollMs: 1, onPoll: (status) => polls.push(status) });

    expect(done.status).toBe('SUCCEEDED');
    expect(polls).toEqual(['RUNNING', 'RUNNING', 'SUCCEEDED']);
  });

  it('gives up after its timeout with a line naming the history command', async () => {
    sfnMock.on(DescribeExecutionCommand).resolves({ ...base, status: 'RUNNING' });

    await expect(waitForExecution(sfn, ARN, { pollMs: 1, timeoutMs: 5 })).rejects.toThrow(
      new RegExp(`^${ARN} is still running after \\d+ s: follow it with \`registrar history ${ARN}\`$`),
    );
  });
});
