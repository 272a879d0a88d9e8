import { availableParallelism } from 'node:os';
import { DEFAULT_ENVIRONMENTS_PER_FUNCTION } from '../../local/index.js';
import { numberArg } from './args.js';

/**
 * The local runtime's limits for a load benchmark, each settable from the command line.
 * AWS-like concurrency: each function may run 250 at once (an account's default quota is 1,000), so
 * the load meets no Lambda throttling. The stack's capacity model (local/stack.ts): at most
 * --per-function environments of one function, further invocations waiting for one (a slower cold
 * start, never a throttle), and --inits cold starts at once. --per-function Infinity --inits
 * Infinity gives one environment per concurrent invocation, as on AWS, and the CPU starvation that
 * comes with it on two cores.
 */
export function runtimeLimitArgs(defaults: { maxEnvironments: number }) {
  return {
    maxEnvironments: numberArg('max-environments', defaults.maxEnvironments),
    maxEnvironmentsPerFunction: numberArg('per-function', DEFAULT_ENVIRONMENTS_PER_FUNCTION),
    maxConcurrentInits: numberArg('inits', availableParallelism()),
    defaultConcurrency: numberArg('default-concurrency', 250),
    maxConcurrentInvocations: numberArg('max-concurrent', 1000),
  };
}

/** `name=value …`, for the setup line a benchmark prints. */
export function describeLimits(limits: Record<string, number>): string {
  return Object.entries(limits)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

/** `label 1.2 s, …` from a load run's CPU by thread; undefined off Linux (no threads read). */
export function cpuByThreadText(cpuByThread: { label: string; ms: number }[]): string | undefined {
  if (cpuByThread.length === 0) return undefined;
  return cpuByThread.map(({ label, ms }) => `${label} ${(ms / 1000).toFixed(1)} s`).join(', ');
}
