import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppflowClient, RegisterConnectorCommand } from '@aws-sdk/client-appflow';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { instrumentAppflowClient, timedPacer } from '../../../functions/shared/appflow-metrics.js';
import { AppFlowRequestBudgetBusyError } from '../../../functions/shared/errors.js';
import { createMetrics, type Metrics } from '../../../functions/shared/metrics.js';
import { captureEmf, enableMetrics } from '../emf.js';

const scope = { accountId: '444455556666', region: 'eu-west-1' };
const CONNECTOR_ARN = 'arn:aws:appflow:eu-west-1:444455556666:connector/x';

const THROTTLED = { status: 429, type: 'ThrottlingException' };
const FAILED = { status: 500, type: 'InternalServerException' };

/** A tiny AppFlow: answers the first requests with `failures` (a number: that many throttles), then registers. */
async function appflowThrottling(
  failures: number | { status: number; type: string }[],
): Promise<{ server: Server; endpoint: string; answered: () => number }> {
  const script = typeof failures === 'number' ? Array.from({ length: failures }, () => THROTTLED) : failures;
  let answered = 0;
  const server = createServer((_request, response) => {
    const failure = script[answered];
    answered += 1;
    if (failure) {
      response.writeHead(failure.status, {
        'content-type': 'application/json',
        'x-amzn-errortype': failure.type,
      });
      response.end(JSON.stringify({ message: failure.type }));
    } else {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ connectorArn: CONNECTOR_ARN }));
    }
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    server,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answered: () => answered,
  };
}

const register = new RegisterConnectorCommand({
  connectorLabel: 'x',
  connectorProvisioningType: 'LAMBDA',
  connectorProvisioningConfig: { lambda: { lambdaArn: 'arn:aws:lambda:eu-west-1:444455556666:function:x' } },
});

let metrics: Metrics;
let closers: (() => void)[] = [];

beforeEach(() => {
  enableMetrics();
  metrics = createMetrics({ POWERTOOLS_METRICS_NAMESPACE: 'ns', POWERTOOLS_SERVICE_NAME: 'svc' });
});

afterEach(() => {
  for (const close of closers) close();
  closers = [];
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

async function clientAgainst(failures: Parameters<typeof appflowThrottling>[0], maxAttempts: number) {
  const appflow = await appflowThrottling(failures);
  const client = new AppflowClient({
    region: 'eu-west-1',
    endpoint: appflow.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts,
  });
  closers.push(
    () => client.destroy(),
    () => appflow.server.close(),
  );
  return { client, answered: appflow.answered };
}

describe('instrumentAppflowClient', () => {
  describe('throttles the SDK absorbed', () => {
    it('counts a throttled request the SDK sent again and that then succeeded', async () => {
      const emf = captureEmf();
      const { client, answered } = await clientAgainst(1, 3);
      instrumentAppflowClient(client, scope, { metrics, pace: undefined });

      const { connectorArn } = await client.send(register);

      expect(connectorArn).toBe(CONNECTOR_ARN);
      expect(answered()).toBe(2);
      expect(emf.metrics()).toEqual([
        expect.objectContaining({
          name: 'AppFlowThrottlesAbsorbed',
          unit: 'Count',
          value: 1,
          dimensionSets: [['service']],
          metadata: { accountId: '444455556666', region: 'eu-west-1', command: 'RegisterConnectorCommand' },
        }),
      ]);
    });

    it('counts each absorbed throttle once, when another retryable error came between', async () => {
      const emf = captureEmf();
      const { client, answered } = await clientAgainst([THROTTLED, FAILED], 3);
      instrumentAppflowClient(client, scope, { metrics, pace: undefined });

      await client.send(register);

      expect(answered()).toBe(3);
      expect(emf.metrics().map((metric) => [metric.name, metric.value])).toEqual([
        ['AppFlowThrottlesAbsorbed', 1],
      ]);
    });

    it('does not count the throttle the SDK gave up on: the invocation fails with it', async () => {
      const emf = captureEmf();
      const { client, answered } = await clientAgainst(5, 2);
      instrumentAppflowClient(client, scope, { metrics, pace: undefined });

      const error = await client.send(register).catch((e: unknown) => e as Error);

      expect((error as Error).name).toBe('ThrottlingException');
      expect(answered()).toBe(2);
      expect(emf.metrics().map((metric) => [metric.name, metric.value])).toEqual([
        ['AppFlowThrottlesAbsorbed', 1],
      ]);
    });

    it('does not count a retry the pacer refused a slot', async () => {
      const emf = captureEmf();
      const { client, answered } = await clientAgainst(1, 3);
      const pace = vi
        .fn(async () => undefined)
        .mockResolvedValueOnce(undefined)
        .mockRejectedValueOnce(new AppFlowRequestBudgetBusyError('booked'));
      instrumentAppflowClient(client, scope, { metrics, pace });

      const error = await client.send(register).catch((e: unknown) => e as Error);

      expect((error as Error).name).toBe('AppFlowRequestBudgetBusyError');
      expect(answered()).toBe(1);
      expect(pace).toHaveBeenCalledTimes(2);
      expect(emf.metrics()).toEqual([]);
    });

    it('paces every attempt, the retry of a throttled request included', async () => {
      captureEmf();
      const { client } = await clientAgainst(1, 3);
      const pace = vi.fn(async () => undefined);
      instrumentAppflowClient(client, scope, { metrics, pace });

      await client.send(register);

      expect(pace).toHaveBeenCalledTimes(2);
      expect(pace).toHaveBeenCalledWith(scope);
    });
  });
});

describe('timedPacer', () => {
  describe('each request', () => {
    it('reports how long it waited for its slot, with the budget’s account and Region', async () => {
      const emf = captureEmf();
      let clock = 1_000;
      const pace = vi.fn(async () => {
        clock += 350;
      });

      await timedPacer(pace, metrics, () => clock)(scope);

      expect(pace).toHaveBeenCalledWith(scope);
      expect(emf.metrics()).toEqual([
        expect.objectContaining({
          name: 'AppFlowPacerWait',
          unit: 'Milliseconds',
          value: 350,
          dimensionSets: [['service']],
          metadata: { accountId: '444455556666', region: 'eu-west-1' },
        }),
      ]);
    });

    it('reports no wait for a request refused a slot, and rethrows the refusal', async () => {
      const emf = captureEmf();
      const refusal = new AppFlowRequestBudgetBusyError('booked');

      await expect(timedPacer(async () => Promise.reject(refusal), metrics)(scope)).rejects.toBe(refusal);
      expect(emf.metrics()).toEqual([]);
    });
  });
});
