import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RegisterOutput } from '../../../functions/shared/types.js';
import { captureEmf, enableMetrics } from '../emf.js';
import { createIdempotencyTable, type RunningDynalite, startDynalite } from './dynalite.js';
import { lambdaContext, registerInput, stubHandlerEnvironment } from './helpers.js';

// The handler as deployed, its AppFlow client real (not mocked): the SDK's retries, the throttle
// counter and the pacer all run, against a tiny AppFlow on loopback and dynalite.
const TABLE = 'registrar-idempotency';
const CONNECTOR_ARN = 'arn:aws:appflow:eu-west-1:111111111111:connector/healthy-connector';

type Handler = (event: unknown, context: Context) => Promise<RegisterOutput>;
let handler: Handler;
let db: RunningDynalite;
let appflow: Server;
/** How many of the next RegisterConnector requests AppFlow throttles. */
let throttleNext = 0;
let requests = 0;

beforeAll(async () => {
  db = await startDynalite();
  appflow = createServer((_request, response) => {
    requests += 1;
    if (throttleNext > 0) {
      throttleNext -= 1;
      response.writeHead(429, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'ThrottlingException',
      });
      response.end('{"message":"Rate exceeded"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ connectorArn: CONNECTOR_ARN }));
  });
  await new Promise<void>((ready) => appflow.listen(0, '127.0.0.1', ready));

  stubHandlerEnvironment(TABLE, db.endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_APPFLOW', `http://127.0.0.1:${(appflow.address() as AddressInfo).port}`);
  vi.stubEnv('APPFLOW_REQUESTS_PER_SECOND', '5');
  enableMetrics();
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const dynamodb = new DynamoDBClient({ endpoint: db.endpoint, region: 'eu-west-1' });
  await createIdempotencyTable(dynamodb, TABLE);
  dynamodb.destroy();
  ({ handler } = (await import('../../../functions/register-connector/handler.js')) as { handler: Handler });
});

afterEach(() => {
  throttleNext = 0;
  requests = 0;
  vi.restoreAllMocks();
});

afterAll(async () => {
  appflow.close();
  await db.close();
  vi.unstubAllEnvs();
});

describe('register-connector handler against a throttling AppFlow', () => {
  describe('metrics', () => {
    it('counts the throttle the SDK absorbed and each request’s pacer wait beside the registration', async () => {
      const emf = captureEmf();
      throttleNext = 1;
      const event = registerInput();

      const output = await handler(event, lambdaContext());

      expect(output).toMatchObject({ action: 'registered', connectorArn: CONNECTOR_ARN });
      expect(requests).toBe(2);
      const metrics = emf.metrics();
      expect(metrics.filter((metric) => metric.name === 'AppFlowThrottlesAbsorbed')).toEqual([
        expect.objectContaining({
          value: 1,
          dimensions: { service: 'appflow-connector-registrar' },
          metadata: { accountId: event.accountId, region: event.region, command: 'RegisterConnectorCommand' },
        }),
      ]);
      const waits = metrics.filter((metric) => metric.name === 'AppFlowPacerWait');
      expect(waits).toHaveLength(2);
      for (const wait of waits) {
        expect(wait).toMatchObject({
          unit: 'Milliseconds',
          dimensions: { service: 'appflow-connector-registrar' },
        });
        expect(wait.value).toBeGreaterThanOrEqual(0);
      }
      expect(metrics.filter((metric) => metric.name === 'Registrations')).toEqual([
        expect.objectContaining({
          dimensions: expect.objectContaining({ Outcome: 'succeeded', Action: 'registered' }),
        }),
      ]);
    });

    it('counts the throttles absorbed before the SDK gave up, and the last one as the failure', async () => {
      const emf = captureEmf();
      throttleNext = 10;

      await expect(
        handler(
          registerInput({ codeSha256: 'BBBBgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' }),
          lambdaContext(),
        ),
      ).rejects.toMatchObject({ name: 'ThrottlingException' });

      const metrics = emf.metrics();
      // The SDK's default: 3 attempts, so 2 retries absorbed a throttle and the third surfaced.
      expect(requests).toBe(3);
      expect(metrics.filter((metric) => metric.name === 'AppFlowThrottlesAbsorbed')).toHaveLength(2);
      expect(metrics.filter((metric) => metric.name === 'AppFlowPacerWait')).toHaveLength(3);
      expect(metrics.find((metric) => metric.name === 'Failures')?.dimensions.ErrorName).toBe(
        'ThrottlingException',
      );
      expect(metrics.find((metric) => metric.name === 'Registrations')?.dimensions.Outcome).toBe('failed');
    });
  });
});
