import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../shared/logger.js';
import { loadRegistrationReader } from '../shared/paced-reader.js';
import { readTaskInput } from '../shared/read-task-input.js';
import { isRegistrarPrincipal } from '../shared/registrar-principal.js';
import type { UnregisterOutput } from '../shared/types.js';
import { loadInUsePolicy } from './config.js';
import { createIdempotentUnregistration, createUnregisterIdempotencyConfig } from './idempotency.js';
import { parseUnregisterInput } from './input.js';
import { SPOKE_ACTIONS } from './spoke-actions.js';
import { unregisterConnector } from './unregister.js';

const config = createUnregisterIdempotencyConfig(logger);
// Every AppFlow call waits for its slot in the account's and Region's request budget.
const { identity, clientsFor, tableName } = loadRegistrationReader(SPOKE_ACTIONS);
const inUse = loadInUsePolicy();

const unregisterOnce = createIdempotentUnregistration(
  (input) =>
    unregisterConnector(input, {
      appflow: clientsFor(input).appflow,
      inUse,
      isRegistrar: (registeredBy) => isRegistrarPrincipal(registeredBy, input.accountId, identity),
      log: logger,
    }),
  new DynamoDBPersistenceLayer({ tableName }),
  config,
);

const unregisterTask = async (event: unknown, context: Context): Promise<UnregisterOutput> => {
  const input = readTaskInput(event, logger, parseUnregisterInput);
  config.registerLambdaContext(context);
  return unregisterOnce(input);
};

/** The UnregisterConnector task of statemachine/unregister-connector.asl.json. */
export const handler = middy<unknown, UnregisterOutput, Error, Context>(unregisterTask).use(
  injectLambdaContext(logger, { clearState: true }),
);
