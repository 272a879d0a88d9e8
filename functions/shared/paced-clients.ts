import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ClientFactory, createClientFactory } from './clients.js';
import type { HubConfig } from './config.js';
import { addPacing, createPacer } from './pacer.js';
import type { PacerConfig } from './pacer-config.js';

/**
 * The client factory of a function that calls AppFlow: every AppFlow request of every client it
 * builds waits for its slot in the request budget of its account and Region, which all the
 * registrar's functions share through one item of the idempotency table (pacer.ts). With
 * appflowRequestsPerSecond 0 the clients are not paced.
 *
 * @example const clientsFor = createPacedClientFactory(loadHubConfig(), loadPacerConfig(), tableName, SPOKE_ACTIONS);
 */
export function createPacedClientFactory(
  hub: HubConfig,
  pacing: PacerConfig,
  tableName: string,
  spokeActions: readonly string[],
  dynamodb: DynamoDBClient = new DynamoDBClient({}),
): ClientFactory {
  const pace =
    pacing.appflowRequestsPerSecond > 0
      ? createPacer({
          dynamodb,
          tableName,
          requestsPerSecond: pacing.appflowRequestsPerSecond,
          maxWaitMs: pacing.pacerMaxWaitMs,
        })
      : undefined;
  return createClientFactory({
    ...hub,
    spokeActions,
    onAppflowClient: (client, target) => {
      if (pace) addPacing(client, pace, target);
    },
  });
}
