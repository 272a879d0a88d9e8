import { AppflowClient } from '@aws-sdk/client-appflow';
import { GetFunctionCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RemovalOutput } from '../../../functions/shared/types.js';
import { answerConnectors, fixture, HUB, identity } from './helpers.js';

const lambdaMock = mockClient(LambdaClient);
const appflowMock = mockClient(AppflowClient);
let handler: (event: unknown, context: unknown) => Promise<RemovalOutput>;

/** A fixture moved into the hub account, where the handler reads with its own credentials. */
const inHub = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll('222222222222', HUB)) as T;

beforeAll(async () => {
  vi.stubEnv('HUB_ACCOUNT_ID', HUB);
  vi.stubEnv('SPOKE_ROLE_NAME', identity.spokeRoleName);
  vi.stubEnv('REGISTRAR_ROLE_NAME', identity.registrarRoleName);
  vi.stubEnv('IDEMPOTENCY_TABLE_NAME', 'registrar-idempotency');
  vi.stubEnv('APPFLOW_REQUESTS_PER_SECOND', '0');
  ({ handler } = (await import('../../../functions/verify-removal/handler.js')) as unknown as {
    handler: typeof handler;
  });
});

afterEach(() => {
  lambdaMock.reset();
  appflowMock.reset();
});

afterAll(() => vi.unstubAllEnvs());

describe('verify-removal handler', () => {
  it('counts a registration of the hub’s RegisterConnector role (REGISTRAR_ROLE_NAME) as the registrar’s', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    const registrarSession = `arn:aws:sts::${HUB}:assumed-role/${identity.registrarRoleName}/registerConnector`;
    const connectors = inHub(
      fixture<{ connectors: Record<string, unknown>[] }>('list-connectors.json'),
    ).connectors.map((connector) => ({
      ...connector,
      registeredAt: new Date(),
      registeredBy: registrarSession,
    }));
    const configurations = inHub(
      fixture<Record<string, Record<string, unknown>>>('describe-connectors.json'),
    );
    for (const configuration of Object.values(configurations)) configuration.registeredBy = registrarSession;
    answerConnectors(appflowMock, { connectors, configurations });

    const answer = await handler(inHub(fixture('input-delete-function.json')), {});
    expect(answer).toMatchObject({
      unregister: true,
      reason: 'deleted',
      registrations: [{ connectorLabel: 'acme-orders' }, { connectorLabel: 'acme-orders-by-hand' }],
    });
  });
});
