import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
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
import { deleteOnlyOwnRecord } from './idempotency-guard.js';
import { parseRegisterInput } from './input.js';
import { appendEventLogKeys, validateEvent } from './middleware.js';
import { addPacing, createPacer } from './pacer.js';
import { registerConnector } from './register.js';
import { registrationHolds } from './registration-holds.js';
import { recheckReplays } from './replay-check.js';

const tableName = requireEnv('IDEMPOTENCY_TABLE_NAME');
const persistenceStore = new DynamoDBPersistenceLayer({ tableName });
const config = createIdempotencyConfig(logger);

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

const registerTask = async (event: unknown): Promise<RegisterOutput> => {
  const input = parseRegisterInput(event);
  return registerConnector(input, clientsFor(input).appflow);
};

const replayHolds = async (event: unknown): Promise<boolean> => {
  const input = parseRegisterInput(event);
  return registrationHolds(input, clientsFor(input).appflow);
};

/**
 * The RegisterConnector task. Middleware order matters: the logger first (context, and clearing
 * keys afterwards), then the log keys, then validation, so bad input fails with its own error
 * before the idempotency middleware hashes it, and idempotency last, around the work only; a stored
 * result is replayed only while AppFlow still holds it (replay-check.ts).
 */
export const handler = middy<unknown, RegisterOutput, Error, Context>(registerTask)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(appendEventLogKeys(logger))
  .use(validateEvent(parseRegisterInput, logger))
  .use(
    recheckReplays(
      deleteOnlyOwnRecord(makeHandlerIdempotent({ persistenceStore, config })),
      replayHolds,
      logger,
    ),
  );
