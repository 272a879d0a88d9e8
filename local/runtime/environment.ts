import { Worker } from 'node:worker_threads';
import type { DeployedFunction } from '../types.js';
import { exitError, type FunctionErrorPayload, outOfMemoryError, timeoutError } from './errors.js';
import { lineSplitter } from './logs.js';

const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);

export type EnvironmentState = 'initializing' | 'idle' | 'busy' | 'dead';

/** How an invocation ended; `destroyed` when the environment did not survive it. */
export type InvocationOutcome =
  | { kind: 'result'; payload: string; destroyed: false }
  | { kind: 'error'; error: FunctionErrorPayload; destroyed: boolean; timedOut?: boolean };

export type InitOutcome = { ok: true } | { ok: false; error: FunctionErrorPayload };

/** What the handler's context carries besides the request id and the clock. */
export interface ContextFields {
  functionName: string;
  functionVersion: '$LATEST';
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
}

export interface EnvironmentSpec {
  id: string;
  fn: DeployedFunction;
  /** The module the worker imports: the function's own, or its bundle (compile.ts). */
  importPath: string;
  variables: Record<string, string>;
  logStreamName: string;
  /** Every line the function writes to stdout or stderr. */
  onLog: (line: string, environment: ExecutionEnvironment) => void;
  /** Called once, when the environment is gone for whatever reason. */
  onDeath: (environment: ExecutionEnvironment) => void;
}

interface Pending {
  requestId: string;
  resolve: (outcome: InvocationOutcome) => void;
  timer: NodeJS.Timeout;
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: FunctionErrorPayload }
  | { type: 'result'; requestId: string; payload: string }
  | { type: 'error'; requestId: string; error: FunctionErrorPayload }
  | { type: 'fatal'; error: FunctionErrorPayload };

/**
 * One Lambda execution environment: a worker thread with its own process.env that imports the
 * function once and serves one invocation at a time. Timeouts and crashes terminate the worker, as
 * Lambda discards an environment after either.
 */
export class ExecutionEnvironment {
  readonly id: string;
  readonly fn: DeployedFunction;
  readonly codeSha256: string;
  readonly createdAt = Date.now();
  readonly logStreamName: string;
  state: EnvironmentState = 'initializing';
  lastUsedAt = Date.now();
  invocations = 0;
  /** The invocation in progress, or the last one: console lines are attributed to it. */
  requestId: string | undefined;

  private readonly worker: Worker;
  private readonly spec: EnvironmentSpec;
  private readonly initialized: Promise<InitOutcome>;
  private pending: Pending | undefined;
  private exited: Promise<void>;
  private deathReason: string | undefined;

  constructor(spec: EnvironmentSpec) {
    this.spec = spec;
    this.id = spec.id;
    this.fn = spec.fn;
    this.codeSha256 = spec.fn.codeSha256;
    this.logStreamName = spec.logStreamName;
    this.worker = new Worker(BOOTSTRAP, {
      env: spec.variables,
      stdout: true,
      stderr: true,
      execArgv: ['--enable-source-maps'],
      workerData: {
        modulePath: spec.importPath,
        exportName: spec.fn.exportName,
        handlerName: spec.fn.handler,
      },
      // A runaway function must not take the whole stack's memory; generous above small Lambda sizes.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(spec.fn.memorySize, 512) },
      name: `${spec.fn.name} ${spec.id}`,
    });
    for (const stream of [this.worker.stdout, this.worker.stderr]) {
      const lines = lineSplitter((line) => spec.onLog(line, this));
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => lines.push(chunk));
      stream.on('end', () => lines.flush());
    }
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));

    let settleInit: (outcome: InitOutcome) => void = () => undefined;
    this.initialized = new Promise((resolve) => {
      settleInit = resolve;
    });
    this.worker.on('message', (message: WorkerMessage) => this.onMessage(message, settleInit));
    this.worker.on('error', (error) => this.onWorkerError(error, settleInit));
    this.worker.on('exit', (code) => this.onExit(code, settleInit));
  }

  /** Resolves when the module is imported (cold start done), or with the error Lambda reports. */
  init(timeoutMs: number): Promise<InitOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<InitOutcome>((resolve) => {
      timer = setTimeout(() => {
        this.kill('init timed out');
        resolve({
          ok: false,
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `INIT_REPORT Init Duration: ${timeoutMs} ms Phase: init Status: timeout`,
          },
        });
      }, timeoutMs);
    });
    return Promise.race([this.initialized, timedOut]).finally(() => clearTimeout(timer));
  }

  /** Runs one invocation; the environment must be idle (or initializing, for the cold start). */
  invoke(requestId: string, payload: string, invokedFunctionArn: string): Promise<InvocationOutcome> {
    if (this.state === 'dead') {
      return Promise.resolve({
        kind: 'error',
        error: exitError(requestId, this.deathReason ?? 'signal: killed'),
        destroyed: true,
      });
    }
    if (this.pending) throw new Error(`Environment ${this.id} is already serving ${this.pending.requestId}`);
    this.state = 'busy';
    this.requestId = requestId;
    this.invocations += 1;
    this.worker.ref();
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    const context: ContextFields = {
      functionName: this.fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn,
      memoryLimitInMB: String(this.fn.memorySize),
      logGroupName: `/aws/lambda/${this.fn.name}`,
      logStreamName: this.logStreamName,
    };
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.finish({
          kind: 'error',
          error: timeoutError(requestId, this.fn.timeoutSeconds),
          destroyed: true,
          timedOut: true,
        });
        this.kill('timed out');
      }, timeoutMs);
      this.pending = { requestId, resolve, timer };
      this.worker.postMessage({ type: 'invoke', requestId, payload, deadline, context, traceId: traceId() });
    });
  }

  /** Back to the pool after an invocation that it survived. */
  release(): void {
    if (this.state === 'dead') return;
    this.state = 'idle';
    this.lastUsedAt = Date.now();
    // An idle environment must not keep the host process alive.
    this.worker.unref();
  }

  /**
   * Terminates the worker. A running invocation answers Runtime.ExitError, as when Lambda's runtime
   * process is killed.
   */
  kill(reason: string): void {
    if (this.state === 'dead') return;
    this.deathReason = reason;
    this.markDead();
    if (this.pending) {
      this.finish({
        kind: 'error',
        error: exitError(this.pending.requestId, 'signal: killed'),
        destroyed: true,
      });
    }
    void this.worker.terminate();
  }

  /** Resolves once the worker thread has stopped. */
  stopped(): Promise<void> {
    return this.exited;
  }

  private onMessage(message: WorkerMessage, settleInit: (outcome: InitOutcome) => void): void {
    switch (message.type) {
      case 'ready':
        // Stays 'initializing' until the runtime hands it its first invocation.
        settleInit({ ok: true });
        return;
      case 'init-error':
        settleInit({ ok: false, error: message.error });
        this.kill('init failed');
        return;
      case 'result':
        if (this.pending?.requestId === message.requestId) {
          this.finish({ kind: 'result', payload: message.payload, destroyed: false });
        }
        return;
      case 'error':
        if (this.pending?.requestId === message.requestId) {
          this.finish({ kind: 'error', error: message.error, destroyed: false });
        }
        return;
      case 'fatal':
        // The runtime reports the error of the invocation, then its process exits.
        this.finish({ kind: 'error', error: message.error, destroyed: true });
        this.markDead();
        return;
    }
  }

  private onWorkerError(error: Error, settleInit: (outcome: InitOutcome) => void): void {
    const requestId = this.pending?.requestId ?? this.requestId ?? 'undefined';
    const payload =
      (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? outOfMemoryError(requestId)
        : {
            errorType: error.name || 'Error',
            errorMessage: error.message,
            trace: error.stack?.split('\n') ?? [],
          };
    settleInit({ ok: false, error: payload });
    this.finish({ kind: 'error', error: payload, destroyed: true });
    this.markDead();
  }

  private onExit(code: number, settleInit: (outcome: InitOutcome) => void): void {
    const requestId = this.pending?.requestId ?? 'undefined';
    const reason = this.deathReason ? 'signal: killed' : `exit status ${code}`;
    settleInit({ ok: false, error: exitError(requestId, reason) });
    this.finish({ kind: 'error', error: exitError(requestId, reason), destroyed: true });
    this.markDead();
  }

  private finish(outcome: InvocationOutcome): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending = undefined;
    pending.resolve(outcome);
  }

  private markDead(): void {
    if (this.state === 'dead') return;
    this.state = 'dead';
    this.spec.onDeath(this);
  }
}

// X-Ray's trace header format; Lambda sets it per invocation and Powertools reads it.
function traceId(): string {
  const hex = (length: number) =>
    Array.from({ length }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${hex(24)};Parent=${hex(16)};Sampled=0;Lineage=1:${hex(8)}:0`;
}
