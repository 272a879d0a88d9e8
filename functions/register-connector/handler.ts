import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createClientFactory } from '../shared/clients.js';
import { loadHubConfig } from '../shared/config.js';
import { requireEnv } from '../shared/env.js';
import { logger } from '../shared/logger.js';
import type { RegisterOutput } from '../shared/types.js';
import { loadRegisterConfig } from './config.js';
import { createIdempotencyConfig } from './idempotency.js';
import { createIdempotentRegistration } from './idempotent-registration.js';
import { addPacing, createPacer } from './pacer.js';
import { readRegisterInput } from './read-input.js';
import { replayOrRegister } from './replay-or-register.js';

const tableName = requireEnv('IDEMPOTENCY_TABLE_NAME');
const config = createIdempotencyConfig(logger);
const idempotent = createIdempotentRegistration(new DynamoDBPersistenceLayer({ tableName }), config);

const hub = loadHubConfig();
const { appflowRequestsPerSecond, pacerMaxWaitMs } = loadRegisterConfig();
// Every AppFlow call waits for its slot in the account's and Region's request budget, shared by all
// concurrent invocations through the idempotency table (pacer.ts).
const pace =
  appflowRequestsPerSecond > 0
    ? createPacer({
        dynamodb: new DynamoDBClient({}),
        tableName,
        requestsPerSecond: appflowRequestsPerSecond,
        maxWaitMs: pacerMaxWaitMs,
      })
    : undefined;
const clientsFor = createClientFactory({
  ...hub,
  onAppflowClient: (client, target) => {
    if (pace) addPacing(client, pace, target);
  },
});

const registerTask = async (event: unknown, context: Context): Promise<RegisterOutput> => {
  const input = readRegisterInput(event, logger);
  config.registerLambdaContext(context);
  return replayOrRegister(input, { ...idempotent, appflow: clientsFor(input).appflow });
};

/** The RegisterConnector task: the logger's context and keys around one plain function. */
export const handler = middy<unknown, RegisterOutput, Error, Context>(registerTask).use(
  injectLambdaContext(logger, { clearState: true }),
);
