import { AwsServiceError } from '../http/errors.js';

/** A function error as Lambda answers it in the Invoke payload (X-Amz-Function-Error: Unhandled). */
export interface FunctionErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/** Lambda's largest synchronous response, in bytes (its error message names this number). */
export const MAX_RESPONSE_BYTES = 6_291_556;

/** The invocation outlived the function's timeout; the environment was destroyed. */
export function timeoutError(requestId: string, timeoutSeconds: number): FunctionErrorPayload {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
  };
}

/** The runtime process went away under the invocation: killed (crash point) or exited by itself. */
export function exitError(requestId: string, reason: string): FunctionErrorPayload {
  return {
    errorType: 'Runtime.ExitError',
    errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${reason}`,
  };
}

/** The environment ran out of memory (the worker's heap limit). */
export function outOfMemoryError(requestId: string): FunctionErrorPayload {
  return {
    errorType: 'Runtime.OutOfMemory',
    errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`,
  };
}

/** The function answered more than Lambda returns. */
export function responseTooLargeError(): FunctionErrorPayload {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
  };
}

/** Why an invocation was throttled, as Lambda's TooManyRequestsException Reason says. */
export type ThrottleReason =
  | 'ReservedFunctionConcurrentInvocationLimitExceeded'
  | 'ConcurrentInvocationLimitExceeded';

/**
 * Lambda's 429 for an invocation beyond the function's (or the account's) concurrency. Step Functions
 * names it Lambda.TooManyRequestsException, which the state machine retries.
 */
export class TooManyRequestsError extends AwsServiceError {
  constructor(
    readonly reason: ThrottleReason,
    readonly retryAfterSeconds = 1,
  ) {
    super(429, 'TooManyRequestsException', 'Rate Exceeded.');
    this.name = 'TooManyRequestsError';
  }
}

/** What an invocation gets once the runtime is closed, waiting or not. */
export function runtimeClosedError(): AwsServiceError {
  return new AwsServiceError(500, 'ServiceException', 'The local Lambda runtime is closed.');
}
