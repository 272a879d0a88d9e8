import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { requireEnv } from '../shared/env.js';
import { logger } from '../shared/logger.js';
import { parseRecordInput } from './input.js';
import { type RecordResult, recordOutcome } from './record.js';

const tableName = requireEnv('INVENTORY_TABLE_NAME');
const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
// One EventBridge client per Region a connector lives in, created on first use.
const eventsClients = new Map<string, EventBridgeClient>();
const eventsIn = (region: string): EventBridgeClient => {
  let client = eventsClients.get(region);
  if (client === undefined) {
    client = new EventBridgeClient({ region });
    eventsClients.set(region, client);
  }
  return client;
};

const recordTask = async (event: unknown): Promise<RecordResult> => {
  const input = parseRecordInput(event);
  logger.appendKeys({ executionArn: input.detail.executionArn });
  const result = await recordOutcome(input, { dynamodb, tableName, eventsIn });
  if (result.memberDelivery === 'failed') {
    logger.warn('The connector account was not told the outcome', {
      accountId: input.detail.accountId,
      region: input.detail.region,
      reason: result.memberDeliveryError,
    });
  }
  logger.info('Outcome recorded', { ...result });
  return result;
};

/** The RecordOutcome task: the logger's context and keys around one plain function. */
export const handler = middy<unknown, RecordResult, Error, Context>(recordTask).use(
  injectLambdaContext(logger, { clearState: true }),
);
