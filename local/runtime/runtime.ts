import { randomBytes, randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { AwsServiceError } from '../http/errors.js';
import type {
  DeployedFunction,
  FunctionRegistry,
  FunctionRuntime,
  IdentityRegistry,
  InvokeResult,
} from '../types.js';
import { ModuleCompiler } from './compile.js';
import { type EnvironmentState, ExecutionEnvironment, type InvocationOutcome } from './environment.js';
import {
  type FunctionErrorPayload,
  MAX_RESPONSE_BYTES,
  responseTooLargeError,
  TooManyRequestsError,
} from './errors.js';
import { LogBuffer, type LogEntry, type LogFilter } from './logs.js';
import { environmentVariables, logStreamName } from './variables.js';

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
   * 5). For the caller a queued invocation is a
   * slower cold start: it is admitted (counted against concurrency, never throttled for the wait),
   * and its timeout starts when an environment takes it. A function that synchronously invokes
   * itself deeper than the cap would wait on itself: leave the cap off for such worlds.
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

interface Pool {
  environments: Set<ExecutionEnvironment>;
  inFlight: number;
  /** Environments being created whose worker is not in `environments` yet (the bundle compiles first). */
  creating: number;
  /** Invocations waiting for an environment (maxEnvironmentsPerFunction), oldest first. */
  waiting: Waiter[];
}

/** An invocation queued for an environment: handed an idle one, told to start one, or told the runtime closed. */
interface Waiter {
  fn: DeployedFunction;
  /** Arrival order across all functions: the oldest waiter gets the next init. */
  arrival: number;
  resolve: (handed: ExecutionEnvironment | 'start' | 'closed') => void;
}

/**
 * Runs the world's functions as Lambda does: each execution environment is a worker thread that
 * imports the function once (cold start) and then serves one invocation at a time (warm). A function
 * gets up to its reserved concurrency of environments; beyond it, Invoke answers 429
 * TooManyRequestsException. Timeouts, crashes and init failures answer the payloads Lambda answers.
 *
 * @example
 * const runtime = createFunctionRuntime({ registry, identity, endpointUrl: server.endpoint });
 * const result = await runtime.invoke({ accountId, region, functionName: 'healthy-connector', payload: '{}' });
 */
export function createFunctionRuntime(options: FunctionRuntimeOptions): LocalFunctionRuntime {
  return new WorkerFunctionRuntime(options);
}

class WorkerFunctionRuntime implements LocalFunctionRuntime {
  private readonly pools = new Map<string, Pool>();
  private readonly stats = new Map<string, FunctionCounters>();
  private readonly compiler = new ModuleCompiler();
  private readonly logBuffer: LogBuffer;
  private readonly sweeper: NodeJS.Timeout;
  private running = 0;
  private closed = false;

  private readonly defaultConcurrency: number;
  private readonly maxConcurrentInvocations: number;
  private readonly maxEnvironments: number;
  private readonly maxEnvironmentsPerFunction: number;
  private readonly maxConcurrentInits: number;
  /** Environments being created, from the decision to the end of their init. */
  private initializing = 0;
  private arrivals = 0;
  /** Pools with invocations waiting for an environment. */
  private readonly waitingPools = new Set<Pool>();
  private readonly idleTimeoutMs: number;
  private readonly initTimeoutMs: number;

  constructor(private readonly options: FunctionRuntimeOptions) {
    // V8's memory reducer runs full garbage collections in every isolate that falls idle, to shrink
    // its heap. Each environment is an isolate of this process: after a burst, the idle connector
    // environments' collections took the cores the busy ones need (docs/benchmarks.md, section 5).
    // On Lambda that work is each sandbox's own. The cost is memory per idle environment, which the
    // idle reaper and maxEnvironments bound.
    // V8 flags are process-wide and read when an isolate starts: set before the first worker.
    setFlagsFromString('--no-memory-reducer');
    this.defaultConcurrency = options.defaultConcurrency ?? 50;
    this.maxConcurrentInvocations = options.maxConcurrentInvocations ?? 200;
    this.maxEnvironments = options.maxEnvironments ?? 64;
    this.maxEnvironmentsPerFunction = options.maxEnvironmentsPerFunction ?? Number.POSITIVE_INFINITY;
    this.maxConcurrentInits = options.maxConcurrentInits ?? Number.POSITIVE_INFINITY;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 10 * 60_000;
    this.initTimeoutMs = options.initTimeoutMs ?? 10_000;
    this.logBuffer = new LogBuffer(options.logLinesPerFunction ?? 1000);
    this.sweeper = setInterval(() => this.reapIdle(), Math.min(this.idleTimeoutMs, 30_000));
    this.sweeper.unref();
  }

  async invoke(request: LocalInvokeRequest): Promise<LocalInvokeResult> {
    if (this.closed) throw runtimeClosed();
    const fn = this.options.registry.get(request.accountId, request.region, request.functionName);
    if (!fn) {
      const arn = `arn:aws:lambda:${request.region}:${request.accountId}:function:${request.functionName}`;
      throw new AwsServiceError(
        404,
        'ResourceNotFoundException',
        `Function not found: ${request.functionName.startsWith('arn:') ? request.functionName : arn}`,
      );
    }
    const pool = this.poolOf(fn);
    const counters = this.countersOf(fn.arn);
    const limit = fn.reservedConcurrency ?? this.defaultConcurrency;
    if (pool.inFlight >= limit || this.running >= this.maxConcurrentInvocations) {
      counters.throttles += 1;
      throw new TooManyRequestsError(
        fn.reservedConcurrency !== undefined && pool.inFlight >= limit
          ? 'ReservedFunctionConcurrentInvocationLimitExceeded'
          : 'ConcurrentInvocationLimitExceeded',
      );
    }
    pool.inFlight += 1;
    this.running += 1;
    counters.invocations += 1;
    try {
      return await this.run(fn, pool, counters, request);
    } finally {
      pool.inFlight -= 1;
      this.running -= 1;
    }
  }

  async provision(
    target: { accountId: string; region: string; functionName: string },
    count: number,
  ): Promise<number> {
    const fn = this.options.registry.get(target.accountId, target.region, target.functionName);
    if (!fn) throw new Error(`No function ${target.functionName} in ${target.accountId}/${target.region}.`);
    const pool = this.poolOf(fn);
    // Beyond maxEnvironments each new environment would evict one provisioned a moment ago.
    const wanted = Math.min(count, this.maxEnvironmentsPerFunction, this.maxEnvironments);
    while (!this.closed && this.sizeOf(pool) < wanted) {
      const before = pool.environments.size;
      this.reserveStart(pool);
      const created = await this.initializeReserved(fn, pool);
      if (!created.ok) {
        throw new Error(
          `${fn.name} failed to initialise: ${created.error.errorType}: ${created.error.errorMessage}`,
        );
      }
      created.environment.release();
      // Room was made by evicting one of this function's own (the others' are busy): stop here.
      if (pool.environments.size <= before) break;
    }
    return pool.environments.size;
  }

  crash(environmentId: string): void {
    for (const pool of this.pools.values()) {
      for (const environment of pool.environments) {
        if (environment.id === environmentId) {
          this.countersOf(environment.fn.arn).crashes += 1;
          environment.kill('crashed');
          return;
        }
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const pool of this.pools.values()) {
      for (const waiter of pool.waiting.splice(0)) waiter.resolve('closed');
    }
    this.waitingPools.clear();
    const all = [...this.pools.values()].flatMap((pool) => [...pool.environments]);
    for (const environment of all) environment.kill('runtime closed');
    await Promise.all(all.map((environment) => environment.stopped()));
    this.pools.clear();
    this.compiler.close();
  }

  logs(functionArn: string, filter?: LogFilter): LogEntry[] {
    return this.logBuffer.entries(functionArn, filter);
  }

  counters(functionArn: string): FunctionCounters {
    return { ...this.countersOf(functionArn) };
  }

  allCounters(): Record<string, FunctionCounters> {
    return Object.fromEntries([...this.stats].map(([arn, counters]) => [arn, { ...counters }]));
  }

  environments(functionArn?: string): EnvironmentInfo[] {
    return [...this.pools.values()]
      .flatMap((pool) => [...pool.environments])
      .filter((environment) => functionArn === undefined || environment.fn.arn === functionArn)
      .map((environment) => ({
        id: environment.id,
        functionArn: environment.fn.arn,
        state: environment.state,
        invocations: environment.invocations,
        createdAt: new Date(environment.createdAt).toISOString(),
        lastUsedAt: new Date(environment.lastUsedAt).toISOString(),
      }));
  }

  private async run(
    fn: DeployedFunction,
    pool: Pool,
    counters: FunctionCounters,
    request: LocalInvokeRequest,
  ): Promise<LocalInvokeResult> {
    const requestId = randomUUID();
    let environment = this.takeIdle(fn, pool);
    if (!environment && this.mayStart(pool)) {
      this.reserveStart(pool);
    } else if (!environment) {
      // pump() reserves the start it hands over, or hands over an environment that fell idle.
      const handed = await new Promise<ExecutionEnvironment | 'start' | 'closed'>((resolve) => {
        pool.waiting.push({ fn, arrival: this.arrivals++, resolve });
        this.waitingPools.add(pool);
      });
      if (handed === 'closed') throw runtimeClosed();
      if (handed !== 'start') environment = handed;
    }
    // The wait for an environment is not billed, as Lambda bills from the start of the invocation.
    const started = performance.now();
    const coldStart = environment === undefined;
    let initDurationMs: number | undefined;

    if (!environment) {
      counters.coldStarts += 1;
      const initStarted = performance.now();
      const created = await this.initializeReserved(fn, pool);
      initDurationMs = performance.now() - initStarted;
      if (!created.ok) {
        return this.failedInit(fn, counters, requestId, started, created.error, created.environmentId);
      }
      environment = created.environment;
    }

    environment.state = 'busy';
    this.systemLog(fn, environment, requestId, `START RequestId: ${requestId} Version: $LATEST`);
    // Lambda hands an empty payload to the handler as {}.
    const payload = request.payload.trim() === '' ? '{}' : request.payload;
    const outcome = await environment.invoke(requestId, payload, request.invokedFunctionArn ?? fn.arn);
    const durationMs = performance.now() - started;
    if (!outcome.destroyed) {
      if (environment.codeSha256 !== fn.codeSha256) environment.kill('code updated');
      else environment.release();
    }
    this.pump();
    this.afterInvocation(fn, environment, requestId, outcome, durationMs, initDurationMs);
    this.enforceEnvironmentCap();

    const base = {
      statusCode: 200,
      durationMs,
      requestId,
      functionArn: fn.arn,
      environmentId: environment.id,
      coldStart,
    };
    if (outcome.kind === 'result') {
      if (Buffer.byteLength(outcome.payload) > MAX_RESPONSE_BYTES) {
        counters.errors += 1;
        return { ...base, functionError: 'Unhandled', payload: JSON.stringify(responseTooLargeError()) };
      }
      return { ...base, payload: outcome.payload };
    }
    counters.errors += 1;
    if (outcome.timedOut) counters.timeouts += 1;
    return { ...base, functionError: 'Unhandled', payload: JSON.stringify(outcome.error) };
  }

  private failedInit(
    fn: DeployedFunction,
    counters: FunctionCounters,
    requestId: string,
    started: number,
    error: FunctionErrorPayload,
    environmentId: string | undefined,
  ): LocalInvokeResult {
    counters.errors += 1;
    const durationMs = performance.now() - started;
    this.logBuffer.append({
      time: new Date().toISOString(),
      functionArn: fn.arn,
      requestId,
      ...(environmentId ? { environmentId } : {}),
      message: `INIT_REPORT Init Duration: ${durationMs.toFixed(2)} ms Phase: init Status: error Error Type: ${error.errorType}`,
    });
    return {
      statusCode: 200,
      functionError: 'Unhandled',
      payload: JSON.stringify(error),
      durationMs,
      requestId,
      functionArn: fn.arn,
      ...(environmentId ? { environmentId } : {}),
      coldStart: true,
    };
  }

  /**
   * Creates an environment whose start reserveStart() counted, then frees the init (and, if the
   * environment died or never started, its place) for the invocations waiting.
   */
  private async initializeReserved(
    fn: DeployedFunction,
    pool: Pool,
  ): ReturnType<WorkerFunctionRuntime['createEnvironment']> {
    try {
      return await this.createEnvironment(fn, pool);
    } finally {
      this.initializing -= 1;
      this.pump();
    }
  }

  /** Throws runtimeClosed() when the runtime closed while the code compiled. */
  private async createEnvironment(
    fn: DeployedFunction,
    pool: Pool,
  ): Promise<
    | { ok: true; environment: ExecutionEnvironment }
    | { ok: false; error: FunctionErrorPayload; environmentId?: string }
  > {
    let compiled: Awaited<ReturnType<typeof this.compiler.compile>>;
    try {
      compiled = await this.compiler.compile(fn.modulePath, fn.codeSha256);
    } finally {
      // From here to pool.environments.add() nothing awaits, so `creating` hands over to the set
      // exactly; on a throw the place is given back.
      pool.creating -= 1;
    }
    if (!compiled.ok) return { ok: false, error: compiled.error };
    // Closed while compiling: close() has killed every environment it knew; start no other.
    if (this.closed) throw runtimeClosed();
    this.makeRoom();

    const hex = randomBytes(16).toString('hex');
    const id = `${fn.name}-${hex.slice(0, 12)}`;
    const roleName = fn.role.slice(fn.role.lastIndexOf('/') + 1);
    const credentials = this.options.identity.issue(
      {
        accountId: fn.accountId,
        principalArn: `arn:aws:sts::${fn.accountId}:assumed-role/${roleName}/${fn.name}`,
        roleArn: fn.role,
        environmentId: id,
      },
      this.options.credentialTtlSeconds ?? 12 * 3600,
    );
    const stream = logStreamName(new Date(), hex);
    const endpointUrl =
      typeof this.options.endpointUrl === 'function' ? this.options.endpointUrl() : this.options.endpointUrl;
    const environment = new ExecutionEnvironment({
      id,
      fn,
      importPath: compiled.path,
      logStreamName: stream,
      variables: environmentVariables(fn, {
        endpointUrl,
        credentials,
        logStreamName: stream,
        ...(this.options.baseEnvironment ? { base: this.options.baseEnvironment } : {}),
      }),
      onLog: (line, env) => this.functionLog(env, line),
      onDeath: (env) => {
        pool.environments.delete(env);
        // A death may come from inside pump() (takeIdle kills outdated code): let that one finish first.
        queueMicrotask(() => this.pump());
      },
    });
    pool.environments.add(environment);
    this.systemLog(
      fn,
      environment,
      undefined,
      `INIT_START Runtime Version: nodejs:22 Runtime Version ARN: local`,
    );
    const init = await environment.init(this.initTimeoutMs);
    if (!init.ok) return { ok: false, error: init.error, environmentId: id };
    return { ok: true, environment };
  }

  // The most recently used idle environment, as Lambda tends to reuse the warmest one.
  private takeIdle(fn: DeployedFunction, pool: Pool): ExecutionEnvironment | undefined {
    let best: ExecutionEnvironment | undefined;
    for (const environment of pool.environments) {
      if (environment.state !== 'idle') continue;
      if (environment.codeSha256 !== fn.codeSha256) {
        environment.kill('code updated');
        continue;
      }
      if (!best || environment.lastUsedAt > best.lastUsedAt) best = environment;
    }
    if (best) best.state = 'busy';
    return best;
  }

  /** Environments of the pool, the ones being created included. */
  private sizeOf(pool: Pool): number {
    return pool.environments.size + pool.creating;
  }

  /** Whether an environment of this pool may start now: under its cap, and an init is free. */
  private mayStart(pool: Pool): boolean {
    return this.sizeOf(pool) < this.maxEnvironmentsPerFunction && this.initializing < this.maxConcurrentInits;
  }

  /** Counts a start before its first await, so concurrent decisions see the place and the init taken. */
  private reserveStart(pool: Pool): void {
    pool.creating += 1;
    this.initializing += 1;
  }

  /**
   * Hands environments that fell idle to the invocations waiting for them (in order, per function),
   * then free inits to functions under their cap: first the one with the fewest environments (it
   * cannot progress at all, where one with environments will be served as they fall idle), then the
   * oldest waiter. A burst's first verification waits for its connector's cold start, not for the
   * registrar's seventh environment.
   */
  private pump(): void {
    for (const pool of this.waitingPools) {
      while (pool.waiting.length > 0) {
        const idle = this.takeIdle((pool.waiting[0] as Waiter).fn, pool);
        if (!idle) break;
        (pool.waiting.shift() as Waiter).resolve(idle);
      }
      if (pool.waiting.length === 0) this.waitingPools.delete(pool);
    }
    while (this.initializing < this.maxConcurrentInits) {
      let next: Pool | undefined;
      for (const pool of this.waitingPools) {
        if (this.sizeOf(pool) >= this.maxEnvironmentsPerFunction) continue;
        if (!next || this.sizeOf(pool) < this.sizeOf(next)) next = pool;
        else if (this.sizeOf(pool) === this.sizeOf(next) && headArrival(pool) < headArrival(next))
          next = pool;
      }
      if (!next) return;
      this.reserveStart(next);
      (next.waiting.shift() as Waiter).resolve('start');
      if (next.waiting.length === 0) this.waitingPools.delete(next);
    }
  }

  private makeRoom(): void {
    while (this.liveEnvironments() >= this.maxEnvironments) {
      const victim = this.leastRecentlyUsedIdle();
      if (!victim) return;
      victim.kill('evicted');
    }
  }

  private enforceEnvironmentCap(): void {
    while (this.liveEnvironments() > this.maxEnvironments) {
      const victim = this.leastRecentlyUsedIdle();
      if (!victim) return;
      victim.kill('evicted');
    }
  }

  private reapIdle(): void {
    const cutoff = Date.now() - this.idleTimeoutMs;
    for (const pool of this.pools.values()) {
      for (const environment of pool.environments) {
        if (environment.state === 'idle' && environment.lastUsedAt <= cutoff) environment.kill('idle');
      }
    }
  }

  private leastRecentlyUsedIdle(): ExecutionEnvironment | undefined {
    let oldest: ExecutionEnvironment | undefined;
    for (const pool of this.pools.values()) {
      for (const environment of pool.environments) {
        if (environment.state === 'idle' && (!oldest || environment.lastUsedAt < oldest.lastUsedAt)) {
          oldest = environment;
        }
      }
    }
    return oldest;
  }

  private liveEnvironments(): number {
    let live = 0;
    for (const pool of this.pools.values()) live += pool.environments.size;
    return live;
  }

  private poolOf(fn: DeployedFunction): Pool {
    let pool = this.pools.get(fn.arn);
    if (!pool) {
      pool = { environments: new Set(), inFlight: 0, creating: 0, waiting: [] };
      this.pools.set(fn.arn, pool);
    }
    return pool;
  }

  private countersOf(functionArn: string): FunctionCounters {
    let counters = this.stats.get(functionArn);
    if (!counters) {
      counters = { invocations: 0, coldStarts: 0, errors: 0, timeouts: 0, throttles: 0, crashes: 0 };
      this.stats.set(functionArn, counters);
    }
    return counters;
  }

  private afterInvocation(
    fn: DeployedFunction,
    environment: ExecutionEnvironment,
    requestId: string,
    outcome: InvocationOutcome,
    durationMs: number,
    initDurationMs: number | undefined,
  ): void {
    if (outcome.kind === 'error' && outcome.timedOut) {
      this.systemLog(
        fn,
        environment,
        requestId,
        `${new Date().toISOString()} ${requestId} Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
      );
    } else if (outcome.kind === 'error' && outcome.destroyed) {
      this.systemLog(
        fn,
        environment,
        requestId,
        `RequestId: ${requestId} Error: ${outcome.error.errorMessage}\n${outcome.error.errorType}`,
      );
    }
    this.systemLog(fn, environment, requestId, `END RequestId: ${requestId}`);
    const init = initDurationMs === undefined ? '' : `\tInit Duration: ${initDurationMs.toFixed(2)} ms`;
    const billed = Math.max(1, Math.ceil(durationMs));
    this.systemLog(
      fn,
      environment,
      requestId,
      `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billed} ms\tMemory Size: ${fn.memorySize} MB${init}`,
    );
  }

  private functionLog(environment: ExecutionEnvironment, line: string): void {
    this.logBuffer.append({
      time: new Date().toISOString(),
      functionArn: environment.fn.arn,
      environmentId: environment.id,
      ...(environment.requestId ? { requestId: environment.requestId } : {}),
      message: line,
    });
  }

  private systemLog(
    fn: DeployedFunction,
    environment: ExecutionEnvironment,
    requestId: string | undefined,
    message: string,
  ): void {
    this.logBuffer.append({
      time: new Date().toISOString(),
      functionArn: fn.arn,
      environmentId: environment.id,
      ...(requestId ? { requestId } : {}),
      message,
    });
  }
}

/** What an invocation gets once the runtime is closed, waiting or not. */
function runtimeClosed(): AwsServiceError {
  return new AwsServiceError(500, 'ServiceException', 'The local Lambda runtime is closed.');
}

/** When the first invocation waiting in the pool arrived (pools in waitingPools always have one). */
function headArrival(pool: Pool): number {
  return pool.waiting[0]?.arrival ?? Number.POSITIVE_INFINITY;
}
