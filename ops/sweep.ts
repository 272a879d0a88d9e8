import type { DescribeExecutionCommandOutput, SFNClient } from '@aws-sdk/client-sfn';
import { DRIFT_CLASSES, type DriftClass } from '../functions/classify-account/classify.js';
import { OperatorError } from './errors.js';
import { messageOfCause, parse, startNamedExecution } from './executions.js';
import type { Hub } from './hub.js';

/** What one sweep came to, read from its execution: the report ConnectorSweepCompleted carries. */
export interface SweepOutcome {
  executionArn: string;
  accountId: string;
  region: string;
  dryRun: boolean;
  /** succeeded, failed, timed out, aborted or running. */
  outcome: string;
  counts?: Record<DriftClass, number>;
  labels?: Record<DriftClass, string[]>;
  started?: { register: number; unregister: number };
  truncated?: boolean;
  error?: string;
  message?: string;
}

/**
 * Starts the drift sweep of one account in the hub's Region. A hub deployed before the sweep has no
 * SweepConnectorsStateMachineArn output: an OperatorError says to deploy this version.
 *
 * @example const executionArn = await startSweep(sfn, hub, { accountId: '222222222222', dryRun: true })
 */
export async function startSweep(
  sfn: SFNClient,
  hub: Pick<Hub, 'region' | 'stackName' | 'sweepStateMachineArn'>,
  target: { accountId: string; dryRun: boolean },
  endpointUrl?: string | undefined,
): Promise<string> {
  if (!hub.sweepStateMachineArn) {
    throw new OperatorError(
      `the hub stack ${hub.stackName} in ${hub.region} has no drift sweep (output SweepConnectorsStateMachineArn): deploy this version of the hub`,
    );
  }
  const input = { accountId: target.accountId, region: hub.region, dryRun: target.dryRun };
  return startNamedExecution(
    sfn,
    hub.region,
    hub.sweepStateMachineArn,
    'operator-sweep',
    () => input,
    endpointUrl,
  );
}

/** The report of a sweep's execution, from DescribeExecution's input, output or error. */
export function sweepOutcomeOf(described: DescribeExecutionCommandOutput): SweepOutcome {
  const input = parse(described.input) as
    | { accountId?: string; region?: string; dryRun?: boolean }
    | undefined;
  const base = {
    executionArn: described.executionArn ?? '',
    accountId: input?.accountId ?? '',
    region: input?.region ?? '',
    dryRun: input?.dryRun === true,
  };
  const status = described.status ?? 'UNKNOWN';
  if (status === 'RUNNING') return { ...base, outcome: 'running' };
  if (status !== 'SUCCEEDED') {
    const message = messageOfCause(described.cause);
    return {
      ...base,
      outcome: status === 'TIMED_OUT' ? 'timed out' : status === 'ABORTED' ? 'aborted' : 'failed',
      ...(described.error ? { error: described.error } : {}),
      ...(message ? { message } : {}),
    };
  }
  const output = parse(described.output) as
    | { sweep?: Pick<SweepOutcome, 'counts' | 'labels' | 'truncated'>; started?: SweepOutcome['started'] }
    | undefined;
  return {
    ...base,
    outcome: 'succeeded',
    ...(output?.sweep?.counts ? { counts: output.sweep.counts } : {}),
    ...(output?.sweep?.labels ? { labels: output.sweep.labels } : {}),
    ...(output?.started ? { started: output.started } : {}),
    ...(output?.sweep?.truncated !== undefined ? { truncated: output.sweep.truncated } : {}),
  };
}

/**
 * The report as a person reads it: the classes with their counts, the labels of each drifted class,
 * and what was started.
 *
 * @example describeSweep(outcome) // 'swept 222222222222/eu-west-1: current 1 · missing 1 · …'
 */
export function describeSweep(outcome: SweepOutcome): string {
  const where = `${outcome.accountId}/${outcome.region}${outcome.dryRun ? ' (dry run)' : ''}`;
  if (outcome.outcome !== 'succeeded') {
    const error = outcome.error ? `: ${outcome.error}${outcome.message ? `: ${outcome.message}` : ''}` : '';
    return `${outcome.outcome} ${where}${error}\n  execution: ${outcome.executionArn}`;
  }
  const counts = DRIFT_CLASSES.map((name) => `${name} ${outcome.counts?.[name] ?? 0}`).join(' · ');
  const lines = [`swept ${where}: ${counts}`];
  for (const name of DRIFT_CLASSES.filter((driftClass) => driftClass !== 'current')) {
    const labels = outcome.labels?.[name] ?? [];
    const more = (outcome.counts?.[name] ?? 0) - labels.length;
    if (labels.length > 0)
      lines.push(`  ${name}: ${labels.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
  const started = outcome.started ?? { register: 0, unregister: 0 };
  lines.push(
    outcome.dryRun
      ? '  started: nothing (dry run)'
      : `  started: ${started.register} registration(s), ${started.unregister} unregistration(s)`,
  );
  if (outcome.truncated) lines.push('  stopped at its bounds: the next sweep does the rest');
  lines.push(`  execution: ${outcome.executionArn}`);
  return lines.join('\n');
}
