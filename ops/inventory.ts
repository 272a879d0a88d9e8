import { type DynamoDBDocumentClient, ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  FAILED_OUTCOMES,
  INVENTORY_PREFIX,
  type InventoryItem,
  inventoryAccountPrefix,
} from '../functions/shared/inventory.js';
import { call } from './errors.js';
import type { Hub } from './hub.js';

/** Which items to read; DynamoDB filters them, so only those cross the network. */
export interface InventoryFilter {
  /** One account's connectors only. */
  accountId?: string | undefined;
  connectorLabel?: string | undefined;
  /** A label or a function name: either matches (a failure before verification knows no label). */
  connector?: string | undefined;
  /** Outcomes recorded at or after this time. */
  since?: Date | undefined;
  failedOnly?: boolean | undefined;
}

/**
 * Reads the inventory items of a hub that match the filter: a Scan of its table, page by page (a
 * page holds up to 1 MB), so the calls grow with the number of connectors, never with executions.
 *
 * @example const items = await readInventory(clients.in(hub.region).dynamodb, hub, { failedOnly: true })
 */
export async function readInventory(
  dynamodb: DynamoDBDocumentClient,
  hub: Pick<Hub, 'region' | 'inventoryTableName'>,
  filter: InventoryFilter = {},
  endpointUrl?: string,
): Promise<InventoryItem[]> {
  const conditions = ['begins_with(#id, :prefix)'];
  const names: Record<string, string> = { '#id': 'id' };
  const values: Record<string, unknown> = {
    ':prefix': filter.accountId ? inventoryAccountPrefix(filter.accountId) : INVENTORY_PREFIX,
  };
  if (filter.connectorLabel !== undefined) {
    conditions.push('#label = :label');
    names['#label'] = 'connectorLabel';
    values[':label'] = filter.connectorLabel;
  }
  if (filter.connector !== undefined) {
    conditions.push('(#label = :connector OR #functionName = :connector)');
    names['#label'] = 'connectorLabel';
    names['#functionName'] = 'functionName';
    values[':connector'] = filter.connector;
  }
  if (filter.since !== undefined) {
    conditions.push('#recordedAt >= :since');
    names['#recordedAt'] = 'recordedAt';
    values[':since'] = filter.since.toISOString();
  }
  if (filter.failedOnly) {
    const failed = FAILED_OUTCOMES.map((_, index) => `:failed${index}`);
    conditions.push(`#outcome IN (${failed.join(', ')})`);
    names['#outcome'] = 'outcome';
    FAILED_OUTCOMES.forEach((outcome, index) => {
      values[`:failed${index}`] = outcome;
    });
  }
  const items: InventoryItem[] = [];
  let startKey: ScanCommandInput['ExclusiveStartKey'];
  do {
    const page = await call(
      () =>
        dynamodb.send(
          new ScanCommand({
            TableName: hub.inventoryTableName,
            FilterExpression: conditions.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ExclusiveStartKey: startKey,
          }),
        ),
      { operation: 'Scan', region: hub.region, endpointUrl },
    );
    items.push(...((page.Items ?? []) as InventoryItem[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

/**
 * The items of several hubs as one list: a connector's item is kept once, the latest outcome winning
 * (two hub Regions may have recorded it, and the local stack's hubs share one table).
 */
export function mergeInventories(lists: readonly InventoryItem[][]): InventoryItem[] {
  const latest = new Map<string, InventoryItem>();
  for (const item of lists.flat()) {
    const kept = latest.get(item.id);
    if (kept === undefined || kept.startedAt < item.startedAt) latest.set(item.id, item);
  }
  return [...latest.values()].sort(
    (a, b) =>
      a.accountId.localeCompare(b.accountId) ||
      a.region.localeCompare(b.region) ||
      (a.connectorLabel ?? '').localeCompare(b.connectorLabel ?? '') ||
      a.functionName.localeCompare(b.functionName),
  );
}
