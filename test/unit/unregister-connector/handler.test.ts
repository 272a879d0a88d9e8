import {
  AppflowClient,
  DescribeConnectorCommand,
  DescribeConnectorProfilesCommand,
  ListFlowsCommand,
  UnregisterConnectorCommand,
} from '@aws-sdk/client-appflow';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../../functions/shared/logger.js';
import type { UnregisterInput, UnregisterOutput } from '../../../functions/shared/types.js';
import { UNREGISTER_IDEMPOTENCY_TTL_SECONDS } from '../../../functions/unregister-connector/idempotency.js';
import { loadUnregisterAsl } from '../../support/asl.js';
import {
  clearTable,
  createIdempotencyTable,
  type RunningDynalite,
  scanItems,
  startDynalite,
} from '../register-connector/dynalite.js';
import { lambdaContext } from '../register-connector/helpers.js';
import { describeAnswer, unregisterInput } from './helpers.js';

const TABLE = 'registrar-idempotency';
const HUB = '111111111111';
const REGISTER_ROLE = 'appflow-connector-registrar-dev-eu-west-1-register';
const appflowMock = mockClient(AppflowClient);

/** The fixtures moved into the hub account, where the handler acts with its own credentials. */
const hubInput = (overrides: Partial<UnregisterInput> = {}): UnregisterInput =>
  JSON.parse(JSON.stringify(unregisterInput(overrides)).replaceAll('222222222222', HUB)) as UnregisterInput;
const hubRegistration = (registeredAt?: string) =>
  describeAnswer({
    lambdaArn: hubInput().lambdaArn,
    registeredBy: `arn:aws:sts::${HUB}:assumed-role/${REGISTER_ROLE}/registrar-dev-registerConnector`,
    ...(registeredAt ? { registeredAt } : {}),
  });

type Handler = (event: unknown, context: Context) => Promise<UnregisterOutput>;
let handler: Handler;
let db: RunningDynalite;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  db = await startDynalite();
  vi.stubEnv('IDEMPOTENCY_TABLE_NAME', TABLE);
  vi.stubEnv('HUB_ACCOUNT_ID', HUB);
  vi.stubEnv('SPOKE_ROLE_NAME', 'AppFlowConnectorRegistrar');
  vi.stubEnv('REGISTRAR_ROLE_NAME', REGISTER_ROLE);
  vi.stubEnv('APPFLOW_REQUESTS_PER_SECOND', '0');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'registrar-dev-unregisterConnector');
  dynamodb = new DynamoDBClient({ endpoint: db.endpoint, region: 'eu-west-1' });
  await createIdempotencyTable(dynamodb, TABLE);
  ({ handler } = (await import('../../../functions/unregister-connector/handler.js')) as {
    handler: Handler;
  });
});

beforeEach(() => {
  appflowMock.on(DescribeConnectorCommand).resolves(hubRegistration());
  appflowMock.on(DescribeConnectorProfilesCommand).resolves({ connectorProfileDetails: [] });
  appflowMock.on(ListFlowsCommand).resolves({ flows: [] });
  appflowMock.on(UnregisterConnectorCommand).resolves({});
});

afterEach(async () => {
  appflowMock.reset();
  logger.setLogLevel('SILENT');
  await clearTable(dynamodb, TABLE);
});

afterAll(async () => {
  dynamodb.destroy();
  await db.close();
  vi.unstubAllEnvs();
});

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the handler succeeded');
}

describe('unregister-connector handler', () => {
  describe('idempotency', () => {
    it('calls UnregisterConnector once for the same registration twice and answers both alike', async () => {
      const first = await handler(hubInput(), lambdaContext());
      // The announcement failed and the state machine retries: the stored result is replayed.
      const second = await handler(hubInput(), lambdaContext());

      expect(first).toMatchObject({ connectorLabel: 'acme-orders', reason: 'deleted', forced: false });
      expect(second).toEqual(first);
      expect(appflowMock).toHaveReceivedCommandTimes(UnregisterConnectorCommand, 1);
      const [record] = await scanItems(dynamodb, TABLE);
      expect(record).toMatchObject({ status: 'COMPLETED' });
      expect(String(record?.id)).toMatch(/^registrar-dev-unregisterConnector#/);
    });

    it('unregisters again a label registered again since (another registeredAt is another key)', async () => {
      await handler(hubInput(), lambdaContext());
      appflowMock.on(DescribeConnectorCommand).resolves(hubRegistration('2026-11-29T10:00:00.000Z'));

      await handler(hubInput({ registeredAt: '2026-11-29T10:00:00.000Z' }), lambdaContext());
      expect(appflowMock).toHaveReceivedCommandTimes(UnregisterConnectorCommand, 2);
    });

    it('keeps the record as long as an execution may run', async () => {
      const before = Date.now() / 1000;
      await handler(hubInput(), lambdaContext());

      const [record] = await scanItems(dynamodb, TABLE);
      expect(UNREGISTER_IDEMPOTENCY_TTL_SECONDS).toBeGreaterThanOrEqual(
        loadUnregisterAsl().TimeoutSeconds ?? 0,
      );
      expect(Number(record?.expiration)).toBeGreaterThanOrEqual(
        Math.floor(before + UNREGISTER_IDEMPOTENCY_TTL_SECONDS),
      );
    });

    it('stores no result for a failure, so the next attempt tries again', async () => {
      appflowMock.on(DescribeConnectorProfilesCommand).resolves({
        connectorProfileDetails: [{ connectorProfileName: 'in-use', connectorLabel: 'acme-orders' }],
      });
      expect((await rejectionOf(handler(hubInput(), lambdaContext()))).name).toBe('ConnectorInUseError');

      appflowMock.on(DescribeConnectorProfilesCommand).resolves({ connectorProfileDetails: [] });
      await expect(handler(hubInput(), lambdaContext())).resolves.toMatchObject({
        connectorLabel: 'acme-orders',
      });
      expect(appflowMock).toHaveReceivedCommandTimes(UnregisterConnectorCommand, 1);
    });
  });

  describe('the registrar in the hub account', () => {
    it('is the hub’s RegisterConnector role (REGISTRAR_ROLE_NAME): a person’s registration is left alone', async () => {
      appflowMock.on(DescribeConnectorCommand).resolves(
        describeAnswer({
          lambdaArn: hubInput().lambdaArn,
          registeredBy: `arn:aws:sts::${HUB}:assumed-role/admin/jane`,
        }),
      );

      expect((await rejectionOf(handler(hubInput(), lambdaContext()))).name).toBe('RegistrationChangedError');
      expect(appflowMock).not.toHaveReceivedCommand(UnregisterConnectorCommand);
    });
  });

  it('refuses an invalid input before any AWS call', async () => {
    const error = await rejectionOf(handler({ ...hubInput(), reason: 'vanished' }, lambdaContext()));

    expect(error.name).toBe('InvalidInputError');
    expect(appflowMock.calls()).toEqual([]);
  });
});
