import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import middy from '@middy/core';
import type { AccountClientConfig } from '../shared/clients.js';
import { logger } from '../shared/logger.js';
import { loadRegistrationReader } from '../shared/paced-reader.js';
import { readTaskInput } from '../shared/read-task-input.js';
import { parseSweepInput } from './input.js';
import { SPOKE_ACTIONS } from './spoke-actions.js';
import { type SweepOutput, sweepAccount } from './sweep.js';

// The sweep's AppFlow reads take slots of the same request budget as registrations.
const { hub, identity, clientsFor } = loadRegistrationReader(SPOKE_ACTIONS);
// One tag query a sweep: a client per invocation costs nothing next to it, and the other functions
// sharing the client factory need not load the tagging SDK.
const taggingClient = (config: AccountClientConfig) => new ResourceGroupsTaggingAPIClient(config);

/** ClassifyAccount task of statemachine/sweep-connectors.asl.json. */
export const handler = middy(async (event: unknown): Promise<SweepOutput> => {
  const input = readTaskInput(event, logger, parseSweepInput);
  logger.appendKeys({ accountId: input.accountId, region: input.region });
  return sweepAccount(input, { clientsFor, taggingClient, hub, identity, logger });
}).use(injectLambdaContext(logger, { clearState: true }));
