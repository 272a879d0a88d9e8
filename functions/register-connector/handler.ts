import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createClientFactory } from '../shared/clients.js';
import { loadHubConfig } from '../shared/config.js';
import { requireEnv } from '../shared/env.js';
import { logger } from '../shared/logger.js';
import { createMetrics, METRIC, metadataOf, recordInvocation } from '../shared/metrics.js';
import { loadTracing } from '../shared/tracing.js';
import type { RegisterOutput } from '../shared/types.js';
import { instrumentAppflowClient, timedPacer } from './appflow-metrics.js';
import { loadRegisterConfig } from './config.js';
import { createIdempotencyConfig } from './idempotency.js';
import { createIdempotentRegistration } from './idempotent-registration.js';
import { createPacer } from './pacer.js';
import { readRegisterInput } from './read-input.js';
import {
  REGISTRATION_METADATA_FIELDS,
  type Registration,
  registrationOutcome,
  watchReplay,
} from './registration-metrics.js';
import { replayOrRegister } from './replay-or-register.js';

const metrics = createMetrics();
// Tracer is loaded only when the `tracing` parameter is on; otherwise this changes nothing.
const tracing = await loadTracing();

const tableName = requireEnv('IDEMPOTENCY_TABLE_NAME');
const config = createIdempotencyConfig(logger);
const idempotent = createIdempotentRegistration(
  new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: tracing.capture(new DynamoDBClient({})) }),
  config,
);

const hub = loadHubConfig();
const { appflowRequestsPerSecond, pacerMaxWaitMs } = loadRegisterConfig();
// Every AppFlow call waits for its slot in the account's and Region's request budget, shared by all
// concurrent invocations through the idempotency table (pacer.ts).
const pace =
  appflowRequestsPerSecond > 0
    ? timedPacer(
        createPacer({
          dynamodb: tracing.capture(new DynamoDBClient({})),
          tableName,
          requestsPerSecond: appflowRequestsPerSecond,
          maxWaitMs: pacerMaxWaitMs,
        }),
        metrics,
      )
    : undefined;
const clientsFor = tracing.captureClients(
  createClientFactory({
    ...hub,
    sts: tracing.capture(new STSClient({})),
    onAppflowClient: (client, target) => instrumentAppflowClient(client, target, { metrics, pace }),
  }),
);

const register = async (event: unknown, context: Context): Promise<Registration> => {
  const input = readRegisterInput(event, logger);
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
