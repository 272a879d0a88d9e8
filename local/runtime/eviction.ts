import type { ExecutionEnvironment } from './environment.js';
import type { Pools } from './pool.js';

/**
 * Before a new environment starts: terminates least recently used idle ones until it fits under
 * maxEnvironments. Busy ones are never waited for, so it may still start beyond the cap.
 */
export function makeRoom(pools: Pools, maxEnvironments: number): void {
  evictIdleWhile(pools, (live) => live >= maxEnvironments);
}

/** After an invocation: terminates idle environments that a start beyond the cap left over. */
export function enforceEnvironmentCap(pools: Pools, maxEnvironments: number): void {
  evictIdleWhile(pools, (live) => live > maxEnvironments);
}

/** Terminates, every so often, the environments idle longer than idleTimeoutMs; stop it with clearInterval. */
export function startIdleReaper(pools: Pools, idleTimeoutMs: number): NodeJS.Timeout {
  const reaper = setInterval(() => reapIdle(pools, idleTimeoutMs), Math.min(idleTimeoutMs, 30_000));
  reaper.unref();
  return reaper;
}

function reapIdle(pools: Pools, idleTimeoutMs: number): void {
  const cutoff = Date.now() - idleTimeoutMs;
  for (const pool of pools.values()) {
    for (const environment of pool.environments) {
      if (environment.state === 'idle' && environment.lastUsedAt <= cutoff) environment.kill('idle');
    }
  }
}

function evictIdleWhile(pools: Pools, tooMany: (live: number) => boolean): void {
  while (tooMany(liveEnvironments(pools))) {
    const victim = leastRecentlyUsedIdle(pools);
    if (!victim) return;
    victim.kill('evicted');
  }
}

function leastRecentlyUsedIdle(pools: Pools): ExecutionEnvironment | undefined {
  let oldest: ExecutionEnvironment | undefined;
  for (const pool of pools.values()) {
    for (const environment of pool.environments) {
      if (environment.state === 'idle' && (!oldest || environment.lastUsedAt < oldest.lastUsedAt)) {
        oldest = environment;
      }
    }
  }
  return oldest;
}

function liveEnvironments(pools: Pools): number {
  let live = 0;
  for (const pool of pools.values()) live += pool.environments.size;
  return live;
}
