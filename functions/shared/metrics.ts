/**
 * The registrar's CloudWatch metrics (Powertools, EMF): the names and dimensions here are the
 * contract with the dashboard (resources/dashboard.yml), which test/template checks against them.
 *
 * Every dimension value is bounded (an outcome, an action, a known error name): labels, accounts,
 * function and execution ARNs go into metadata, which EMF keeps in the log line but never turns
 * into a metric of its own. Powertools adds the `service` dimension (POWERTOOLS_SERVICE_NAME) to each.
 *
 * One EMF line has one list of dimension sets for all its metrics, so each invocation records one
 * outcome in the buffer `logMetrics` flushes (never empty, one dimension set), and every other
 * metric goes out on its own line (`emitAlone`).
 *
 * A handler adopts it with a metric name of its own in METRIC (and a widget on the dashboard):
 *
 *   const metrics = createMetrics();                                  // module scope
 *   const task = (event) => recordInvocation(metrics, METRIC.x, metadataOf(event, ['executionArn']),
 *     () => work(event), (result) => ({ dimensions: { Outcome: 'done' } }));
 *   export const handler = middy(task).use([injectLambdaContext(logger), logMetrics(metrics)]);
 *
 * Other metrics of the invocation (a count, a duration) go through emitAlone.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { APPFLOW_EXCEPTIONS, FATAL_ERROR_NAMES, RETRYABLE_ERROR_NAMES } from './errors.js';
import { printable } from './text.js';

export type { Metrics };

/** Namespace when POWERTOOLS_METRICS_NAMESPACE is unset (a handler run by hand); serverless.yml sets it. */
export const DEFAULT_METRICS_NAMESPACE = 'appflow-connector-registrar';

/** The metric names. */
export const METRIC = {
  /** Count, one per RegisterConnector invocation; dimensions Outcome and (unless failed) Action. */
  registrations: 'Registrations',
  /** Count, one per VerifyFunction invocation; dimension Outcome. */
  verifications: 'Verifications',
  /** Count, one per failed invocation of any handler; dimension ErrorName. */
  failures: 'Failures',
  /** Count: AppFlow ThrottlingExceptions the SDK retried (a throttle it gave up on is a failure). */
  appflowThrottlesAbsorbed: 'AppFlowThrottlesAbsorbed',
  /** Milliseconds one AppFlow request waited for its slot in the account's request budget. */
  appflowPacerWait: 'AppFlowPacerWait',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** The dimension names, and the values each may take. */
export const DIMENSION = { outcome: 'Outcome', action: 'Action', errorName: 'ErrorName' } as const;

/** `succeeded`: AppFlow was called; `replayed`: a stored result of the same deploy was returned. */
export const REGISTRATION_OUTCOMES = ['succeeded', 'replayed', 'failed'] as const;
export const REGISTRATION_ACTIONS = ['registered', 'updated', 'unchanged'] as const;
/** `skipped`: the function has not opted in (no label tag). */
export const VERIFICATION_OUTCOMES = ['verified', 'skipped', 'failed'] as const;
/** ErrorName of an error whose name is none of ERROR_NAMES; its real name is in the metadata. */
export const OTHER_ERROR = 'Other';

/**
 * The error names a failure is counted under: every name errors.ts declares (the registrar's own,
 * Powertools idempotency's, the Lambda API's and AppFlow's exceptions). Anything else is `Other`, so
 * an unexpected error cannot add a metric per message or class.
 */
export const ERROR_NAMES: ReadonlySet<string> = new Set([
  ...RETRYABLE_ERROR_NAMES,
  ...FATAL_ERROR_NAMES,
  ...APPFLOW_EXCEPTIONS.retryable,
  ...APPFLOW_EXCEPTIONS.retryableFewTimes,
  ...APPFLOW_EXCEPTIONS.fatal,
]);

/** Metadata values: anything an event or a caller chose is cut and escaped (text.ts). */
export type MetricMetadata = Record<string, string | undefined>;

const METADATA_MAX = 256;

/**
 * The one Metrics instance of a function, created at module scope. Namespace and service come from
 * POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME (serverless.yml).
 */
export function createMetrics(env: NodeJS.ProcessEnv = process.env): Metrics {
  return new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE?.trim() || DEFAULT_METRICS_NAMESPACE,
    serviceName: env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_METRICS_NAMESPACE,
  });
}

/** The bounded ErrorName of a thrown value. */
export function errorNameOf(error: unknown): string {
  const name = (error as Error | undefined)?.name;
  return typeof name === 'string' && ERROR_NAMES.has(name) ? name : OTHER_ERROR;
}

/** An invocation's outcome: the dimensions of its outcome metric, and what else to note. */
export interface Outcome {
  dimensions: Record<string, string>;
  metadata?: MetricMetadata;
}

/**
 * Runs a handler's work and records its outcome once: `outcomeOf(result)` on success; on failure
 * `Outcome: failed` and the error (recordFailure), then rethrows, so the state machine still sees
 * the error. `metadata` is noted either way (use metadataOf for an event not validated yet).
 *
 * @example
 * return recordInvocation(metrics, METRIC.verifications, metadataOf(event, ['executionArn']),
 *   () => verifyFunction(event, deps), (output) => ({ dimensions: { Outcome: 'verified' } }));
 */
export async function recordInvocation<T>(
  metrics: Metrics,
  name: MetricName,
  metadata: MetricMetadata,
  run: () => Promise<T>,
  outcomeOf: (result: T) => Outcome,
): Promise<T> {
  let result: T;
  try {
    result = await run();
  } catch (error) {
    recordOutcome(metrics, name, { [DIMENSION.outcome]: 'failed' }, metadata);
    recordFailure(metrics, error, metadata);
    throw error;
  }
  const outcome = outcomeOf(result);
  recordOutcome(metrics, name, outcome.dimensions, { ...metadata, ...outcome.metadata });
  return result;
}

/**
 * Records the invocation's outcome in the buffer `logMetrics` flushes: call it once per invocation,
 * since its dimensions become those of everything else in that buffer.
 */
export function recordOutcome(
  metrics: Metrics,
  name: MetricName,
  dimensions: Record<string, string>,
  metadata: MetricMetadata = {},
): void {
  metrics.addDimensions(dimensions);
  for (const [key, value] of definedEntries(metadata)) metrics.addMetadata(key, value);
  metrics.addMetric(name, MetricUnit.Count, 1);
}

/** Counts a failed invocation under its bounded error name; the real name goes into metadata. */
export function recordFailure(metrics: Metrics, error: unknown, metadata: MetricMetadata = {}): void {
  const name = (error as Error | undefined)?.name;
  emitAlone(metrics, METRIC.failures, MetricUnit.Count, 1, {
    dimensions: { [DIMENSION.errorName]: errorNameOf(error) },
    metadata: { ...metadata, error: typeof name === 'string' ? name : typeof error },
  });
}

/**
 * Emits one metric on a line of its own (Powertools' singleMetric), so its dimensions neither take
 * nor give those of the invocation's outcome.
 */
export function emitAlone(
  metrics: Metrics,
  name: MetricName,
  unit: (typeof MetricUnit)[keyof typeof MetricUnit],
  value: number,
  { dimensions = {}, metadata = {} }: { dimensions?: Record<string, string>; metadata?: MetricMetadata } = {},
): void {
  const single = metrics.singleMetric();
  if (Object.keys(dimensions).length > 0) single.addDimensions(dimensions);
  for (const [key, metadataValue] of definedEntries(metadata)) single.addMetadata(key, metadataValue);
  single.addMetric(name, unit, value);
}

/**
 * Metadata from the string fields of an event not validated yet: each cut and escaped, since a
 * caller chose it.
 */
export function metadataOf(event: unknown, fields: readonly string[]): MetricMetadata {
  if (typeof event !== 'object' || event === null) return {};
  const metadata: MetricMetadata = {};
  for (const field of fields) {
    const value = (event as Record<string, unknown>)[field];
    if (typeof value === 'string') metadata[field] = printable(value, METADATA_MAX);
  }
  return metadata;
}

function definedEntries(metadata: MetricMetadata): [string, string][] {
  return Object.entries(metadata).filter((entry): entry is [string, string] => entry[1] !== undefined);
}

export { MetricUnit };
