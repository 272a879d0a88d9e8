import { FAILED_OUTCOMES, type InventoryItem } from '../functions/shared/inventory.js';
import type { OperatorClients } from './clients.js';
import type { Hub } from './hub.js';
import { type InventoryFilter, mergeInventories, readInventory } from './inventory.js';
import { ago } from './since.js';
import { formatTable } from './table.js';

/** One line of `registrar status`: a connector and the latest outcome the workflow recorded for it. */
export interface StatusLine {
  accountId: string;
  region: string;
  connectorLabel: string | null;
  functionName: string;
  /** registered, updated, unchanged, failed, unregistered or unregistration failed. */
  outcome: string;
  /** A registration's action, or why a connector was unregistered. */
  action: string | null;
  /** When the outcome was recorded (ISO 8601). */
  at: string;
  error: string | null;
  /** The message the alert carried, which names the fix. */
  message: string | null;
  /** Whether the connector's own account heard the outcome on its default bus. */
  connectorAccountTold: boolean;
  connectorAccountError: string | null;
  executionArn: string;
}

export interface StatusReport {
  lines: StatusLine[];
  failed: number;
}

/**
 * `registrar status`: reads every hub's inventory (the filter applied by DynamoDB) and returns one
 * line per connector. Exit code 1 when a line is a failure.
 *
 * @example const report = await connectorStatus(clients, hubs, { failedOnly: true })
 */
export async function connectorStatus(
  clients: OperatorClients,
  hubs: readonly Hub[],
  filter: InventoryFilter,
): Promise<StatusReport> {
  const lists = await Promise.all(
    hubs.map((hub) =>
      readInventory(clients.in(hub.region).dynamodb, hub, filter, clients.connection.endpointUrl),
    ),
  );
  const lines = mergeInventories(lists).map(lineOf);
  return { lines, failed: lines.filter((line) => isFailure(line.outcome)).length };
}

function isFailure(outcome: string): boolean {
  return (FAILED_OUTCOMES as readonly string[]).includes(outcome);
}

function lineOf(item: InventoryItem): StatusLine {
  return {
    accountId: item.accountId,
    region: item.region,
    connectorLabel: item.connectorLabel ?? null,
    functionName: item.functionName,
    outcome: item.outcome,
    action: item.action ?? null,
    at: item.recordedAt,
    error: item.error ?? null,
    message: item.message ?? null,
    connectorAccountTold: item.memberDelivery === 'delivered',
    connectorAccountError: item.memberDeliveryError ?? null,
    executionArn: item.executionArn,
  };
}

/**
 * The terminal form: a table, one connector a line; a failure's error and the message the alert
 * carried (which names the fix) end its line; `told` says whether the connector's own account heard.
 */
export function formatStatus(report: StatusReport, now: Date): string {
  if (report.lines.length === 0) return 'No connector matches: no outcome was recorded for one yet.';
  const table = formatTable(
    ['account', 'Region', 'label', 'function', 'outcome', 'action', 'when', 'told', 'error and fix'],
    report.lines.map((line) => [
      line.accountId,
      line.region,
      line.connectorLabel ?? '-',
      line.functionName,
      line.outcome,
      line.action ?? '-',
      ago(line.at, now),
      line.connectorAccountTold ? 'yes' : 'no',
      line.error ? `${line.error}: ${line.message ?? ''}`.trimEnd() : '',
    ]),
  );
  const summary = `${report.lines.length} connector${report.lines.length === 1 ? '' : 's'}, ${report.failed} failed.`;
  const untold = report.lines.filter((line) => !line.connectorAccountTold);
  const note =
    untold.length > 0
      ? `\n${untold.length} connector account${untold.length === 1 ? ' was' : 's were'} not told (first: ${untold[0]?.accountId}/${untold[0]?.region}: ${untold[0]?.connectorAccountError}); update their spoke stack with HubOutcomeRoleArns (spoke/README.md).`
      : '';
  return `${table}\n\n${summary}${note}`;
}
