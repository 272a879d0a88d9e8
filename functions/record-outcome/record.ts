import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DetailType } from '../shared/event-types.js';
import { type InventoryItem, type InventoryOutcome, inventoryId } from '../shared/inventory.js';
import { type DeliveryResult, tellConnectorAccount } from './deliver.js';
import { executionFacts } from './execution.js';
import { type OutcomeEvent, parseOutcomeEvent, type RecordInput } from './input.js';
import { messageOf, rowOf } from './row.js';

export interface RecordDependencies {
  dynamodb: DynamoDBDocumentClient;
  tableName: string;
  /** An EventBridge client in a Region (one per Region, reused). */
  eventsIn: (region: string) => EventBridgeClient;
  now?: () => Date;
}

export interface RecordResult extends DeliveryResult {
  id: string;
  /** false when a later execution had already recorded its outcome for this connector. */
  recorded: boolean;
}

/**
 * Records one outcome: tells the connector's own account (its default bus), then writes the
 * connector's inventory item with what it was told. The write holds only if no later execution
 * recorded first (outcomes can finish out of order: the signals of one deploy start several
 * executions). A DynamoDB error is thrown for Lambda's own retries of the event; running it again is
 * safe (the same item, and the account hears the event again, as EventBridge delivers at least once).
 *
 * @example await recordOutcome(parseRecordInput(event), { dynamodb, tableName, eventsIn })
 */
export async function recordOutcome(input: RecordInput, deps: RecordDependencies): Promise<RecordResult> {
  const delivery = await tellConnectorAccount(deps.eventsIn(input.detail.region), input);
  const item = inventoryItemOf(input, delivery, (deps.now ?? (() => new Date()))());
  const recorded = await writeInventoryItem(deps, item);
  return { id: item.id, recorded, ...delivery };
}

/**
 * The outcome of an event the rule delivered: the event checked, then its execution read for its
 * start and its signal's function (RecordInput). The hub account is the only one whose events count.
 *
 * @example const input = await recordInputOf(event, { sfn, hubAccountId: '111111111111' })
 */
export async function recordInputOf(
  event: unknown,
  deps: { sfn: SFNClient; hubAccountId: string },
): Promise<RecordInput> {
  const outcome: OutcomeEvent = parseOutcomeEvent(event, deps.hubAccountId);
  const facts = await executionFacts(deps.sfn, outcome.detail.executionArn);
  return {
    detailType: outcome.detailType,
    detail: outcome.detail,
    published: outcome.published,
    executionStartTime: facts.startTime,
    ...(facts.signalFunctionArn !== undefined ? { signalFunctionArn: facts.signalFunctionArn } : {}),
  };
}

/** What each outcome event says about its connector. */
function outcomeOf(input: RecordInput): { outcome: InventoryOutcome; action?: string; failed: boolean } {
  const { detail } = input;
  switch (input.detailType) {
    case DetailType.ConnectorRegistered:
      return {
        outcome: (detail.action as InventoryOutcome | undefined) ?? 'registered',
        ...(detail.action !== undefined ? { action: detail.action } : {}),
        failed: false,
      };
    case DetailType.ConnectorUnregistered:
      return {
        outcome: 'unregistered',
        ...(detail.reason !== undefined ? { action: detail.reason } : {}),
        failed: false,
      };
    case DetailType.ConnectorUnregistrationFailed:
      return { outcome: 'unregistration failed', failed: true };
    default:
      return { outcome: 'failed', failed: true };
  }
}

/** The item an outcome becomes. */
export function inventoryItemOf(input: RecordInput, delivery: DeliveryResult, now: Date): InventoryItem {
  const { detail } = input;
  const row = rowOf(input);
  const { outcome, action, failed } = outcomeOf(input);
  const message = failed ? messageOf(detail.cause) : undefined;
  return {
    id: inventoryId(detail.accountId, detail.region, row.functionName),
    accountId: detail.accountId,
    region: detail.region,
    functionName: row.functionName,
    ...(row.lambdaArn !== undefined ? { lambdaArn: row.lambdaArn } : {}),
    ...(detail.connectorLabel !== null ? { connectorLabel: detail.connectorLabel } : {}),
    outcome,
    detailType: input.detailType,
    ...(action !== undefined ? { action } : {}),
    ...(failed ? { error: detail.error ?? 'unknown' } : {}),
    ...(message !== undefined ? { message } : {}),
    executionArn: detail.executionArn,
    startedAt: new Date(input.executionStartTime).toISOString(),
    recordedAt: now.toISOString(),
    ...delivery,
  };
}

/**
 * Attributes an outcome may leave unset, whose older values would mislead: removed. The label and
 * the ARN are not among them: a failure before verification knows neither and keeps the last ones.
 */
const CLEARED: readonly (keyof InventoryItem)[] = ['action', 'error', 'message', 'memberDeliveryError'];

/**
 * Writes a connector's item unless a later execution's outcome is already there (false then).
 *
 * @example await writeInventoryItem({ dynamodb, tableName }, inventoryItemOf(input, delivery, new Date()))
 */
export async function writeInventoryItem(
  deps: Pick<RecordDependencies, 'dynamodb' | 'tableName'>,
  item: InventoryItem,
): Promise<boolean> {
  const { id, ...attributes } = item;
  const names: Record<string, string> = { '#startedAt': 'startedAt' };
  const values: Record<string, unknown> = {};
  const set: string[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    set.push(`#${name} = :${name}`);
  }
  const removed = CLEARED.filter((name) => !(name in attributes));
  for (const name of removed) names[`#${name}`] = name;
  try {
    await deps.dynamodb.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: { id },
        UpdateExpression: `SET ${set.join(', ')}${removed.length > 0 ? ` REMOVE ${removed.map((name) => `#${name}`).join(', ')}` : ''}`,
        ConditionExpression: 'attribute_not_exists(#startedAt) OR #startedAt <= :startedAt',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
