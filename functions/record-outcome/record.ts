import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DetailType } from '../shared/event-types.js';
import { type InventoryItem, inventoryId } from '../shared/inventory.js';
import { type DeliveryResult, tellConnectorAccount } from './deliver.js';
import type { RecordInput } from './input.js';
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
 * executions). A DynamoDB error is thrown for the state machine to retry; running it again is safe
 * (the same item, and the account hears the event again, as EventBridge delivers at least once).
 *
 * @example await recordOutcome(parseRecordInput(event), { dynamodb, tableName, eventsIn })
 */
export async function recordOutcome(input: RecordInput, deps: RecordDependencies): Promise<RecordResult> {
  const delivery = await tellConnectorAccount(deps.eventsIn(input.detail.region), input);
  const item = inventoryItemOf(input, delivery, (deps.now ?? (() => new Date()))());
  const recorded = await writeInventoryItem(deps, item);
  return { id: item.id, recorded, ...delivery };
}

/** The item an outcome becomes. */
export function inventoryItemOf(input: RecordInput, delivery: DeliveryResult, now: Date): InventoryItem {
  const { detail } = input;
  const row = rowOf(input);
  const failed = input.detailType === DetailType.ConnectorRegistrationFailed;
  const message = failed ? messageOf(detail.cause) : undefined;
  return {
    id: inventoryId(detail.accountId, detail.region, row.functionName),
    accountId: detail.accountId,
    region: detail.region,
    functionName: row.functionName,
    ...(row.lambdaArn !== undefined ? { lambdaArn: row.lambdaArn } : {}),
    ...(detail.connectorLabel !== null ? { connectorLabel: detail.connectorLabel } : {}),
    outcome: failed ? 'failed' : (detail.action ?? 'registered'),
    detailType: input.detailType,
    ...(!failed && detail.action !== undefined ? { action: detail.action } : {}),
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
