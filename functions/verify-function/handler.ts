import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { STSClient } from '@aws-sdk/client-sts';
import middy from '@middy/core';
import { createClientFactory } from '../shared/clients.js';
import { loadHubConfig } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { createMetrics, METRIC, metadataOf, recordInvocation } from '../shared/metrics.js';
import { loadTracing } from '../shared/tracing.js';
import type { VerifyOutput } from '../shared/types.js';
import { correlationKeys } from '../shared/workflow-input.js';
import { loadVerifyConfig } from './config.js';
import { SPOKE_ACTIONS } from './spoke-actions.js';
import { VERIFICATION_METADATA_FIELDS, verificationOutcome } from './verification-metrics.js';
import { verifyFunction } from './verify.js';

const hub = loadHubConfig();
const config = loadVerifyConfig();
const metrics = createMetrics();
// Tracer is loaded only when the `tracing` parameter is on; otherwise this changes nothing.
const tracing = await loadTracing();
// Module scope: clients and spoke credentials are reused across warm invocations.
const clientsFor = tracing.captureClients(
  createClientFactory({ ...hub, spokeActions: SPOKE_ACTIONS, sts: tracing.capture(new STSClient({})) }),
);

const verifyTask = async (event: unknown): Promise<VerifyOutput> => {
  logger.appendKeys(correlationKeys(event));
  return recordInvocation(
    metrics,
    METRIC.verifications,
    metadataOf(event, VERIFICATION_METADATA_FIELDS),
    () => verifyFunction(event, { clientsFor, hub, config, logger }),
    verificationOutcome,
  );
};

/** VerifyFunction task of statemachine/register-connector.asl.json. */
export const handler = middy(verifyTask).use([
  ...tracing.middlewares,
  injectLambdaContext(logger, { clearState: true }),
  // Flushes the invocation's metrics whether it succeeded or threw.
  logMetrics(metrics),
]);
