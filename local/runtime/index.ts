/** The local Lambda runtime: execution environments in worker threads. See runtime.ts. */

export {
  type FunctionErrorPayload,
  MAX_RESPONSE_BYTES,
  type ThrottleReason,
  TooManyRequestsError,
} from './errors.js';
export type { LogEntry, LogFilter } from './logs.js';
export {
  createFunctionRuntime,
  type EnvironmentInfo,
  type FunctionCounters,
  type FunctionRuntimeOptions,
  type LocalFunctionRuntime,
  type LocalInvokeRequest,
  type LocalInvokeResult,
} from './runtime.js';
