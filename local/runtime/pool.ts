import type { DeployedFunction } from '../types.js';
import type { ExecutionEnvironment } from './environment.js';
import type { EnvironmentInfo } from './types.js';

/** One function's execution environments, and the invocations running on them or waiting for one. */
export interface Pool {
  environments: Set<ExecutionEnvironment>;
  inFlight: number;
  /** Environments being created whose worker is not in `environments` yet (the bundle compiles first). */
  creating: number;
  /** Invocations waiting for an environment (maxEnvironmentsPerFunction), oldest first. */
  waiting: Waiter[];
}

/** An invocation queued for an environment: handed an idle one, told to start one, or told the runtime closed. */
export interface Waiter {
  fn: DeployedFunction;
  /** Arrival order across all functions: the oldest waiter gets the next init. */
  arrival: number;
  resolve: (handed: ExecutionEnvironment | 'start' | 'closed') => void;
}

/** Every function's pool, by function ARN. */
export type Pools = Map<string, Pool>;

/** The function's pool, created empty on its first invocation. */
export function poolOf(pools: Pools, fn: DeployedFunction): Pool {
  let pool = pools.get(fn.arn);
  if (!pool) {
    pool = { environments: new Set(), inFlight: 0, creating: 0, waiting: [] };
    pools.set(fn.arn, pool);
  }
  return pool;
}

/** The live environments of every pool. */
export function allEnvironments(pools: Pools): ExecutionEnvironment[] {
  return [...pools.values()].flatMap((pool) => [...pool.environments]);
}

/** Environments of the pool, the ones being created included. */
export function sizeOf(pool: Pool): number {
  return pool.environments.size + pool.creating;
}

/**
 * Marks busy and returns the most recently used idle environment, as Lambda tends to reuse the
 * warmest one; idle ones still running older code are killed on the way.
 */
export function takeIdle(fn: DeployedFunction, pool: Pool): ExecutionEnvironment | undefined {
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

export function environmentInfo(environment: ExecutionEnvironment): EnvironmentInfo {
  return {
    id: environment.id,
    functionArn: environment.fn.arn,
    state: environment.state,
    invocations: environment.invocations,
    createdAt: new Date(environment.createdAt).toISOString(),
    lastUsedAt: new Date(environment.lastUsedAt).toISOString(),
  };
}
