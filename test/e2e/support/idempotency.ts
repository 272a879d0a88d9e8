import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Stack } from '../../../local/index.js';
import type { StackClients } from './clients.js';

/** The request pacer keeps its budget in the same table, under ids of its own. */
const PACER_PREFIX = 'appflow-pacer#';

/**
 * Deletes the register handler's Powertools idempotency records through DynamoDB (the stack's
 * endpoint), as their 8-hour expiry would; the pacer's items stay. Returns how many it deleted.
 */
export async function expireIdempotencyRecords(stack: Stack, clients: StackClients): Promise<number> {
  const [region = ''] = stack.world.hub.regions;
  const { name: TableName } = stack.hubIn(region).table;
  const dynamodb = clients.dynamodb(stack.world.hub.accountId, region);
  const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName, ConsistentRead: true }));
  const records = Items.filter((item) => !item.id?.S?.startsWith(PACER_PREFIX));
  for (const item of records) {
    await dynamodb.send(new DeleteItemCommand({ TableName, Key: { id: item.id as { S: string } } }));
  }
  return records.length;
}
