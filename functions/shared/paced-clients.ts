import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { instrumentAppflowClient, timedPacer } from './appflow-metrics.js';
import { type ClientFactory, createClientFactory } from './clients.js';
import type { HubConfig } from './config.js';
import type { Metrics } from './metrics.js';
import { createPacer } from './pacer.js';
import type { PacerConfig } from './pacer-config.js';
import type { Tracing } from './tracing.js';

/** What a function may add to its paced clients. */
export interface PacedClientOptions {
  /** The pacer's client of the idempotency table. */
  dynamodb?: DynamoDBClient;
  /** Reports AppFlowThrottlesAbsorbed and AppFlowPacerWait (functions/shared/metrics.ts). */
  metrics?: Metrics;
  /** Records every client's calls, the pacer's and STS's included, when tracing is on. */
  tracing?: Tracing;
}

/**
 * The client factory of a function that calls AppFlow: every AppFlow request of every client it
 * builds waits for its slot in the request budget of its account and Region, which all the
 * registrar's functions share through one item of the idempotency table (pacer.ts). With
 * appflowRequestsPerSecond 0 the clients are not paced.
 *
 * @example const clientsFor = createPacedClientFactory(loadHubConfig(), loadPacerConfig(), tableName, SPOKE_ACTIONS, { metrics, tracing });
 */
export function createPacedClientFactory(
  hub: HubConfig,
  pacing: PacerConfig,
  tableName: string,
  spokeActions: readonly string[],
  { dynamodb = new DynamoDBClient({}), metrics, tracing }: PacedClientOptions = {},
): ClientFactory {
  const pacer =
    pacing.appflowRequestsPerSecond > 0
      ? createPacer({
          dynamodb: tracing ? tracing.capture(dynamodb) : dynamodb,
          tableName,
          requestsPerSecond: pacing.appflowRequestsPerSecond,
          maxWaitMs: pacing.pacerMaxWaitMs,
        })
      : undefined;
  const pace = pacer && metrics ? timedPacer(pacer, metrics) : pacer;
  const factory = createClientFactory({
    ...hub,
    spokeActions,
    ...(tracing ? { sts: tracing.capture(new STSClient({})) } : {}),
    onAppflowClient: (client, target) => instrumentAppflowClient(client, target, { metrics, pace }),
  });
  return tracing ? tracing.captureClients(factory) : factory;
}
