import type { SampleOutcome } from '../events/sample.js';
import type { ExecutionRecord } from '../services/states.js';

/** What became of one event: the outcome a sample declares, read from the executions it started. */
export interface EventOutcome {
  outcome: SampleOutcome;
  /** registered | updated | unchanged, when the workflow registered. */
  action?: string;
  /** The error name, when the workflow failed or the bus refused the event. */
  error?: string;
  connectorLabel?: string;
  /** RegisterConnector task attempts (1 + retries) across the executions. */
  attempts: number;
  executions: ExecutionRecord[];
}

/**
 * Reads the outcome of the executions one event started. With several executions (the redundant
 * signals of a deploy matched by more than one rule) the most telling one wins: a failure, then a
 * registration, then a skip.
 */
export function outcomeOf(executions: ExecutionRecord[]): EventOutcome {
  if (executions.length === 0) return { outcome: 'none', attempts: 0, executions };
  const read = executions.map(readExecution);
  const attempts = read.reduce((sum, one) => sum + one.attempts, 0);
  const rank = { failed: 0, registered: 1, updated: 1, unchanged: 1, skipped: 2 } as Record<string, number>;
  const [first] = read.sort((a, b) => (rank[a.outcome] ?? 3) - (rank[b.outcome] ?? 3));
  return { ...(first as Omit<EventOutcome, 'executions'>), attempts, executions };
}

function readExecution(execution: ExecutionRecord): Omit<EventOutcome, 'executions'> {
  const attempts = attemptsOf(execution, 'RegisterConnector');
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
