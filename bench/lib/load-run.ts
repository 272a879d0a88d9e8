import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import {
  type AppFlowStats,
  type ExecutionRecord,
  type FaultCounters,
  type FunctionCounters,
  type Registration,
  type StackOptions,
  startStack,
} from '../../local/index.js';
import { startWindowProfile } from './profile.js';
import { type DeploySignal, type SentSignal, sendDeploySignals, triggerEventIdOf } from './signals.js';
import { cpuByGroup, mainThreadCpuMs, threadTimes } from './thread-cpu.js';

/** One look at the stack while the load runs. */
export interface LoadSample {
  /** Milliseconds since the signals were sent. */
  t: number;
  /** AppFlow calls refused by the token bucket so far. */
  throttled: number;
  /** Executions ended so far (any status). */
  ended: number;
  rssMiB: number;
  environments: number;
  load1: number;
}

export interface LoadRunOptions {
  stack: StackOptions;
  signals: readonly DeploySignal[];
  /**
   * At most this many signals in flight (sent, their execution not ended), like a StackSets rollout's
   * maximum concurrent accounts; a new one goes as soon as one ends. Default: all at once.
   */
  window?: number;
  /** Give up (and say so) when the executions have not all ended by then. */
  deadlineMs: number;
  /** Stop early when the process's RSS passes this, so the machine is not starved. */
  maxRssMiB: number;
  sampleMs?: number;
  /** Runs after the stack started and before the clock starts (e.g. warming environments). */
  prepare?: (stack: Awaited<ReturnType<typeof startStack>>) => Promise<void>;
  /** Progress on stderr. */
  progress?: (message: string) => void;
}

/** Everything a load benchmark reads, collected before the stack stops. */
export interface LoadRunResult {
  /** Date.now() just before the first PutEvents. */
  t0: number;
  sent: SentSignal[];
  /** The executions the signals started, by trigger event id. */
  executionsBySignal: Map<string, ExecutionRecord[]>;
  executions: ExecutionRecord[];
  samples: LoadSample[];
  /** Why the run stopped early, if it did. */
  abortedBecause?: string;
  /** t0 → the last execution's end (or the abort). */
  wallMs: number;
  /** CPU time of this process (main thread, workers, dynalite) during the run. */
  cpuMs: number;
  /** Of cpuMs, the main thread's (undefined off Linux); the rest is the worker threads and V8's helpers. */
  mainThreadCpuMs?: number;
  /**
   * Of cpuMs, by thread: the main thread, each registrar function's environments, the world's
   * functions' (connectors), and the rest (V8's GC and compiler threads, libuv's pool), largest first;
   * empty off Linux. Threads that ended during the run are not counted.
   */
  cpuByThread: { label: string; ms: number }[];
  /**
   * The main thread's event-loop utilisation (0–1) during the run: every emulated AWS API call,
   * dynalite, the state machine interpreter and EventBridge share it; near 1 it is the bottleneck.
   */
  mainThreadUtilisation: number;
  /** The main thread's event-loop delay, p99 and max, in ms: how long a ready callback waited. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  peakRssMiB: number;
  peakEnvironments: number;
  startupMs: number;
  appflowStats: AppFlowStats;
  faults: FaultCounters;
  /** AppFlow's registrations now, in every account and Region. */
  connectors: Registration[];
  /** When AppFlow applied each RegisterConnector (ms since t0). */
  registeredAt: number[];
  runtimeCounters: Record<string, FunctionCounters>;
  registrarFunctionArns: { name: string; arn: string; memorySize: number }[];
}

/**
 * Starts the stack, sends every deploy signal at once, samples throttles, ended executions, RSS and
 * environments until every execution has ended (or the deadline or the RSS cap hits), then collects
 * the figures and stops the stack.
 */
export async function runLoad(options: LoadRunOptions): Promise<LoadRunResult> {
  const progress = options.progress ?? (() => undefined);
  const startup = Date.now();
  const stack = await startStack(options.stack);
  const startupMs = Date.now() - startup;
  progress(`stack up in ${startupMs} ms at ${stack.endpoint}`);
  try {
    if (options.prepare) {
      const preparing = Date.now();
      await options.prepare(stack);
      progress(`prepared in ${Date.now() - preparing} ms`);
    }
  } catch (error) {
    await stack.stop();
    throw error;
  }
  // What the preparation did is not part of the figures.
  const countersBefore = stack.runtime.allCounters();
  stack.appflow.resetStats();
  stack.faults.resetCounters();
  progress(`sending ${options.signals.length} deploy signals`);
  const samples: LoadSample[] = [];
  let peakRss = process.memoryUsage.rss();
  let peakEnvironments = 0;
  let abortedBecause: string | undefined;
  let stopWaiting: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => {
    stopWaiting = resolve;
  });

  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  const stopProfile = await startWindowProfile();
  const eluStart = performance.eventLoopUtilization();
  const cpuStart = process.cpuUsage();
  const mainCpuStart = mainThreadCpuMs();
  const threadsStart = threadTimes();
  const t0 = Date.now();
  const sample = () => {
    const rss = process.memoryUsage.rss();
    peakRss = Math.max(peakRss, rss);
    const environments = stack.runtime.environments().length;
    peakEnvironments = Math.max(peakEnvironments, environments);
    const ended = stack.states.executions().filter((execution) => execution.status !== 'RUNNING').length;
    const point: LoadSample = {
      t: Date.now() - t0,
      throttled: stack.faults.counters.throttled,
      ended,
      rssMiB: Math.round(rss / 1024 ** 2),
      environments,
      load1: loadavg()[0] ?? 0,
    };
    samples.push(point);
    if (point.rssMiB > options.maxRssMiB)
      stopWaiting(`RSS ${point.rssMiB} MiB passed the cap of ${options.maxRssMiB} MiB`);
    if (samples.length % Math.round(5000 / (options.sampleMs ?? 250)) === 0) {
      progress(
        `t=${(point.t / 1000).toFixed(0)} s: ${ended}/${options.signals.length} ended, ${point.throttled} throttled, ${environments} environments, RSS ${point.rssMiB} MiB, load ${point.load1.toFixed(1)}`,
      );
    }
  };
  const sampler = setInterval(sample, options.sampleMs ?? 250);
  const deadline = setTimeout(
    () => stopWaiting(`not finished after ${options.deadlineMs / 1000} s`),
    options.deadlineMs,
  );

  try {
    const sent = await feed(stack, options, stopped);
    const reason = await Promise.race([stack.idle().then(() => undefined), stopped]);
    if (reason !== undefined) abortedBecause = reason;
    sample();
    clearInterval(sampler);
    clearTimeout(deadline);
    const cpu = process.cpuUsage(cpuStart);
    const mainCpuEnd = mainThreadCpuMs();
    const threadsEnd = threadTimes();
    const elu = performance.eventLoopUtilization(eluStart);
    loopDelay.disable();
    await stopProfile();

    const ids = new Set(sent.map((signal) => signal.eventId));
    const executions = stack.states
      .executions()
      .filter((execution) => ids.has(triggerEventIdOf(execution.input) ?? ''));
    const executionsBySignal = new Map<string, ExecutionRecord[]>();
    for (const execution of executions) {
      const id = triggerEventIdOf(execution.input) ?? '';
      executionsBySignal.set(id, [...(executionsBySignal.get(id) ?? []), execution]);
    }
    const lastEnd = Math.max(
      t0,
      ...executions.map((execution) => execution.stopDate?.getTime() ?? Date.now()),
    );
    return {
      t0,
      sent,
      executionsBySignal,
      executions: executions.map((execution) => ({ ...execution, history: [...execution.history] })),
      samples,
      ...(abortedBecause ? { abortedBecause } : {}),
      wallMs: (abortedBecause ? Date.now() : lastEnd) - t0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      ...(mainCpuStart !== undefined && mainCpuEnd !== undefined
        ? { mainThreadCpuMs: mainCpuEnd - mainCpuStart }
        : {}),
      cpuByThread: [...cpuByGroup(threadsStart, threadsEnd, threadGroup(stack))]
        .map(([label, ms]) => ({ label, ms }))
        .sort((a, b) => b.ms - a.ms),
      mainThreadUtilisation: elu.utilization,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
      peakRssMiB: Math.round(peakRss / 1024 ** 2),
      peakEnvironments,
      startupMs,
      appflowStats: structuredClone(stack.appflow.stats),
      faults: structuredClone(stack.faults.counters),
      connectors: stack.appflow.connectors(),
      registeredAt: stack.appflow.registrations
        .filter((event) => event.operation === 'RegisterConnector')
        .map((event) => Date.parse(event.at) - t0),
      runtimeCounters: countersSince(stack.runtime.allCounters(), countersBefore),
      registrarFunctionArns: stack.landingZone.hubs.flatMap((deployment) =>
        deployment.functions.map((fn) => ({ name: fn.name, arn: fn.arn, memorySize: fn.memorySize })),
      ),
    };
  } finally {
    clearInterval(sampler);
    clearTimeout(deadline);
    await stack.stop();
  }
}

/**
 * Names the group of a thread: the runtime names each environment's thread after the last 15
 * characters of its function's name (local/runtime/bootstrap.mjs).
 */
function threadGroup(
  stack: Awaited<ReturnType<typeof startStack>>,
): (name: string, isMain: boolean) => string {
  const groups = new Map<string, string>();
  for (const fn of stack.registry.all()) {
    const label = fn.kind === 'registrar' ? fn.name.replace(/^.*-/, '') : 'connectors';
    groups.set(fn.name.slice(-15), label);
  }
  return (name, isMain) => (isMain ? 'main thread' : (groups.get(name) ?? 'V8/libuv helpers'));
}

function countersSince(
  now: Record<string, FunctionCounters>,
  before: Record<string, FunctionCounters>,
): Record<string, FunctionCounters> {
  return Object.fromEntries(
    Object.entries(now).map(([arn, counters]) => {
      const earlier = before[arn];
      if (!earlier) return [arn, counters];
      const delta = { ...counters };
      for (const key of Object.keys(delta) as (keyof FunctionCounters)[]) delta[key] -= earlier[key];
      return [arn, delta];
    }),
  );
}

/** Sends the signals: all at once, or keeping `window` in flight until all are sent or the run stops. */
async function feed(
  stack: Awaited<ReturnType<typeof startStack>>,
  options: LoadRunOptions,
  stopped: Promise<string>,
): Promise<SentSignal[]> {
  if (options.window === undefined) return sendDeploySignals(stack, options.signals);
  const sent: SentSignal[] = [];
  let stop = false;
  void stopped.then(() => {
    stop = true;
  });
  while (sent.length < options.signals.length && !stop) {
    const ended = stack.states.executions().filter((execution) => execution.status !== 'RUNNING').length;
    const room = Math.min(options.window - (sent.length - ended), options.signals.length - sent.length);
    if (room > 0) {
      sent.push(...(await sendDeploySignals(stack, options.signals.slice(sent.length, sent.length + room))));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return sent;
}

/** Whether an execution registered its connector and published ConnectorRegistered (it reached Registered). */
export function registeredAndAnnounced(execution: ExecutionRecord): boolean {
  if (execution.status !== 'SUCCEEDED') return false;
  return execution.history.some(
    (event) =>
      event.type === 'SucceedStateEntered' &&
      (event.stateEnteredEventDetails as { name?: string } | undefined)?.name === 'Registered',
  );
}

/** When a state was first entered and last exited in an execution (ms since epoch), if it ran. */
export function stateSpan(
  execution: ExecutionRecord,
  stateName: string,
): { entered: number; exited: number } | undefined {
  let entered: number | undefined;
  let exited: number | undefined;
  for (const event of execution.history) {
    const details = (event.stateEnteredEventDetails ?? event.stateExitedEventDetails) as
      | { name?: string }
      | undefined;
    if (details?.name !== stateName) continue;
    if (event.type.endsWith('StateEntered')) entered ??= event.timestamp.getTime();
    if (event.type.endsWith('StateExited')) exited = event.timestamp.getTime();
  }
  return entered !== undefined && exited !== undefined ? { entered, exited } : undefined;
}
