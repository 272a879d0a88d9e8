import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { requireEnv } from '../shared/env.js';
import { logger } from '../shared/logger.js';
import { type RecordResult, recordInputOf, recordOutcome } from './record.js';

const tableName = requireEnv('INVENTORY_TABLE_NAME');
const hubAccountId = requireEnv('HUB_ACCOUNT_ID');
const sfn = new SFNClient({});
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
  const input = await recordInputOf(event, { sfn, hubAccountId });
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

/** RecordOutcome, invoked by its rule with each outcome event: the logger's context around plain functions. */
export const handler = middy<unknown, RecordResult, Error, Context>(recordTask).use(
  injectLambdaContext(logger, { clearState: true }),
);
