import { DetailType } from '../../functions/shared/event-types.js';
import type { ExpectedUnregistration } from '../events/sample.js';
import type { PublishedEvent } from '../services/events.js';
import type { SweepSummary } from './outcomes.js';
import type { RunReport } from './run.js';
import { formatTable } from './table.js';

/** The human-readable report of `registrar run`. */
export function formatRunReport(report: RunReport): string {
  const rows = report.results.map((result) => {
    const { actual, expected } = result;
    const outcome =
      (actual.error ? `${actual.outcome} (${actual.error})` : actual.outcome) +
      sweepText(actual.sweep) +
      alsoUnregistered(actual.outcome, actual.unregistered, !result.matches);
    const expectedText =
      (expected.error ? `${expected.outcome} (${expected.error})` : expected.outcome) +
      sweepText(
        expected.classes && expected.repairs && { classes: expected.classes, repairs: expected.repairs },
      ) +
      alsoUnregistered(expected.outcome, expected.unregistered ?? [], !result.matches);
    return [
      result.matches ? 'ok' : 'MISMATCH',
      result.file.replace(/\.json$/, ''),
      `${result.account}/${result.region}`,
      actual.connectorLabel ?? '-',
      result.matches ? outcome : `${outcome}, expected ${expectedText}`,
      actual.action ?? '-',
      String(actual.attempts),
      String(result.ms),
    ];
  });
  const table = formatTable(
    ['', 'event', 'account/Region', 'connector label', 'outcome', 'action', 'attempts', 'ms'],
    rows,
  );

  const published = report.published.map(({ event }) => `  ${describePublished(event)}`);
  const matched = report.results.filter((result) => result.matches).length;
  return [
    table,
    '',
    `Events the workflow published (${published.length}; ${report.alerts} sent to the alert topic; ${report.told} also delivered to the connector's own account):`,
    ...published,
    '',
    `${matched} of ${report.results.length} events ended as their samples expect.`,
  ].join('\n');
}

/**
 * The labels an event unregistered beside another outcome (a relabelling registers one label and
 * unregisters another), or, `always`, every one with its reason, to show what a mismatch expected.
 */
function alsoUnregistered(outcome: string, unregistered: ExpectedUnregistration[], always = false): string {
  if (unregistered.length === 0 || (outcome === 'unregistered' && !always)) return '';
  return ` + unregistered ${unregistered.map(({ connectorLabel, reason }) => `${connectorLabel} (${reason})`).join(', ')}`;
}

/** A sweep's classes and the repairs it started, after its outcome. */
function sweepText(sweep: SweepSummary | undefined): string {
  return sweep ? ` (${describeSweep(sweep.classes, sweep.repairs)})` : '';
}

function describeSweep(classes: Record<string, number>, repairs: SweepSummary['repairs']): string {
  const found = Object.entries(classes).map(([driftClass, count]) => `${driftClass} ${count}`);
  return `${found.join(', ')}; started register ${repairs.register}, unregister ${repairs.unregister}`;
}

/** One published registrar event: its detail-type, where it was put, and what it says. */
export function describePublished(event: PublishedEvent['event']): string {
  const detail = event.detail as Record<string, unknown>;
  const what =
    event['detail-type'] === DetailType.ConnectorSweepCompleted
      ? `${detail.accountId}/${detail.region} ${describeSweep(
          detail.counts as Record<string, number>,
          detail.actionsStarted as SweepSummary['repairs'],
        )}`
      : event['detail-type'] === 'ConnectorRegistered'
        ? `${detail.action} ${detail.connectorArn}`
        : event['detail-type'] === 'ConnectorUnregistered'
          ? `${detail.reason} ${detail.connectorArn}`
          : // A failure VerifyFunction or VerifyRemoval raised names no function: the signal's words are in the cause only.
            `${detail.error} ${detail.lambdaArn ?? '(function not verified)'}`;
  return `${event['detail-type'].padEnd(30)} ${event.account}/${event.region}  ${what}`;
}
