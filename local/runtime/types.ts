import type { FunctionRegistry, FunctionRuntime, IdentityRegistry, InvokeResult } from '../types.js';
import type { EnvironmentState } from './environment.js';
import type { LogEntry, LogFilter } from './logs.js';

export interface FunctionRuntimeOptions {
  registry: FunctionRegistry;
  identity: IdentityRegistry;
  /** The stack's endpoint (AWS_ENDPOINT_URL of every function); a function when it is known only later. */
  endpointUrl: string | (() => string);
  /** Concurrency of a function without reservedConcurrency. Default 50. */
  defaultConcurrency?: number;
  /** Invocations running at once across all functions, like an account's concurrency. Default 200. */
  maxConcurrentInvocations?: number;
  /**
   * Environments kept alive (busy or idle). When a new one is needed beyond this, the least recently
   * used idle one is terminated first; busy ones are never waited for (no deadlock when a function
   * invokes another). Default 64.
   */
  maxEnvironments?: number;
  /**
   * Environments of one function alive at once; an invocation beyond them waits, first come first
   * served, for one of them to be free instead of starting another. Default: no cap, one environment
   * per concurrent invocation, as on AWS. The local stack's functions share two cores: 200
   * environments of one function each pay their own cold start and their own first-invocation
   * compilation of the same code, where a few reused ones pay it once (docs/benchmarks.md, section
   * 5). For the caller a queued invocation is a slower cold start: it is admitted (counted against
   * concurrency, never throttled for the wait), and its timeout starts when an environment takes it.
   * A function that synchronously invokes itself deeper than the cap would wait on itself: leave the
   * cap off for such worlds.
   */
  maxEnvironmentsPerFunction?: number;
  /**
   * Environments initialising (cold starting) at once, across all functions; a cold start beyond
   * them waits its turn, unless an environment of its function is free first. Default: no limit.
   * Started together, cold starts share the cores and all finish late (200 at once on two cores ran
   * into Lambda's 10 s init limit: docs/benchmarks.md, section 3); in turn, each finishes on its own
   * and the first ones serve invocations at once. The init timeout starts when the environment
   * starts, not while it waits.
   */
  maxConcurrentInits?: number;
  /** An environment idle this long is terminated. Default 10 minutes. */
  idleTimeoutMs?: number;
  /** Lambda's 10 s limit on the init phase (the module import). */
  initTimeoutMs?: number;
  /** Lines kept per function. Default 1000. */
  logLinesPerFunction?: number;
  /** Variables every function gets unless it sets them itself. */
  baseEnvironment?: Record<string, string>;
  /** Lifetime of the credentials issued to each environment. Default 12 h. */
  credentialTtlSeconds?: number;
}

/** FunctionRuntime's invoke request; `invokedFunctionArn` is what the context reports (default: the unqualified ARN). */
export interface LocalInvokeRequest {
  accountId: string;
  region: string;
  functionName: string;
  payload: string;
  invokedFunctionArn?: string;
}

export interface LocalInvokeResult extends InvokeResult {
  /** The invocation's request id (x-amzn-RequestId of Invoke, awsRequestId in the handler). */
  requestId: string;
  functionArn: string;
  /** The environment that ran it; crash(environmentId) kills it. */
  environmentId?: string;
  coldStart: boolean;
}

export interface FunctionCounters {
  /** Invocations admitted (throttled ones are not invocations, as in CloudWatch). */
  invocations: number;
  coldStarts: number;
  /** Invocations that ended with a function error (FunctionError Unhandled). */
  errors: number;
  timeouts: number;
  throttles: number;
  /** Environments killed by crash(). */
  crashes: number;
}

export interface EnvironmentInfo {
  id: string;
  functionArn: string;
  state: EnvironmentState;
  invocations: number;
  createdAt: string;
  lastUsedAt: string;
}

/** The local Lambda runtime: FunctionRuntime plus what the CLI, tests and benchmarks read. */
export interface LocalFunctionRuntime extends FunctionRuntime {
  invoke(request: LocalInvokeRequest): Promise<LocalInvokeResult>;
  /** What the function printed, and the runtime's START/END/REPORT lines, oldest first. */
  logs(functionArn: string, filter?: LogFilter): LogEntry[];
  counters(functionArn: string): FunctionCounters;
  allCounters(): Record<string, FunctionCounters>;
  environments(functionArn?: string): EnvironmentInfo[];
  /**
   * Initialises environments of a function, one after the other, until it has `count` (at most
   * maxEnvironmentsPerFunction), and leaves them idle: what provisioned concurrency does, init
   * without an invocation. Resolves with how many it has; rejects with the init error of one that
   * failed.
   */
  provision(
    target: { accountId: string; region: string; functionName: string },
    count: number,
  ): Promise<number>;
}
