import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createClientFactory } from '../shared/clients.js';
import { loadHubConfig } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import type { VerifyOutput } from '../shared/types.js';
import { correlationKeys } from '../shared/workflow-input.js';
import { loadVerifyConfig } from './config.js';
import { SPOKE_ACTIONS } from './spoke-actions.js';
import { verifyFunction } from './verify.js';

const hub = loadHubConfig();
const config = loadVerifyConfig();
// Module scope: clients and spoke credentials are reused across warm invocations.
const clientsFor = createClientFactory({ ...hub, spokeActions: SPOKE_ACTIONS });

/** VerifyFunction task of statemachine/register-connector.asl.json. */
export const handler = middy(async (event: unknown): Promise<VerifyOutput> => {
  logger.appendKeys(correlationKeys(event));
  return verifyFunction(event, { clientsFor, hub, config, logger });
}).use(injectLambdaContext(logger, { clearState: true }));
