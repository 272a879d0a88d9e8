/**
 * The inventory: one item per connector function (account, Region, function name) holding the
 * latest outcome the workflows reached for it. The outcome recorder writes it from each outcome event
 * (functions/record-outcome) and `registrar status` reads it, so status costs a few pages of one
 * table, never a call per execution.
 *
 * It lives in the hub's one table beside Powertools' idempotency records and the AppFlow pacer's
 * slots, under its own key prefix, as the pacer does: one table to provision, encrypt and back up.
 */

/** Every inventory item's `id` starts with it; nothing else in the table does. */
export const INVENTORY_PREFIX = 'connector#';

/**
 * The row of a signal that named no function of its own account and Region (a malformed or foreign
 * ARN): one per account and Region, so such signals are seen without one row each.
 */
export const NO_FUNCTION = '(no function)';

/**
 * What the latest execution for a connector ended in: a registration's action, a failure, or the
 * lifecycle's unregistration and its failure.
 */
export type InventoryOutcome =
  | 'registered'
  | 'updated'
  | 'unchanged'
  | 'failed'
  | 'unregistered'
  | 'unregistration failed';

/** The outcomes that are failures: `registrar status --failed` shows them, and exits 1 on them. */
export const FAILED_OUTCOMES: readonly InventoryOutcome[] = ['failed', 'unregistration failed'];

/** Whether the connector's own account heard the outcome on its default bus. */
export type MemberDelivery = 'delivered' | 'failed';

/** One inventory item, as stored (plain attributes; absent ones are undefined). */
export interface InventoryItem {
  id: string;
  accountId: string;
  region: string;
  /** The function's name, or NO_FUNCTION. */
  functionName: string;
  /** The unqualified function ARN, once VerifyFunction validated it. */
  lambdaArn?: string;
  /** The label of the latest registration or verified failure; a failure before verification keeps the previous one. */
  connectorLabel?: string;
  outcome: InventoryOutcome;
  /** The event the outcome was announced with (ConnectorRegistered, ConnectorRegistrationFailed…). */
  detailType: string;
  /** For a registration: registered, updated or unchanged; for an unregistration, its reason (deleted…). */
  action?: string;
  /** For a failure: the error name and the message the alert carried, which names the fix. */
  error?: string;
  message?: string;
  executionArn: string;
  /** When the execution started (ISO 8601): a later execution's outcome replaces an earlier one's, never the reverse. */
  startedAt: string;
  /** When the outcome was recorded (ISO 8601). */
  recordedAt: string;
  memberDelivery: MemberDelivery;
  /** Why the connector's account could not be told (the error PutEvents answered). */
  memberDeliveryError?: string;
}

/**
 * The key of a connector's item.
 *
 * @example inventoryId('222222222222', 'eu-west-1', 'sales-connector') // 'connector#222222222222#eu-west-1#sales-connector'
 */
export function inventoryId(accountId: string, region: string, functionName: string): string {
  return `${INVENTORY_PREFIX}${accountId}#${region}#${functionName}`;
}

/** The prefix of every item of one account (the filter `registrar status --account` scans with). */
export function inventoryAccountPrefix(accountId: string): string {
  return `${INVENTORY_PREFIX}${accountId}#`;
}
