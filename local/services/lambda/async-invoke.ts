import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../../http/errors.js';
import type { RoleRegistry } from '../../iam/roles.js';
import type { DeployedFunction, FunctionRuntime, InvokeResult } from '../../types.js';
import type { FailedInvocation, InvocationRecord } from '../events/types.js';

/**
 * Lambda's asynchronous invocation, as https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 * describes it: a function error is retried MaximumRetryAttempts times (default twice), a minute
 * before the first retry and two before the second; a throttle is retried with a backoff from a second
 * up to five minutes for as long as the event is younger than MaximumEventAgeInSeconds. An event that
 * fails every attempt, or grows too old, goes to the on-failure destination as an invocation record
 * (invocation-async-retain-records.html), sent with the function's execution role.
 */

export interface AsyncInvokeState {
  runtime: FunctionRuntime;
  roles?: RoleRegistry;
  /** The wait before the first retry of a function error (AWS: a minute); every wait scales with it. */
  asyncRetryDelayMs: number;
  /** Receives each record sent to an on-failure queue. */
  onFailedInvocation?: (failed: FailedInvocation) => void;
  onBackgroundError?: (error: unknown) => void;
  now?: () => Date;
}

const DEFAULTS = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21_600 };
const AWS_FIRST_RETRY_MS = 60_000;
const AWS_MAX_THROTTLE_WAIT_MS = 300_000;

/** Runs one event invocation of `fn` to its end: success, or the on-failure record. */
export async function invokeAsynchronously(
  state: AsyncInvokeState,
  fn: DeployedFunction,
  payload: string,
): Promise<void> {
  const now = state.now ?? (() => new Date());
  const config = fn.eventInvokeConfig ?? DEFAULTS;
  const scale = state.asyncRetryDelayMs / AWS_FIRST_RETRY_MS;
  const queuedAt = now().getTime();
  const requestId = randomUUID();
  const call = { accountId: fn.accountId, region: fn.region, functionName: fn.name, payload };
  let invokeCount = 0;
  let functionErrors = 0;
  let throttles = 0;
  let last: InvokeResult | undefined;
  for (;;) {
    const ageSeconds = (now().getTime() - queuedAt) / 1000 / scale;
    if (ageSeconds > config.maximumEventAgeInSeconds) {
      return fail(state, fn, { requestId, payload, invokeCount, last, condition: 'EventAgeExceeded' });
    }
    let waitMs: number;
    try {
      invokeCount += 1;
      last = await state.runtime.invoke(call);
      if (!last.functionError) return;
      functionErrors += 1;
      if (functionErrors > config.maximumRetryAttempts) {
        return fail(state, fn, { requestId, payload, invokeCount, last, condition: 'RetriesExhausted' });
      }
      waitMs = AWS_FIRST_RETRY_MS * functionErrors * scale;
    } catch (error) {
      if (!(error instanceof AwsServiceError && error.status === 429)) {
        state.onBackgroundError?.(error);
        return;
      }
      // A throttled attempt never ran the function.
      invokeCount -= 1;
      throttles += 1;
      waitMs = Math.min(AWS_MAX_THROTTLE_WAIT_MS, 1000 * 2 ** (throttles - 1)) * scale;
    }
    await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
  }
}

function fail(
  state: AsyncInvokeState,
  fn: DeployedFunction,
  attempt: {
    requestId: string;
    payload: string;
    invokeCount: number;
    last: InvokeResult | undefined;
    condition: InvocationRecord['requestContext']['condition'];
  },
): void {
  const queueArn = fn.eventInvokeConfig?.onFailureQueueArn;
  // Without a destination (or a dead-letter queue, which the local Lambda does not model) the event is dropped.
  if (queueArn === undefined) return;
  const at = (state.now ?? (() => new Date()))().toISOString();
  const record: InvocationRecord = {
    version: '1.0',
    timestamp: at,
    requestContext: {
      requestId: attempt.requestId,
      functionArn: `${fn.arn}:$LATEST`,
      condition: attempt.condition,
      approximateInvokeCount: attempt.invokeCount,
    },
    requestPayload: parsed(attempt.payload),
    ...(attempt.last !== undefined
      ? {
          responseContext: {
            statusCode: attempt.last.statusCode,
            executedVersion: '$LATEST',
            ...(attempt.last.functionError ? { functionError: attempt.last.functionError } : {}),
          },
          responsePayload: parsed(attempt.last.payload),
        }
      : {}),
  };
  // Lambda sends the record as the function's execution role; a role that may not is a
  // DestinationDeliveryFailures metric in AWS, and here an error nobody awaits.
  const caller = { accountId: fn.accountId, principalArn: fn.role, roleArn: fn.role };
  if (state.roles !== undefined && !state.roles.identityAllows(caller, 'sqs:SendMessage', queueArn)) {
    state.onBackgroundError?.(
      new Error(
        `Lambda could not send the on-failure record of ${fn.arn} to ${queueArn}: its role ${fn.role} may not sqs:SendMessage there.`,
      ),
    );
    return;
  }
  state.onFailedInvocation?.({ kind: 'failed-invocation', queueArn, functionArn: fn.arn, record, at });
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
