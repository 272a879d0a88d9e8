/**
 * The local Lambda runtime: execution environments in worker threads. runtime.ts runs invocations;
 * admission.ts decides when one may start an environment, pool.ts and eviction.ts keep and end them,
 * environment.ts is one worker, log-lines.ts words what the runtime logs.
 */

export {
  type FunctionErrorPayload,
  MAX_RESPONSE_BYTES,
  type ThrottleReason,
  TooManyRequestsError,
} from './errors.js';
export type { LogEntry, LogFilter } from './logs.js';
export { createFunctionRuntime } from './runtime.js';
export type {
  EnvironmentInfo,
  FunctionCounters,
  FunctionRuntimeOptions,
  LocalFunctionRuntime,
  LocalInvokeRequest,
  LocalInvokeResult,
} from './types.js';
