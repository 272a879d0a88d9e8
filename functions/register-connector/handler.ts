import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createClientFactory } from '../shared/clients.js';
import { loadHubConfig } from '../shared/config.js';
import { requireEnv } from '../shared/env.js';
import { logger } from '../shared/logger.js';
import type { RegisterOutput } from '../shared/types.js';
import { createIdempotencyConfig } from './idempotency.js';
import { deleteOnlyOwnRecord } from './idempotency-guard.js';
import { parseRegisterInput } from './input.js';
import { appendEventLogKeys, validateEvent } from './middleware.js';
import { registerConnector } from './register.js';

const persistenceStore = new DynamoDBPersistenceLayer({ tableName: requireEnv('IDEMPOTENCY_TABLE_NAME') });
const config = createIdempotencyConfig(logger);

const hub = loadHubConfig();
const clientsFor = createClientFactory(hub);

const registerTask = async (event: unknown): Promise<RegisterOutput> => {
  const input = parseRegisterInput(event);
  return registerConnector(input, clientsFor(input).appflow);
};

/**
 * The RegisterConnector task. Middleware order matters: the logger first (context, and clearing
 * keys afterwards), then the log keys, then validation, so bad input fails with its own error
 * before the idempotency middleware hashes it, and idempotency last, around the work only.
 */
export const handler = middy<unknown, RegisterOutput, Error, Context>(registerTask)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(appendEventLogKeys(logger))
  .use(validateEvent(parseRegisterInput, logger))
  .use(deleteOnlyOwnRecord(makeHandlerIdempotent({ persistenceStore, config })));
