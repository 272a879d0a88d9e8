import type { DeployedFunction } from '../types.js';
import type { ExecutionEnvironment } from './environment.js';
import { type Pool, sizeOf, takeIdle, type Waiter } from './pool.js';

/**
 * Decides when an admitted invocation may start a new environment: under its function's cap
 * (maxEnvironmentsPerFunction) and while an init is free (maxConcurrentInits). An invocation that
 * may not waits, first come first served, until pump() hands it an environment that fell idle or a
 * start.
 */
export class Admission {
  /** Environments being created, from the decision to the end of their init. */
  private initializing = 0;
  private arrivals = 0;
  /** Pools with invocations waiting for an environment. */
  private readonly waitingPools = new Set<Pool>();

  constructor(
    readonly maxEnvironmentsPerFunction: number,
    private readonly maxConcurrentInits: number,
  ) {}

  /** Whether an environment of this pool may start now: under its cap, and an init is free. */
  mayStart(pool: Pool): boolean {
    return sizeOf(pool) < this.maxEnvironmentsPerFunction && this.initializing < this.maxConcurrentInits;
  }

  /** Counts a start before its first await, so concurrent decisions see the place and the init taken. */
  reserveStart(pool: Pool): void {
    pool.creating += 1;
    this.initializing += 1;
  }

  /** An init that reserveStart() counted has ended, however it ended: its turn goes to the waiting. */
  initEnded(): void {
    this.initializing -= 1;
    this.pump();
  }

  /** Queues the invocation; pump() reserves the start it hands over, or hands over an idle environment. */
  wait(fn: DeployedFunction, pool: Pool): Promise<ExecutionEnvironment | 'start' | 'closed'> {
    return new Promise((resolve) => {
      pool.waiting.push({ fn, arrival: this.arrivals++, resolve });
      this.waitingPools.add(pool);
    });
  }

  /**
   * Hands environments that fell idle to the invocations waiting for them (in order, per function),
   * then free inits to functions under their cap: first the one with the fewest environments (it
   * cannot progress at all, where one with environments will be served as they fall idle), then the
   * oldest waiter. A burst's first verification waits for its connector's cold start, not for the
   * registrar's seventh environment.
   */
  pump(): void {
    for (const pool of this.waitingPools) {
      while (pool.waiting.length > 0) {
        const idle = takeIdle((pool.waiting[0] as Waiter).fn, pool);
        if (!idle) break;
        (pool.waiting.shift() as Waiter).resolve(idle);
      }
      if (pool.waiting.length === 0) this.waitingPools.delete(pool);
    }
    while (this.initializing < this.maxConcurrentInits) {
      let next: Pool | undefined;
      for (const pool of this.waitingPools) {
        if (sizeOf(pool) >= this.maxEnvironmentsPerFunction) continue;
        if (!next || sizeOf(pool) < sizeOf(next)) next = pool;
        else if (sizeOf(pool) === sizeOf(next) && headArrival(pool) < headArrival(next)) next = pool;
      }
      if (!next) return;
      this.reserveStart(next);
      (next.waiting.shift() as Waiter).resolve('start');
      if (next.waiting.length === 0) this.waitingPools.delete(next);
    }
  }

  /** Tells every waiting invocation that the runtime closed. */
  close(pools: Iterable<Pool>): void {
    for (const pool of pools) {
      for (const waiter of pool.waiting.splice(0)) waiter.resolve('closed');
    }
    this.waitingPools.clear();
  }
}

/** When the first invocation waiting in the pool arrived (pools in waitingPools always have one). */
function headArrival(pool: Pool): number {
  return pool.waiting[0]?.arrival ?? Number.POSITIVE_INFINITY;
}
