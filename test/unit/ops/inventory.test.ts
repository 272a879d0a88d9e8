import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { InventoryItem } from '../../../functions/shared/inventory.js';
import { mergeInventories, readInventory } from '../../../ops/inventory.js';

const documents = mockClient(DynamoDBDocumentClient);
const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const hub = { region: 'eu-west-1', inventoryTableName: 'hub-table' };

function item(
  accountId: string,
  functionName: string,
  startedAt = '2025-03-14T09:00:00.000Z',
): InventoryItem {
  return {
    id: `connector#${accountId}#eu-west-1#${functionName}`,
    accountId,
    region: 'eu-west-1',
    functionName,
    connectorLabel: functionName,
    outcome: 'registered',
    detailType: 'ConnectorRegistered',
    executionArn: `arn:aws:states:eu-west-1:111111111111:execution:m:${functionName}-${startedAt}`,
    startedAt,
    recordedAt: startedAt,
    memberDelivery: 'delivered',
  };
}

afterEach(() => documents.reset());

describe('readInventory', () => {
  it('follows LastEvaluatedKey through every page of the Scan', async () => {
    documents
      .on(ScanCommand)
      .resolvesOnce({ Items: [item('222222222222', 'a')], LastEvaluatedKey: { id: 'k1' } })
      .resolvesOnce({ Items: [], LastEvaluatedKey: { id: 'k2' } })
      .resolvesOnce({ Items: [item('333333333333', 'b')] });

    const items = await readInventory(dynamodb, hub);

    expect(items.map((found) => found.functionName)).toEqual(['a', 'b']);
    expect(documents).toHaveReceivedCommandTimes(ScanCommand, 3);
    expect(documents.commandCalls(ScanCommand).map((call) => call.args[0].input.ExclusiveStartKey)).toEqual([
      undefined,
      { id: 'k1' },
      { id: 'k2' },
    ]);
  });

  it('has DynamoDB filter inventory items only, by default', async () => {
    documents.on(ScanCommand).resolves({ Items: [] });

    await readInventory(dynamodb, hub);

    expect(documents).toHaveReceivedCommandWith(ScanCommand, {
      TableName: 'hub-table',
      FilterExpression: 'begins_with(#id, :prefix)',
      ExpressionAttributeNames: { '#id': 'id' },
      ExpressionAttributeValues: { ':prefix': 'connector#' },
    });
  });

  it("narrows to one account's prefix, a label, a time and failures, in the filter", async () => {
    documents.on(ScanCommand).resolves({ Items: [] });

    await readInventory(dynamodb, hub, {
      accountId: '222222222222',
      connectorLabel: 'sales',
      since: new Date('2025-03-07T00:00:00.000Z'),
      failedOnly: true,
    });

    expect(documents).toHaveReceivedCommandWith(ScanCommand, {
      FilterExpression:
        'begins_with(#id, :prefix) AND #label = :label AND #recordedAt >= :since AND #outcome IN (:failed0, :failed1)',
      ExpressionAttributeValues: {
        ':prefix': 'connector#222222222222#',
        ':label': 'sales',
        ':since': '2025-03-07T00:00:00.000Z',
        ':failed0': 'failed',
        ':failed1': 'unregistration failed',
      },
    });
  });
});

describe('mergeInventories', () => {
  it("keeps one item per connector, the latest execution's, sorted by account, Region and label", () => {
    const older = item('222222222222', 'a', '2025-03-14T09:00:00.000Z');
    const newer: InventoryItem = {
      ...item('222222222222', 'a', '2025-03-14T10:00:00.000Z'),
      outcome: 'failed',
    };

    const merged = mergeInventories([[newer, item('111111111111', 'z')], [older]]);

    expect(merged.map((found) => `${found.accountId} ${found.functionName} ${found.outcome}`)).toEqual([
      '111111111111 z registered',
      '222222222222 a failed',
    ]);
  });
});
