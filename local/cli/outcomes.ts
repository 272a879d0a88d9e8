import type { DriftClass } from '../../functions/classify-account/classify.js';
import type { ExpectedRepairs, ExpectedUnregistration, SampleOutcome } from '../events/sample.js';
import type { ExecutionRecord } from '../services/states.js';

/** What became of one event: the outcome a sample declares, read from the executions it started. */
export interface EventOutcome {
  outcome: SampleOutcome;
  /** registered | updated | unchanged, when the workflow registered; the reason, when it unregistered. */
  action?: string;
  /** The error name, when the workflow failed or the bus refused the event. */
  error?: string;
  connectorLabel?: string;
  /** What the unregistration executions unregistered and why, in label order. */
  unregistered: ExpectedUnregistration[];
  /** RegisterConnector and UnregisterConnector task attempts (1 + retries) across the executions. */
  attempts: number;
  executions: ExecutionRecord[];
  /** What a sweep reported in ConnectorSweepCompleted, when the event started one. */
  sweep?: SweepSummary;
}

/** A sweep's report: how many labels of each drift class it found, and the repairs it started. */
export interface SweepSummary {
  classes: Record<DriftClass, number>;
  repairs: ExpectedRepairs;
}

/**
 * Reads the outcome of the executions one event started. With several executions (the redundant
 * signals of a deploy matched by more than one rule, or a TagResource that starts both workflows)
 * the most telling one wins: a failure, then a registration or unregistration, then a skip.
 */
export function outcomeOf(executions: ExecutionRecord[]): EventOutcome {
  if (executions.length === 0) return { outcome: 'none', attempts: 0, unregistered: [], executions };
  const read = executions.map(readExecution);
  const attempts = read.reduce((sum, one) => sum + one.attempts, 0);
  const unregistered = executions
    .flatMap(unregistrationsOf)
    .sort((a, b) => a.connectorLabel.localeCompare(b.connectorLabel));
  // A relabelling TagResource both registers and unregisters: the registration names the outcome.
  const rank = {
    failed: 0,
    registered: 1,
    updated: 1,
    unchanged: 1,
    unregistered: 2,
    skipped: 3,
  } as Record<string, number>;
  const [first] = read.sort((a, b) => (rank[a.outcome] ?? 4) - (rank[b.outcome] ?? 4));
  return { ...(first as ReadOutcome), attempts, unregistered, executions };
}

type ReadOutcome = Omit<EventOutcome, 'executions' | 'unregistered'>;

/** The registrations an unregistration execution unregistered (none for a failed one or a registration). */
function unregistrationsOf(execution: ExecutionRecord): ExpectedUnregistration[] {
  if (execution.status !== 'SUCCEEDED') return [];
  const items = parse(execution.output)?.unregistrations;
  if (!Array.isArray(items)) return [];
  return (items as { unregistration?: Partial<ExpectedUnregistration> }[]).flatMap(({ unregistration }) =>
    unregistration?.connectorLabel && unregistration.reason
      ? [{ connectorLabel: unregistration.connectorLabel, reason: unregistration.reason }]
      : [],
  );
}

function readExecution(execution: ExecutionRecord): ReadOutcome {
  const attempts = attemptsOf(execution, 'RegisterConnector') + attemptsOf(execution, 'UnregisterConnector');
  if (execution.status === 'FAILED') {
    return {
      outcome: 'failed',
      ...(execution.error ? { error: execution.error } : {}),
      ...labelOf(execution.input),
      attempts,
    };
  }
  const output = parse(execution.output);
  const registration = output?.registration as { action?: string; connectorLabel?: string } | undefined;
  if (registration?.action) {
    return {
      outcome: registration.action as SampleOutcome,
      action: registration.action,
      ...(registration.connectorLabel ? { connectorLabel: registration.connectorLabel } : {}),
      attempts,
    };
  }
  const fn = output?.function as { optedIn?: boolean } | undefined;
  if (execution.status === 'SUCCEEDED' && fn?.optedIn === false) return { outcome: 'skipped', attempts };
  const removal = output?.removal as { unregister?: boolean } | undefined;
  if (execution.status === 'SUCCEEDED' && removal?.unregister === false)
    return { outcome: 'skipped', attempts };
  // One item per registration: an unregistration, or a registration left alone (it changed meanwhile).
  const unregistered = (
    (output?.unregistrations ?? []) as { unregistration?: { reason?: string; connectorLabel?: string } }[]
  ).flatMap((item) => (item.unregistration ? [item.unregistration] : []));
  if (execution.status === 'SUCCEEDED' && Array.isArray(output?.unregistrations)) {
    const [first] = unregistered;
    if (!first) return { outcome: 'skipped', attempts };
    return {
      outcome: 'unregistered',
      ...(first.reason ? { action: first.reason } : {}),
      ...(first.connectorLabel ? { connectorLabel: first.connectorLabel } : {}),
      attempts,
    };
  }
  return { outcome: 'failed', error: execution.status, attempts };
}

/** Attempts of a Task state: each Lambda scheduling while that state is current. */
export function attemptsOf(execution: ExecutionRecord, stateName: string): number {
  let current = '';
  let attempts = 0;
  for (const event of execution.history) {
    const entered = event.stateEnteredEventDetails as { name?: string } | undefined;
    if (event.type.endsWith('StateEntered') && entered?.name) current = entered.name;
    if (
      current === stateName &&
      (event.type === 'LambdaFunctionScheduled' || event.type === 'TaskScheduled')
    ) {
      attempts += 1;
    }
  }
  return attempts;
}

function labelOf(input: string): { connectorLabel?: string } {
  const label = (parse(input)?.hints as { connectorLabel?: unknown } | null | undefined)?.connectorLabel;
  return typeof label === 'string' ? { connectorLabel: label } : {};
}

function parse(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
