/**
 * The drift classes of a connector label in one account and Region (README "Drift sweep"):
 * `current`, registered by the registrar for the function that carries it, up to date;
 * `missing`, carried by a function and not registered; `stale`, registered by the registrar for the
 * function that carries it, with another description than its tag; `orphaned`, registered by
 * the registrar for a function that is gone or no longer carries it; `foreign`, registered by anyone
 * else, which the registrar reports and never touches.
 */
export const DRIFT_CLASSES = ['current', 'missing', 'stale', 'orphaned', 'foreign'] as const;
export type DriftClass = (typeof DRIFT_CLASSES)[number];

/** A function that carries appflow:connector-label, as the tag query answers it. */
export interface TaggedFunction {
  /** Unqualified. */
  lambdaArn: string;
  connectorLabel: string;
  /** Its appflow:connector-description tag; null without one. */
  description: string | null;
}

/** A custom connector as ListConnectors and, for the registrar's, DescribeConnector answer. */
export interface Registration {
  connectorLabel: string;
  byRegistrar: boolean;
  /** From DescribeConnector; undefined for a label that was not described. */
  lambdaArn?: string | undefined;
  description?: string | undefined;
}

/** One label's class, and the function a repair acts on (null for current and foreign labels). */
export interface LabelVerdict {
  connectorLabel: string;
  driftClass: DriftClass;
  lambdaArn: string | null;
}

/**
 * Classifies every label either side knows of, in label order. Pure: the same listings always give
 * the same verdicts, so the sweep's decisions can be tested without AWS. A registration of the
 * registrar whose function AppFlow does not name is `foreign` (it cannot be unregistered safely),
 * and a label several functions carry is `missing` for the first by ARN (registering the others
 * would fail on the label anyway).
 *
 * @example classifyLabels([{ lambdaArn, connectorLabel: 'orders', description: null, lastModified }], []) // [{ connectorLabel: 'orders', driftClass: 'missing', lambdaArn }]
 */
export function classifyLabels(tagged: TaggedFunction[], registrations: Registration[]): LabelVerdict[] {
  const carriers = new Map<string, TaggedFunction[]>();
  for (const fn of [...tagged].sort((a, b) => compare(a.lambdaArn, b.lambdaArn))) {
    carriers.set(fn.connectorLabel, [...(carriers.get(fn.connectorLabel) ?? []), fn]);
  }
  const registered = new Map(
    registrations.map((registration) => [registration.connectorLabel, registration]),
  );
  const labels = [...new Set([...carriers.keys(), ...registered.keys()])].sort(compare);
  return labels.map((connectorLabel) =>
    verdictOf(connectorLabel, carriers.get(connectorLabel) ?? [], registered.get(connectorLabel)),
  );
}

function verdictOf(
  connectorLabel: string,
  carriers: TaggedFunction[],
  registration: Registration | undefined,
): LabelVerdict {
  if (registration === undefined) {
    return { connectorLabel, driftClass: 'missing', lambdaArn: carriers[0]?.lambdaArn ?? null };
  }
  if (!registration.byRegistrar || registration.lambdaArn === undefined) {
    return { connectorLabel, driftClass: 'foreign', lambdaArn: null };
  }
  const holder = carriers.find((fn) => fn.lambdaArn === registration.lambdaArn);
  if (holder === undefined) {
    return { connectorLabel, driftClass: 'orphaned', lambdaArn: registration.lambdaArn };
  }
  const driftClass = isStale(holder, registration) ? 'stale' : 'current';
  return { connectorLabel, driftClass, lambdaArn: driftClass === 'stale' ? holder.lambdaArn : null };
}

/**
 * A description tag AppFlow does not hold, as RegisterConnector compares it
 * (register-connector/reconcile.ts isUpToDate). A code change cannot be told from AppFlow's answer:
 * UpdateConnectorRegistration leaves registeredAt as it was, so comparing it with LastModified would
 * call a refreshed connector stale on every sweep; the UpdateFunctionCode signal refreshes it.
 */
function isStale(fn: TaggedFunction, registration: Registration): boolean {
  return fn.description !== null && fn.description !== (registration.description ?? '');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
