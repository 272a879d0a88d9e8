import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClientFactory, sessionNameFor, sessionPolicyOf } from '../../../functions/shared/clients.js';
import { SpokeRoleAccessDeniedError, SpokeRoleUnavailableError } from '../../../functions/shared/errors.js';

const sts = mockClient(STSClient);
const hub = {
  hubAccountId: '111111111111',
  spokeRoleName: 'AppFlowConnectorRegistrar',
  spokeExternalId: undefined,
  partition: 'aws',
  spokeActions: ['lambda:GetFunction', 'appflow:DescribeConnector'],
};
const executionArn = 'arn:aws:states:eu-west-1:111111111111:execution:registrar:run-1';

function answerCredentials(expiresInMs: number, now: () => number = Date.now) {
  sts.on(AssumeRoleCommand).callsFake(async (input: { RoleArn: string }) => ({
    Credentials: {
      AccessKeyId: `ASIA${input.RoleArn.split(':')[4]}`,
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(now() + expiresInMs),
    },
  }));
}

afterEach(() => {
  sts.reset();
});

describe('createClientFactory', () => {
  describe('in the hub account', () => {
    it('uses the function’s own credentials and assumes no role', async () => {
      const clientsFor = createClientFactory({ ...hub, sts: new STSClient({}) });
      const { appflow } = clientsFor({ accountId: '111111111111', region: 'eu-west-1', executionArn });
      expect(await appflow.config.region()).toBe('eu-west-1');
      expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
    });
  });

  describe('in a member account', () => {
    it('assumes the spoke role with a session named after the execution and the ExternalId', async () => {
      answerCredentials(3_600_000);
      const clientsFor = createClientFactory({
        ...hub,
        spokeExternalId: 'shared-secret',
        sts: new STSClient({}),
      });
      const { lambda } = clientsFor({ accountId: '222222222222', region: 'eu-west-1', executionArn });
      const credentials = await lambda.config.credentials();
      expect(credentials.accessKeyId).toBe('ASIA222222222222');
      expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
        RoleArn: 'arn:aws:iam::222222222222:role/AppFlowConnectorRegistrar',
        RoleSessionName: 'registrar-run-1',
        ExternalId: 'shared-secret',
      });
    });

    it('narrows the session to the function’s own actions with a session policy', async () => {
      answerCredentials(3_600_000);
      const clientsFor = createClientFactory({ ...hub, sts: new STSClient({}) });
      await clientsFor({
        accountId: '222222222222',
        region: 'eu-west-1',
        executionArn,
      }).lambda.config.credentials();
      const sent = sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input;
      expect(JSON.parse(sent?.Policy ?? '{}')).toEqual({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['appflow:DescribeConnector', 'lambda:GetFunction'], Resource: '*' },
        ],
      });
      expect(sent?.Policy).toBe(sessionPolicyOf(hub.spokeActions));
    });

    it('assumes once per account, for the clients of every Region, until shortly before expiry', async () => {
      // Real time: the SDK also checks the expiration against the wall clock.
      let now = Date.now();
      answerCredentials(3_600_000, () => now);
      const clientsFor = createClientFactory({ ...hub, sts: new STSClient({}), now: () => now });
      const west = clientsFor({ accountId: '222222222222', region: 'eu-west-1', executionArn });
      const east = clientsFor({ accountId: '222222222222', region: 'us-east-1', executionArn });
      await west.appflow.config.credentials();
      await east.lambda.config.credentials();
      expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);

      now += 3_600_000 - 60_000; // inside the five-minute refresh margin
      await west.appflow.config.credentials({ forceRefresh: true });
      expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
    });

    it('never shares a client between two accounts', () => {
      answerCredentials(3_600_000);
      const clientsFor = createClientFactory({ ...hub, sts: new STSClient({}) });
      const a = clientsFor({ accountId: '222222222222', region: 'eu-west-1', executionArn });
      const b = clientsFor({ accountId: '333333333333', region: 'eu-west-1', executionArn });
      expect(a.appflow).not.toBe(b.appflow);
      expect(clientsFor({ accountId: '222222222222', region: 'eu-west-1', executionArn }).appflow).toBe(
        a.appflow,
      );
    });

    it('turns a refused AssumeRole into SpokeRoleAccessDeniedError that says what to deploy', async () => {
      sts.on(AssumeRoleCommand).rejects(
        Object.assign(new Error('not authorized to perform sts:AssumeRole'), {
          name: 'AccessDenied',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
        }),
      );
      const clientsFor = createClientFactory({ ...hub, sts: new STSClient({}) });
      const { appflow } = clientsFor({ accountId: '444444444444', region: 'eu-west-1', executionArn });
      const error = await appflow.config.credentials().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SpokeRoleAccessDeniedError);
      expect((error as Error).message).toContain('arn:aws:iam::444444444444:role/AppFlowConnectorRegistrar');
      expect((error as Error).message).toContain('spoke/');
    });
  });

  describe('when STS does not answer', () => {
    it.each([
      ['throttled', { name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 } }],
      ['failing', { name: 'InternalFailure', $fault: 'server', $metadata: { httpStatusCode: 500 } }],
      ['unreachable', { name: 'TimeoutError' }],
    ])(
      'raises the retryable SpokeRoleUnavailableError when STS is %s, not an alert',
      async (_what, shape) => {
        sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('Rate exceeded'), shape));
        const clientsFor = createClientFactory({ ...hub, sts: new STSClient({}) });
        const { appflow } = clientsFor({ accountId: '444444444444', region: 'eu-west-1', executionArn });
        const error = await appflow.config.credentials().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SpokeRoleUnavailableError);
        expect((error as SpokeRoleUnavailableError).retryable).toBe(true);
      },
    );
  });

  describe('hooks', () => {
    it('hands each new AppFlow client to onAppflowClient once, with its target', () => {
      const onAppflowClient = vi.fn();
      const clientsFor = createClientFactory({ ...hub, sts: new STSClient({}), onAppflowClient });
      const target = { accountId: '111111111111', region: 'eu-west-1', executionArn };
      const { appflow } = clientsFor(target);
      clientsFor(target);
      expect(onAppflowClient).toHaveBeenCalledTimes(1);
      expect(onAppflowClient).toHaveBeenCalledWith(appflow, target);
    });
  });
});

describe('sessionNameFor', () => {
  it('keeps STS’s 64 characters and allowed characters', () => {
    const name = sessionNameFor(`arn:aws:states:eu-west-1:1:execution:sm:${'x'.repeat(80)}#?`);
    expect(name).toHaveLength(64);
    expect(name).toMatch(/^[\w+=,.@-]+$/);
  });
});
