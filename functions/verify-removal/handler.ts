import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loadHubConfig } from '../shared/config.js';
import { requireEnv } from '../shared/env.js';
import { logger } from '../shared/logger.js';
import { createPacedClientFactory } from '../shared/paced-clients.js';
import { loadPacerConfig } from '../shared/pacer-config.js';
import { loadRegistrarRoleName } from '../shared/registrar-principal.js';
import type { RemovalOutput } from '../shared/types.js';
import { correlationKeys } from '../shared/workflow-input.js';
import { SPOKE_ACTIONS } from './spoke-actions.js';
import { verifyRemoval } from './verify.js';

const hub = loadHubConfig();
const identity = { ...hub, registrarRoleName: loadRegistrarRoleName() };
// Module scope: clients and spoke credentials are reused across warm invocations. Its AppFlow reads
// take slots of the same request budget as every other AppFlow call of the registrar.
const clientsFor = createPacedClientFactory(
  hub,
  loadPacerConfig(),
  requireEnv('IDEMPOTENCY_TABLE_NAME'),
  SPOKE_ACTIONS,
);

/** VerifyRemoval task of statemachine/unregister-connector.asl.json. */
export const handler = middy(async (event: unknown): Promise<RemovalOutput> => {
  logger.appendKeys(correlationKeys(event));
  return verifyRemoval(event, { clientsFor, hub, identity, logger });
}).use(injectLambdaContext(logger, { clearState: true }));
