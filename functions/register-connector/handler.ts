import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadHubConfig } from '../shared/config.js';
import { requireEnv } from '../shared/env.js';
import { logger } from '../shared/logger.js';
import { createPacedClientFactory } from '../shared/paced-clients.js';
import { loadPacerConfig } from '../shared/pacer-config.js';
import { readTaskInput } from '../shared/read-task-input.js';
import type { RegisterOutput } from '../shared/types.js';
import { createIdempotencyConfig } from './idempotency.js';
import { createIdempotentRegistration } from './idempotent-registration.js';
import { parseRegisterInput } from './input.js';
import { replayOrRegister } from './replay-or-register.js';
import { SPOKE_ACTIONS } from './spoke-actions.js';

const tableName = requireEnv('IDEMPOTENCY_TABLE_NAME');
const config = createIdempotencyConfig(logger);
const idempotent = createIdempotentRegistration(new DynamoDBPersistenceLayer({ tableName }), config);

// Every AppFlow call waits for its slot in the account's and Region's request budget, shared by all
// concurrent invocations of the registrar's functions through the idempotency table.
const clientsFor = createPacedClientFactory(loadHubConfig(), loadPacerConfig(), tableName, SPOKE_ACTIONS);

const registerTask = async (event: unknown, context: Context): Promise<RegisterOutput> => {
  const input = readTaskInput(event, logger, parseRegisterInput);
  config.registerLambdaContext(context);
  return replayOrRegister(input, { ...idempotent, appflow: clientsFor(input).appflow });
};

/** The RegisterConnector task: the logger's context and keys around one plain function. */
export const handler = middy<unknown, RegisterOutput, Error, Context>(registerTask).use(
  injectLambdaContext(logger, { clearState: true }),
);
