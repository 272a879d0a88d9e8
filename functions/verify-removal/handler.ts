import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../shared/logger.js';
import { loadRegistrationReader } from '../shared/paced-reader.js';
import type { RemovalOutput } from '../shared/types.js';
import { correlationKeys } from '../shared/workflow-input.js';
import { SPOKE_ACTIONS } from './spoke-actions.js';
import { verifyRemoval } from './verify.js';

const { hub, identity, clientsFor } = loadRegistrationReader(SPOKE_ACTIONS);

/** VerifyRemoval task of statemachine/unregister-connector.asl.json. */
export const handler = middy(async (event: unknown): Promise<RemovalOutput> => {
  logger.appendKeys(correlationKeys(event));
  return verifyRemoval(event, { clientsFor, hub, identity, logger });
}).use(injectLambdaContext(logger, { clearState: true }));
