import type { DeployedFunction } from '../types.js';
import type { ExecutionEnvironment, InvocationOutcome } from './environment.js';
import type { FunctionErrorPayload } from './errors.js';
import type { LogBuffer } from './logs.js';

// The lines of a function's log: what it printed, and the ones Lambda's runtime writes about it
// (INIT_START, START, END, REPORT, INIT_REPORT), worded as Lambda's, since what reads them (the
// benchmarks' billed durations, tests) reads them as it would Lambda's.

/** A line the function wrote, attributed to the invocation its environment was serving. */
export function logFunctionLine(logs: LogBuffer, environment: ExecutionEnvironment, line: string): void {
  logs.append({
    time: new Date().toISOString(),
    functionArn: environment.fn.arn,
    environmentId: environment.id,
    ...(environment.requestId ? { requestId: environment.requestId } : {}),
    message: line,
  });
}

export function logInitStart(logs: LogBuffer, fn: DeployedFunction, environment: ExecutionEnvironment): void {
  systemLine(
    logs,
    fn,
    environment,
    undefined,
    `INIT_START Runtime Version: nodejs:22 Runtime Version ARN: local`,
  );
}

export function logStart(
  logs: LogBuffer,
  fn: DeployedFunction,
  environment: ExecutionEnvironment,
  requestId: string,
): void {
  systemLine(logs, fn, environment, requestId, `START RequestId: ${requestId} Version: $LATEST`);
}

/** END and REPORT, after the timeout or the runtime's death that ended the invocation, if one did. */
export function logInvocationEnd(
  logs: LogBuffer,
  fn: DeployedFunction,
  environment: ExecutionEnvironment,
  requestId: string,
  outcome: InvocationOutcome,
  durationMs: number,
  initDurationMs: number | undefined,
): void {
  if (outcome.kind === 'error' && outcome.timedOut) {
    systemLine(
      logs,
      fn,
      environment,
      requestId,
      `${new Date().toISOString()} ${requestId} Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
    );
  } else if (outcome.kind === 'error' && outcome.destroyed) {
    systemLine(
      logs,
      fn,
      environment,
      requestId,
      `RequestId: ${requestId} Error: ${outcome.error.errorMessage}\n${outcome.error.errorType}`,
    );
  }
  systemLine(logs, fn, environment, requestId, `END RequestId: ${requestId}`);
  const init = initDurationMs === undefined ? '' : `\tInit Duration: ${initDurationMs.toFixed(2)} ms`;
  const billed = Math.max(1, Math.ceil(durationMs));
  systemLine(
    logs,
    fn,
    environment,
    requestId,
    `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billed} ms\tMemory Size: ${fn.memorySize} MB${init}`,
  );
}

/** The INIT_REPORT of a cold start that failed; the environment, if one started, is gone. */
export function logInitFailure(
  logs: LogBuffer,
  fn: DeployedFunction,
  requestId: string,
  environmentId: string | undefined,
  durationMs: number,
  error: FunctionErrorPayload,
): void {
  logs.append({
    time: new Date().toISOString(),
    functionArn: fn.arn,
    requestId,
    ...(environmentId ? { environmentId } : {}),
    message: `INIT_REPORT Init Duration: ${durationMs.toFixed(2)} ms Phase: init Status: error Error Type: ${error.errorType}`,
  });
}

function systemLine(
  logs: LogBuffer,
  fn: DeployedFunction,
  environment: ExecutionEnvironment,
  requestId: string | undefined,
  message: string,
): void {
  logs.append({
    time: new Date().toISOString(),
    functionArn: fn.arn,
    environmentId: environment.id,
    ...(requestId ? { requestId } : {}),
    message,
  });
}
