import { setTimeout as sleep } from 'node:timers/promises';
import { AwsServiceError } from './http/errors.js';
import { deriveRandom, type Random } from './random.js';

/**
 * Deterministic fault injection for the emulated AppFlow: throttling by a token bucket per account
 * and Region (AppFlow's documented limit is "per account and per Region"), exceptions drawn with a
 * probability each, added latency, and crash points in the register handler. Every draw comes from
 * a stream seeded by `seed` and a label (the account and Region, or the crash point), so the same
 * seed and the same calls give the same faults, whatever the interleaving across accounts.
 */

/** AppFlow's exceptions and the HTTP status AWS answers them with (its service model). */
export const APPFLOW_FAULT_STATUS = {
  ThrottlingException: 429,
  InternalServerException: 500,
  ConnectorServerException: 400,
  ConnectorAuthenticationException: 401,
  ValidationException: 400,
  ConflictException: 409,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ServiceQuotaExceededException: 402,
} as const;

export type AppFlowFaultName = keyof typeof APPFLOW_FAULT_STATUS;

export interface FaultConfig {
  seed: number;
  /** Token bucket per account and Region over all AppFlow calls; undefined = unlimited. */
  appflowRate?: { perSecond: number; burst: number } | undefined;
  /** Probability (0–1) that a call fails with this exception; they may sum to 1 at most. */
  appflowErrors?: Partial<Record<AppFlowFaultName, number>>;
  /** Added to every AppFlow call: fixed, or uniform between min and max. */
  appflowLatencyMs?: number | { min: number; max: number } | undefined;
  /** Probability that the register handler dies right after AppFlow applied a RegisterConnector. */
  crashAfterRegister?: number;
}

/** What happened, for tests and benchmarks. */
export interface FaultCounters {
  calls: number;
  throttled: number;
  /** Exceptions drawn from appflowErrors, by name (throttling by the bucket is not counted here). */
  injected: Partial<Record<AppFlowFaultName, number>>;
  injectedErrors: number;
  crashes: number;
  latencyMs: number;
}

export interface AppFlowCall {
  accountId: string;
  region: string;
  operation: string;
}

export interface Faults {
  /** The settings in force. */
  readonly config: Readonly<FaultConfig>;
  readonly counters: Readonly<FaultCounters>;
  /** Changes settings at run time (tests, the CLI); a new seed or rate restarts streams and buckets. */
  update(partial: Partial<FaultConfig>): void;
  /** Waits the added latency, then throws the AwsServiceError of a fault when one fires. */
  beforeAppFlowCall(call: AppFlowCall): Promise<void>;
  /** Whether to crash the caller's environment after `operation` (only RegisterConnector has a point). */
  shouldCrashAfter(operation: string): boolean;
  resetCounters(): void;
}

export interface FaultClock {
  /** Milliseconds; drives the token buckets. */
  now?: () => number;
  /** Waits the drawn latency; tests pass one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
}

const INJECTED = ' (injected by the local stack; change with the fault settings)';

const MESSAGES: Record<AppFlowFaultName, string> = {
  ThrottlingException: 'Rate exceeded',
  InternalServerException: 'An internal service error occurred. Try again later.',
  ConnectorServerException: 'An error occurred when retrieving data from the connector endpoint.',
  ConnectorAuthenticationException: 'An error occurred when authenticating with the connector endpoint.',
  ValidationException: 'The request has invalid or missing parameters.',
  ConflictException: 'There was a conflict when processing the request.',
  AccessDeniedException: 'AppFlow/Requester has invalid or missing permissions.',
  ResourceNotFoundException: 'The resource specified in the request is not found.',
  ServiceQuotaExceededException: 'The request would cause a service quota to be exceeded.',
};

/**
 * Creates the fault injector; with only a seed it injects nothing.
 *
 * @example
 * const faults = createFaults({ seed: 7, appflowRate: { perSecond: 5, burst: 10 } });
 * await faults.beforeAppFlowCall({ accountId, region, operation: 'RegisterConnector' });
 */
export function createFaults(config: FaultConfig, clock: FaultClock = {}): Faults {
  const now = clock.now ?? Date.now;
  const wait = clock.sleep ?? ((ms: number) => sleep(ms).then(() => undefined));
  let current = validated({ ...config });
  let streams = new Map<string, Random>();
  let buckets = new Map<string, number>();
  let counters = emptyCounters();

  const stream = (label: string): Random => {
    let random = streams.get(label);
    if (!random) {
      random = deriveRandom(current.seed, label);
      streams.set(label, random);
    }
    return random;
  };

  // A token bucket kept as its theoretical arrival time (GCRA): exact in milliseconds, no float drift.
  const takeToken = (key: string): boolean => {
    const rate = current.appflowRate;
    if (!rate) return true;
    const interval = 1000 / rate.perSecond;
    const at = now();
    const due = Math.max(buckets.get(key) ?? at, at);
    if (due - at > (rate.burst - 1) * interval) return false;
    buckets.set(key, due + interval);
    return true;
  };

  const drawError = (random: Random): AppFlowFaultName | undefined => {
    // One draw per call whatever is configured, so a call's outcome depends only on its position.
    const u = random.next();
    let cumulative = 0;
    for (const [name, p] of Object.entries(current.appflowErrors ?? {}).sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      cumulative += p ?? 0;
      if (u < cumulative) return name as AppFlowFaultName;
    }
    return undefined;
  };

  const drawLatency = (random: Random): number => {
    const latency = current.appflowLatencyMs;
    if (latency === undefined) return 0;
    if (typeof latency === 'number') return latency;
    return Math.round(random.between(latency.min, latency.max));
  };

  return {
    get config() {
      return current;
    },
    get counters() {
      return counters;
    },
    update(partial) {
      const next = validated({ ...current, ...partial });
      if (next.seed !== current.seed) streams = new Map();
      if ('appflowRate' in partial) buckets = new Map();
      current = next;
    },
    async beforeAppFlowCall(call) {
      counters.calls += 1;
      const key = `${call.accountId}/${call.region}`;
      const random = stream(`appflow/${key}`);
      // Decided on arrival, so the outcome does not depend on how long the latency took.
      const allowed = takeToken(key);
      const error = drawError(random);
      const latency = drawLatency(random);
      if (latency > 0) {
        counters.latencyMs += latency;
        await wait(latency);
      }
      if (!allowed) {
        counters.throttled += 1;
        throw new AwsServiceError(429, 'ThrottlingException', MESSAGES.ThrottlingException);
      }
      if (error) {
        counters.injectedErrors += 1;
        counters.injected[error] = (counters.injected[error] ?? 0) + 1;
        throw new AwsServiceError(APPFLOW_FAULT_STATUS[error], error, `${MESSAGES[error]}${INJECTED}`);
      }
    },
    shouldCrashAfter(operation) {
      if (operation !== 'RegisterConnector') return false;
      const crash = stream(`crash/${operation}`).chance(current.crashAfterRegister ?? 0);
      if (crash) counters.crashes += 1;
      return crash;
    },
    resetCounters() {
      counters = emptyCounters();
    },
  };
}

function emptyCounters(): FaultCounters {
  return { calls: 0, throttled: 0, injected: {}, injectedErrors: 0, crashes: 0, latencyMs: 0 };
}

/** Rejects settings that would silently do something else than asked. */
function validated(config: FaultConfig): FaultConfig {
  const problems: string[] = [];
  if (!Number.isInteger(config.seed)) problems.push(`seed must be an integer; got ${String(config.seed)}`);
  const rate = config.appflowRate;
  if (rate !== undefined && !(rate.perSecond > 0 && Number.isInteger(rate.burst) && rate.burst >= 1)) {
    problems.push(
      `appflowRate needs perSecond > 0 and an integer burst >= 1; got ${JSON.stringify(rate)} (omit it for no limit)`,
    );
  }
  let sum = 0;
  for (const [name, p] of Object.entries(config.appflowErrors ?? {})) {
    if (!(name in APPFLOW_FAULT_STATUS)) {
      problems.push(
        `appflowErrors.${name} is not an AppFlow exception; use one of ${Object.keys(APPFLOW_FAULT_STATUS).join(', ')}`,
      );
    } else if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      problems.push(`appflowErrors.${name} must be a probability between 0 and 1; got ${String(p)}`);
    } else {
      sum += p;
    }
  }
  if (sum > 1 + 1e-9) problems.push(`appflowErrors probabilities sum to ${sum}; they may sum to 1 at most`);
  const latency = config.appflowLatencyMs;
  if (
    typeof latency === 'number'
      ? !(latency >= 0)
      : latency !== undefined && !(latency.min >= 0 && latency.max >= latency.min)
  ) {
    problems.push(
      `appflowLatencyMs must be >= 0, or { min, max } with 0 <= min <= max; got ${JSON.stringify(latency)}`,
    );
  }
  const crash = config.crashAfterRegister;
  if (crash !== undefined && !(crash >= 0 && crash <= 1)) {
    problems.push(`crashAfterRegister must be a probability between 0 and 1; got ${String(crash)}`);
  }
  if (problems.length > 0) throw new Error(`Invalid fault settings: ${problems.join('; ')}`);
  return config;
}
