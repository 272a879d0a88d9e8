import { GetFunctionCommand, GetPolicyCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VerifyOutput } from '../../../functions/shared/types.js';
import { captureEmf, enableMetrics } from '../emf.js';
import { CONNECTOR_ARN, fixture, getFunctionOutput, getPolicyOutput, HUB, invokeOutput } from './helpers.js';

const lambdaMock = mockClient(LambdaClient);
const stsMock = mockClient(STSClient);

type Handler = (event: unknown, context: Context) => Promise<VerifyOutput>;
let handler: Handler;
let logger: typeof import('../../../functions/shared/logger.js')['logger'];

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'appflow-connector-registrar-verify-function',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-west-1:${HUB}:function:appflow-connector-registrar-verify-function`,
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  logGroupName: '/aws/lambda/appflow-connector-registrar-verify-function',
  logStreamName: '2026/11/27/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

beforeAll(async () => {
  vi.stubEnv('HUB_ACCOUNT_ID', HUB);
  vi.stubEnv('SPOKE_ROLE_NAME', 'AppFlowConnectorRegistrar');
  vi.stubEnv('PROBE_TIMEOUT_MS', '50');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'appflow-connector-registrar-test');
  enableMetrics();
  // The handler reads its environment once, at import.
  ({ handler } = (await import('../../../functions/verify-function/handler.js')) as unknown as {
    handler: Handler;
  });
  ({ logger } = await import('../../../functions/shared/logger.js'));
});

afterAll(() => {
  vi.unstubAllEnvs();
});

let emf: ReturnType<typeof captureEmf>;

beforeEach(() => {
  // Every invocation prints its metrics; collected here, read by the tests that check them.
  emf = captureEmf();
});

afterEach(() => {
  lambdaMock.reset();
  stsMock.reset();
  vi.restoreAllMocks();
});

/** STS hands out credentials of the spoke role. */
function spokeRoleAssumable(): void {
  stsMock.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIAEXAMPLEKEY',
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(Date.now() + 3_600_000),
    },
  });
}

function healthyConnector(getFunctionFixture: string, policyFixture = 'policy-appflow.json'): void {
  lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput(getFunctionFixture));
  lambdaMock.on(GetPolicyCommand).resolves(getPolicyOutput(policyFixture));
  lambdaMock.on(InvokeCommand).resolves(invokeOutput({ fixture: 'describe-answer.json' }));
}

describe('verify-function handler', () => {
  describe('wires the logic to Lambda', () => {
    it('answers the VerifiedConnector of a function in the hub account, without assuming a role', async () => {
      healthyConnector('get-function-hub.json', 'policy-appflow-hub.json');
      const result = await handler(fixture('input-hub-account.json'), context);
      expect(result).toMatchObject({
        optedIn: true,
        connectorLabel: 'hub-connector',
        lambdaArn: 'arn:aws:lambda:eu-west-1:111111111111:function:hub-connector',
        lastModified: '2026-11-27T08:00:00.000Z',
      });
      expect(stsMock.calls()).toHaveLength(0);
    });

    it('adds the execution and function ARNs, then the label, to the log keys', async () => {
      healthyConnector('get-function-tagged.json');
      const appendKeys = vi.spyOn(logger, 'appendKeys');
      const event = fixture<{ executionArn: string; functionArn: string }>('input-cloudtrail.json');
      await handler(event, context);
      expect(appendKeys).toHaveBeenNthCalledWith(1, {
        executionArn: event.executionArn,
        functionArn: event.functionArn,
      });
      expect(appendKeys).toHaveBeenCalledWith({ connectorLabel: 'acme-orders' });
    });

    it('reads PROBE_TIMEOUT_MS from the environment', async () => {
      healthyConnector('get-function-tagged.json');
      lambdaMock.on(InvokeCommand).callsFake(() => new Promise(() => {}));
      await expect(handler(fixture('input-cloudtrail.json'), context)).rejects.toMatchObject({
        name: 'ConnectorProtocolError',
        message: expect.stringContaining('within 0.05 s'),
      });
    });
  });

  describe('acts in a member account through its spoke role', () => {
    it('assumes arn:aws:iam::222222222222:role/AppFlowConnectorRegistrar for an event of that account', async () => {
      spokeRoleAssumable();
      healthyConnector('get-function-tagged.json');
      let seen: { accessKeyId: string; region: string } | undefined;
      // Resolve credentials and Region as the real client does before signing a request.
      lambdaMock.on(GetFunctionCommand).callsFake(async (_input, getClient) => {
        const client = getClient() as LambdaClient;
        const credentials = await client.config.credentials();
        seen = { accessKeyId: credentials.accessKeyId, region: await client.config.region() };
        return getFunctionOutput('get-function-tagged.json');
      });
      const event = fixture<{ executionArn: string }>('input-cloudtrail.json');

      await expect(handler(event, context)).resolves.toMatchObject({ lambdaArn: CONNECTOR_ARN });

      expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
        RoleArn: 'arn:aws:iam::222222222222:role/AppFlowConnectorRegistrar',
        RoleSessionName: 'registrar-6f0c1c5e-0b53-4b8e-9f3e-2d1c7a4e9b10',
      });
      expect(seen).toEqual({ accessKeyId: 'ASIAEXAMPLEKEY', region: 'eu-west-1' });
    });

    it("makes no AWS call at all for an event naming another account's function", async () => {
      healthyConnector('get-function-tagged.json');
      await expect(handler(fixture('input-foreign-function.json'), context)).rejects.toMatchObject({
        name: 'AccountMismatchError',
      });
      expect(lambdaMock.calls()).toHaveLength(0);
      expect(stsMock.calls()).toHaveLength(0);
    });
  });

  describe('metrics', () => {
    const eventMetadata = (event: Record<string, unknown>) => ({
      executionArn: event.executionArn,
      accountId: event.accountId,
      region: event.region,
      functionArn: event.functionArn,
    });

    it('counts a verified connector, its label and ARNs as metadata only', async () => {
      spokeRoleAssumable();
      healthyConnector('get-function-tagged.json');
      const event = fixture('input-cloudtrail.json');

      await handler(event, context);

      expect(emf.metrics()).toEqual([
        {
          namespace: 'appflow-connector-registrar-test',
          name: 'Verifications',
          unit: 'Count',
          value: 1,
          dimensionSets: [['service', 'Outcome']],
          dimensions: { service: 'appflow-connector-registrar', Outcome: 'verified' },
          metadata: { ...eventMetadata(event), lambdaArn: CONNECTOR_ARN, connectorLabel: 'acme-orders' },
        },
      ]);
    });

    it('counts a function that has not opted in as skipped', async () => {
      spokeRoleAssumable();
      healthyConnector('get-function-untagged.json');

      await handler(fixture('input-cloudtrail.json'), context);

      expect(emf.metrics()).toEqual([
        expect.objectContaining({
          name: 'Verifications',
          dimensions: expect.objectContaining({ Outcome: 'skipped' }),
        }),
      ]);
    });

    it('counts a refusal as failed, and the failure under its error name', async () => {
      healthyConnector('get-function-tagged.json');
      const event = fixture('input-foreign-function.json');

      await expect(handler(event, context)).rejects.toMatchObject({ name: 'AccountMismatchError' });

      expect(emf.metrics()).toEqual([
        expect.objectContaining({
          name: 'Failures',
          dimensions: { service: 'appflow-connector-registrar', ErrorName: 'AccountMismatchError' },
          metadata: { ...eventMetadata(event), error: 'AccountMismatchError' },
        }),
        expect.objectContaining({
          name: 'Verifications',
          dimensions: { service: 'appflow-connector-registrar', Outcome: 'failed' },
          metadata: eventMetadata(event),
        }),
      ]);
    });

    it('counts a function still being deployed under FunctionNotReadyError, each attempt once', async () => {
      spokeRoleAssumable();
      healthyConnector('get-function-pending.json');

      await expect(handler(fixture('input-cloudtrail.json'), context)).rejects.toMatchObject({
        name: 'FunctionNotReadyError',
      });

      expect(emf.metrics().filter((metric) => metric.name === 'Failures')).toEqual([
        expect.objectContaining({
          value: 1,
          dimensions: expect.objectContaining({ ErrorName: 'FunctionNotReadyError' }),
        }),
      ]);
    });
  });
});
