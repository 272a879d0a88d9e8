/**
 * Step Functions' payload quota ("Maximum input or output size for a task, state, or execution":
 * 262,144 bytes of UTF-8). AWS applies it to a task's result, to a state's output, to a state's
 * input after Parameters when a task is scheduled, and to StartExecution's input. Past it the
 * execution fails with States.DataLimitExceeded, a terminal error that neither Retry nor Catch
 * (States.ALL included) handles, so the workflow publishes nothing about it.
 */
export const PAYLOAD_QUOTA_BYTES = 262_144;

/** The size Step Functions counts: the UTF-8 bytes of the value as JSON text. */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
}

export function exceedsPayloadQuota(value: unknown): boolean {
  return payloadBytes(value) > PAYLOAD_QUOTA_BYTES;
}

/**
 * States.DataLimitExceeded. aws-local-stepfunctions neither retries nor catches an error whose
 * isRetryable and isCatchable are false: the execution fails with its name and message.
 */
export class DataLimitExceededError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor(cause: string) {
    super(cause);
    this.name = 'States.DataLimitExceeded';
  }
}

/**
 * A task result or a state output over the quota, with the cause AWS writes (the Lambda function ARN
 * for a Lambda task's result, the state name for a state's output).
 */
export function resultOverQuota(stateOrTask: string): DataLimitExceededError {
  return new DataLimitExceededError(
    `The state/task '${stateOrTask}' returned a result with a size exceeding the maximum number of bytes service limit.`,
  );
}

/**
 * A task's input after Parameters over the quota. AWS documents this case of the error but no
 * cause text for it; this one follows the wording of the result case.
 */
export function inputOverQuota(stateName: string): DataLimitExceededError {
  return new DataLimitExceededError(
    `The state/task '${stateName}' was scheduled with an input with a size exceeding the maximum number of bytes service limit.`,
  );
}
