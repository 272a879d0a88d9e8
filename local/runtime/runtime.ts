import { randomBytes, randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { AwsServiceError } from '../http/errors.js';
import type { DeployedFunction } from '../types.js';
import { Admission } from './admission.js';
import { type CompileOutcome, ModuleCompiler } from './compile.js';
import { environmentCredentials } from './credentials.js';
import { ExecutionEnvironment } from './environment.js';
import {
  type FunctionErrorPayload,
  MAX_RESPONSE_BYTES,
  responseTooLargeError,
  runtimeClosedError,
  TooManyRequestsError,
} from './errors.js';
import { enforceEnvironmentCap, makeRoom, startIdleReaper } from './eviction.js';
import { logFunctionLine, logInitFailure, logInitStart, logInvocationEnd, logStart } from './log-lines.js';
import { LogBuffer, type LogEntry, type LogFilter } from './logs.js';
import { allEnvironments, environmentInfo, type Pool, type Pools, poolOf, sizeOf, takeIdle } from './pool.js';
import type {
  EnvironmentInfo,
  FunctionCounters,
  FunctionRuntimeOptions,
  LocalFunctionRuntime,
  LocalInvokeRequest,
  LocalInvokeResult,
} from './types.js';
import { environmentVariables, logStreamName } from './variables.js';

type CreatedEnvironment =
  | { ok: true; environment: ExecutionEnvironment }
  | { ok: false; error: FunctionErrorPayload; environmentId?: string };

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
  private readonly pools: Pools = new Map();
  private readonly stats = new Map<string, FunctionCounters>();
  private readonly compiler = new ModuleCompiler();
  private readonly logBuffer: LogBuffer;
  private readonly admission: Admission;
  private readonly reaper: NodeJS.Timeout;
  private running = 0;
  private closed = false;

  private readonly defaultConcurrency: number;
  private readonly maxConcurrentInvocations: number;
  private readonly maxEnvironments: number;
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
    this.admission = new Admission(
      options.maxEnvironmentsPerFunction ?? Number.POSITIVE_INFINITY,
      options.maxConcurrentInits ?? Number.POSITIVE_INFINITY,
    );
    this.initTimeoutMs = options.initTimeoutMs ?? 10_000;
    this.logBuffer = new LogBuffer(options.logLinesPerFunction ?? 1000);
    this.reaper = startIdleReaper(this.pools, options.idleTimeoutMs ?? 10 * 60_000);
  }

  async invoke(request: LocalInvokeRequest): Promise<LocalInvokeResult> {
    if (this.closed) throw runtimeClosedError();
    const fn = this.options.registry.get(request.accountId, request.region, request.functionName);
    if (!fn) {
      const arn = `arn:aws:lambda:${request.region}:${request.accountId}:function:${request.functionName}`;
      throw new AwsServiceError(
        404,
        'ResourceNotFoundException',
        `Function not found: ${request.functionName.startsWith('arn:') ? request.functionName : arn}`,
      );
    }
    const pool = poolOf(this.pools, fn);
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
    const pool = poolOf(this.pools, fn);
    // Beyond maxEnvironments each new environment would evict one provisioned a moment ago.
    const wanted = Math.min(count, this.admission.maxEnvironmentsPerFunction, this.maxEnvironments);
    while (!this.closed && sizeOf(pool) < wanted) {
      const before = pool.environments.size;
      this.admission.reserveStart(pool);
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
    const environment = allEnvironments(this.pools).find((candidate) => candidate.id === environmentId);
    if (!environment) return;
    this.countersOf(environment.fn.arn).crashes += 1;
    environment.kill('crashed');
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.reaper);
    this.admission.close(this.pools.values());
    const all = allEnvironments(this.pools);
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
    return allEnvironments(this.pools)
      .filter((environment) => functionArn === undefined || environment.fn.arn === functionArn)
      .map(environmentInfo);
  }

  private async run(
    fn: DeployedFunction,
    pool: Pool,
    counters: FunctionCounters,
    request: LocalInvokeRequest,
  ): Promise<LocalInvokeResult> {
    const requestId = randomUUID();
    let environment = takeIdle(fn, pool);
    if (!environment && this.admission.mayStart(pool)) {
      this.admission.reserveStart(pool);
    } else if (!environment) {
      const handed = await this.admission.wait(fn, pool);
      if (handed === 'closed') throw runtimeClosedError();
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
    logStart(this.logBuffer, fn, environment, requestId);
    // Lambda hands an empty payload to the handler as {}.
    const payload = request.payload.trim() === '' ? '{}' : request.payload;
    const outcome = await environment.invoke(requestId, payload, request.invokedFunctionArn ?? fn.arn);
    const durationMs = performance.now() - started;
    if (!outcome.destroyed) {
      if (environment.codeSha256 !== fn.codeSha256) environment.kill('code updated');
      else environment.release();
    }
    this.admission.pump();
    logInvocationEnd(this.logBuffer, fn, environment, requestId, outcome, durationMs, initDurationMs);
    enforceEnvironmentCap(this.pools, this.maxEnvironments);

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
    logInitFailure(this.logBuffer, fn, requestId, environmentId, durationMs, error);
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
   * Creates an environment whose start the admission reserved, then frees the init (and, if the
   * environment died or never started, its place) for the invocations waiting.
   */
  private async initializeReserved(fn: DeployedFunction, pool: Pool): Promise<CreatedEnvironment> {
    try {
      return await this.createEnvironment(fn, pool);
    } finally {
      this.admission.initEnded();
    }
  }

  /** Throws runtimeClosedError() when the runtime closed while the code compiled. */
  private async createEnvironment(fn: DeployedFunction, pool: Pool): Promise<CreatedEnvironment> {
    let compiled: CompileOutcome;
    try {
      compiled = await this.compiler.compile(fn.modulePath, fn.codeSha256);
    } finally {
      // From here to pool.environments.add() nothing awaits, so `creating` hands over to the set
      // exactly; on a throw the place is given back.
      pool.creating -= 1;
    }
    if (!compiled.ok) return { ok: false, error: compiled.error };
    // Closed while compiling: close() has killed every environment it knew; start no other.
    if (this.closed) throw runtimeClosedError();
    makeRoom(this.pools, this.maxEnvironments);

    const hex = randomBytes(16).toString('hex');
    const id = `${fn.name}-${hex.slice(0, 12)}`;
    const credentials = environmentCredentials(
      this.options.identity,
      fn,
      id,
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
      onLog: (line, env) => logFunctionLine(this.logBuffer, env, line),
      onDeath: (env) => {
        pool.environments.delete(env);
        // A death may come from inside pump() (takeIdle kills outdated code): let that one finish first.
        queueMicrotask(() => this.admission.pump());
      },
    });
    pool.environments.add(environment);
    logInitStart(this.logBuffer, fn, environment);
    const init = await environment.init(this.initTimeoutMs);
    if (!init.ok) return { ok: false, error: init.error, environmentId: id };
    return { ok: true, environment };
  }

  private countersOf(functionArn: string): FunctionCounters {
    let counters = this.stats.get(functionArn);
    if (!counters) {
      counters = { invocations: 0, coldStarts: 0, errors: 0, timeouts: 0, throttles: 0, crashes: 0 };
      this.stats.set(functionArn, counters);
    }
    return counters;
  }
}
