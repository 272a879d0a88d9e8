import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadHubConfig } from '../shared/config.js';
import { requireEnv } from '../shared/env.js';
import { logger } from '../shared/logger.js';
import { createMetrics, METRIC, metadataOf, recordInvocation } from '../shared/metrics.js';
import { createPacedClientFactory } from '../shared/paced-clients.js';
import { loadPacerConfig } from '../shared/pacer-config.js';
import { readTaskInput } from '../shared/read-task-input.js';
import { loadTracing } from '../shared/tracing.js';
import type { RegisterOutput } from '../shared/types.js';
import { createIdempotencyConfig } from './idempotency.js';
import { createIdempotentRegistration } from './idempotent-registration.js';
import { parseRegisterInput } from './input.js';
import {
  REGISTRATION_METADATA_FIELDS,
  type Registration,
  registrationOutcome,
  watchReplay,
} from './registration-metrics.js';
import { replayOrRegister } from './replay-or-register.js';
import { SPOKE_ACTIONS } from './spoke-actions.js';

const metrics = createMetrics();
// Tracer is loaded only when the `tracing` parameter is on; otherwise this changes nothing.
const tracing = await loadTracing();

const tableName = requireEnv('IDEMPOTENCY_TABLE_NAME');
// One client of the idempotency table, for the idempotency records and the pacer's budget items.
const dynamodb = tracing.capture(new DynamoDBClient({}));
const config = createIdempotencyConfig(logger);
const idempotent = createIdempotentRegistration(
  new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamodb }),
  config,
);

// Every AppFlow call waits for its slot in the account's and Region's request budget, shared by all
// concurrent invocations of the registrar's functions through the idempotency table.
const clientsFor = createPacedClientFactory(loadHubConfig(), loadPacerConfig(), tableName, SPOKE_ACTIONS, {
  dynamodb,
  metrics,
  tracing,
});

const register = async (event: unknown, context: Context): Promise<Registration> => {
  const input = readTaskInput(event, logger, parseRegisterInput);
  config.registerLambdaContext(context);
  const watched = watchReplay(idempotent);
  const output = await replayOrRegister(input, { ...watched.store, appflow: clientsFor(input).appflow });
  return { output, replayed: watched.replayed() };
};

const registerTask = async (event: unknown, context: Context): Promise<RegisterOutput> => {
  const { output } = await recordInvocation(
    metrics,
    METRIC.registrations,
    metadataOf(event, REGISTRATION_METADATA_FIELDS),
    () => register(event, context),
    registrationOutcome,
  );
  return output;
};

/** The RegisterConnector task: logger, metrics (and tracing when on) around plain functions. */
export const handler = middy<unknown, RegisterOutput, Error, Context>(registerTask).use([
  ...tracing.middlewares,
  injectLambdaContext(logger, { clearState: true }),
  // Flushes the invocation's metrics whether it succeeded or threw.
  logMetrics(metrics),
]);
