import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { loadHubConfig } from '../../../functions/shared/config.js';
import { createMetrics } from '../../../functions/shared/metrics.js';
import { createPacedClientFactory } from '../../../functions/shared/paced-clients.js';
import type { Tracing } from '../../../functions/shared/tracing.js';

const hub = loadHubConfig({ HUB_ACCOUNT_ID: '111111111111', SPOKE_ROLE_NAME: 'AppFlowConnectorRegistrar' });
const target = {
  accountId: '444455556666',
  region: 'eu-west-1',
  executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:sm:1',
};
const middlewareNames = (client: { middlewareStack: { identify: () => string[] } }) =>
  client.middlewareStack.identify().map((entry) => entry.split(' ')[0]);

/** A Tracing that records what it was asked to capture. */
function recordingTracing(): { tracing: Tracing; captured: unknown[] } {
  const captured: unknown[] = [];
  const tracing: Tracing = {
    tracer: undefined,
    middlewares: [],
    capture: (client) => {
      captured.push(client);
      return client;
    },
    captureClients: (factory) => (t) => {
      const clients = factory(t);
      captured.push(clients.lambda, clients.appflow);
      return clients;
    },
  };
  return { tracing, captured };
}

describe('createPacedClientFactory', () => {
  describe('with the function’s metrics', () => {
    it('counts absorbed throttles and paces every AppFlow client, in that order after the retries', () => {
      const clientsFor = createPacedClientFactory(
        hub,
        { appflowRequestsPerSecond: 5, pacerMaxWaitMs: 20_000 },
        'table',
        [],
        { metrics: createMetrics({}) },
      );

      const names = middlewareNames(clientsFor(target).appflow);

      const retry = names.indexOf('retryMiddleware');
      expect(names.slice(retry, retry + 3)).toEqual([
        'retryMiddleware',
        'appflowPacer',
        'appflowThrottlesAbsorbed',
      ]);
    });

    it('neither counts nor paces without metrics and with pacing off', () => {
      const clientsFor = createPacedClientFactory(
        hub,
        { appflowRequestsPerSecond: 0, pacerMaxWaitMs: 0 },
        'table',
        [],
      );

      const names = middlewareNames(clientsFor(target).appflow);

      expect(names).not.toContain('appflowPacer');
      expect(names).not.toContain('appflowThrottlesAbsorbed');
    });
  });

  describe('with tracing', () => {
    it('captures the pacer’s DynamoDB client, the STS client and each account’s clients', () => {
      const { tracing, captured } = recordingTracing();
      const dynamodb = new DynamoDBClient({ region: 'eu-west-1' });

      const clients = createPacedClientFactory(
        hub,
        { appflowRequestsPerSecond: 5, pacerMaxWaitMs: 20_000 },
        'table',
        [],
        { dynamodb, tracing },
      )(target);

      expect(captured).toHaveLength(4);
      expect(captured[0]).toBe(dynamodb);
      expect(captured[1]).toBeInstanceOf(STSClient);
      expect(captured.slice(2)).toEqual([clients.lambda, clients.appflow]);
    });
  });
});
