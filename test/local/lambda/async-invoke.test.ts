import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../../local/http/errors.js';
import { RoleRegistry } from '../../../local/iam/roles.js';
import type { FailedInvocation } from '../../../local/services/events/types.js';
import { type AsyncInvokeState, invokeAsynchronously } from '../../../local/services/lambda/async-invoke.js';
import type { DeployedFunction, FunctionRuntime, InvokeResult } from '../../../local/types.js';

// Lambda's event invocation on its own: which answers it retries, how long it waits (scaled), and
// the invocation record it sends after the last attempt.

const ROLE = 'arn:aws:iam::111111111111:role/gate';
const QUEUE = 'arn:aws:sqs:eu-west-1:111111111111:dead-letters';
const FAILED: InvokeResult = {
  statusCode: 200,
  functionError: 'Unhandled',
  payload: '{"errorType":"Error","errorMessage":"boom"}',
  durationMs: 1,
};
const OK: InvokeResult = { statusCode: 200, payload: '"done"', durationMs: 1 };

const fn = {
  accountId: '111111111111',
  region: 'eu-west-1',
  name: 'gate',
  arn: 'arn:aws:lambda:eu-west-1:111111111111:function:gate',
  role: ROLE,
  eventInvokeConfig: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21_600, onFailureQueueArn: QUEUE },
} as DeployedFunction;
/** The same function whose events may wait a minute at most. */
const impatient = {
  ...fn,
  eventInvokeConfig: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 60, onFailureQueueArn: QUEUE },
} as DeployedFunction;

/** A runtime answering from the list (the last answer repeats), counting calls and their times. */
function scripted(answers: (InvokeResult | AwsServiceError)[]) {
  const calls: number[] = [];
  const runtime = {
    invoke: async () => {
      calls.push(Date.now());
      const answer = answers[Math.min(calls.length, answers.length) - 1];
      if (answer instanceof AwsServiceError) throw answer;
      return answer as InvokeResult;
    },
  } as unknown as FunctionRuntime;
  return { runtime, calls };
}

function run(
  answers: (InvokeResult | AwsServiceError)[],
  extra: Partial<AsyncInvokeState> = {},
  target: DeployedFunction = fn,
) {
  const { runtime, calls } = scripted(answers);
  const failed: FailedInvocation[] = [];
  const errors: unknown[] = [];
  const state: AsyncInvokeState = {
    runtime,
    // A minute becomes 60 ms: the second retry waits 120 ms.
    asyncRetryDelayMs: 60,
    onFailedInvocation: (record) => failed.push(record),
    onBackgroundError: (error) => errors.push(error),
    ...extra,
  };
  return { done: invokeAsynchronously(state, target, '{"id":"event-1"}'), calls, failed, errors };
}

describe('an asynchronous invocation (local Lambda)', () => {
  it('retries a function error twice, a minute then two apart (scaled), then sends RetriesExhausted', async () => {
    const { done, calls, failed } = run([FAILED]);
    await done;
    expect(calls).toHaveLength(3);
    expect((calls[1] ?? 0) - (calls[0] ?? 0)).toBeGreaterThanOrEqual(55);
    expect((calls[2] ?? 0) - (calls[1] ?? 0)).toBeGreaterThanOrEqual(115);
    expect(failed.map((sent) => sent.record.requestContext.condition)).toEqual(['RetriesExhausted']);
  });

  it('sends the record AWS documents for an event that failed every attempt', async () => {
    const { done, failed } = run([FAILED], {
      now: () => new Date('2026-12-02T08:00:00.000Z'),
      asyncRetryDelayMs: 1,
    });
    await done;
    expect(failed).toEqual([
      {
        kind: 'failed-invocation',
        queueArn: QUEUE,
        functionArn: fn.arn,
        at: '2026-12-02T08:00:00.000Z',
        record: {
          version: '1.0',
          timestamp: '2026-12-02T08:00:00.000Z',
          requestContext: {
            requestId: expect.any(String),
            functionArn: `${fn.arn}:$LATEST`,
            condition: 'RetriesExhausted',
            approximateInvokeCount: 3,
          },
          requestPayload: { id: 'event-1' },
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: { errorType: 'Error', errorMessage: 'boom' },
        },
      },
    ]);
  });

  it('sends nothing when a retry succeeds', async () => {
    const { done, calls, failed } = run([FAILED, OK], { asyncRetryDelayMs: 1 });
    await done;
    expect(calls).toHaveLength(2);
    expect(failed).toEqual([]);
  });

  it('retries throttles until the event is too old, then sends EventAgeExceeded without a response', async () => {
    const throttled = new AwsServiceError(429, 'TooManyRequestsException', 'Rate exceeded');
    const { done, calls, failed } = run([throttled], {}, impatient);
    await done;
    expect(calls.length).toBeGreaterThan(1);
    expect(failed[0]?.record.requestContext).toMatchObject({
      condition: 'EventAgeExceeded',
      approximateInvokeCount: 0,
    });
    expect(failed[0]?.record).not.toHaveProperty('responseContext');
  });

  it("sends no record when the function's role may not send to the queue, and says so", async () => {
    const roles = new RoleRegistry(() => undefined);
    roles.add({
      arn: ROLE,
      name: 'gate',
      accountId: '111111111111',
      trustPolicy: [],
      policies: [],
      maxSessionDuration: 3600,
    });
    const { done, failed, errors } = run([FAILED], { roles, asyncRetryDelayMs: 1 });
    await done;
    expect(failed).toEqual([]);
    expect(String(errors[0])).toContain('may not sqs:SendMessage');
  });
});
