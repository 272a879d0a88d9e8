import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { requireEnv } from '../shared/env.js';
import { logger } from '../shared/logger.js';
import { loadAlertWindowMinutes } from './config.js';
import { type GateResult, gateAlert } from './gate.js';

const deps = {
  // The alert windows share the hub's table, under their own key prefix (functions/alert-gate/key.ts).
  tableName: requireEnv('ALERT_TABLE_NAME'),
  topicArn: requireEnv('ALERT_TOPIC_ARN'),
  hubAccountId: requireEnv('HUB_ACCOUNT_ID'),
  windowMinutes: loadAlertWindowMinutes(),
  dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  sns: new SNSClient({}),
};

const gateTask = async (event: unknown): Promise<GateResult> => {
  const result = await gateAlert(event, deps);
  logger.info(result.decision === 'alert' ? 'Alert published' : 'Failure folded into the open alert window', {
    ...result,
  });
  return result;
};

/** AlertGate, invoked by the alert rule with each failure event: the logger's context around plain functions. */
export const handler = middy<unknown, GateResult, Error, Context>(gateTask).use(
  injectLambdaContext(logger, { clearState: true }),
);
