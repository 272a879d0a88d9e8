import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Template } from '../../../local/deploy/cloudformation.js';
import { deployTemplate } from '../../../local/deploy/deploy.js';
import { parseTemplateYaml } from '../../../local/deploy/yaml.js';
import { type AwsServer, startAwsServer } from '../../../local/http/server.js';
import { RoleRegistry } from '../../../local/iam/roles.js';
import { LocalIdentityRegistry } from '../../../local/identity.js';
import { createStsService, type StsService } from '../../../local/services/sts.js';
import { SPOKE_TEMPLATE } from '../../../local/stack.js';

const HUB = '111111111111';
const ORGANIZATION = 'o-a1b2c3d4e5';
const REGISTRAR_ROLE = `arn:aws:iam::${HUB}:role/registrar-register`;
const SPOKE_ROLE = 'arn:aws:iam::222222222222:role/AppFlowConnectorRegistrar';

/** The spoke template deployed in each account with the README's parameters and the fixture's overrides. */
const spokes = JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures/spokes.json'), 'utf8')) as {
  accountId: string;
  parameters: Record<string, string>;
}[];
const roles = new RoleRegistry((accountId) => (accountId === '999999999999' ? undefined : ORGANIZATION));
const spokeTemplate = parseTemplateYaml(readFileSync(SPOKE_TEMPLATE, 'utf8')) as Template;
for (const { accountId, parameters } of spokes) {
  const stack = deployTemplate(spokeTemplate, {
    stackName: 'spoke',
    accountId,
    region: 'eu-west-1',
    parameters: {
      HubAccountId: HUB,
      HubEventBusArn: `arn:aws:events:eu-west-1:${HUB}:event-bus/hub`,
      HubFunctionRoleArns: REGISTRAR_ROLE,
      OrganizationId: ORGANIZATION,
      ...parameters,
    },
  });
  for (const role of stack.roles) roles.add(role);
}

let clock = Date.parse('2026-11-27T08:00:00Z');
const identity = new LocalIdentityRegistry(HUB, { now: () => clock });
const sts: StsService = createStsService({ identity, roles, now: () => clock });
let server: AwsServer;

beforeAll(async () => {
  server = await startAwsServer({ services: [sts], identity, port: 0 });
});
afterAll(() => server.close());
afterEach(() => {
  sts.assumeRoleLog.length = 0;
});

function client(credentials: {
  accessKeyId: string;
  secretAccessKey?: string;
  sessionToken?: string;
}): STSClient {
  return new STSClient({
    endpoint: server.endpoint,
    region: 'eu-west-1',
    credentials: { secretAccessKey: 'local', ...credentials },
    maxAttempts: 1,
  });
}

/** Credentials of the hub's register function, as the runtime issues them to its environment. */
function registrarCredentials(environmentId = 'env-7') {
  const issued = identity.issue({
    accountId: HUB,
    principalArn: `arn:aws:sts::${HUB}:assumed-role/registrar-register/registrar-register`,
    roleArn: REGISTRAR_ROLE,
    environmentId,
  });
  return {
    accessKeyId: issued.accessKeyId,
    secretAccessKey: issued.secretAccessKey,
    sessionToken: issued.sessionToken,
  };
}

async function refusal(
  credentials: { accessKeyId: string },
  input: AssumeRoleCommandInput,
): Promise<STSServiceException> {
  const error = await client(credentials)
    .send(new AssumeRoleCommand(input))
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(STSServiceException);
  return error as STSServiceException;
}

describe('STS', () => {
  describe('GetCallerIdentity', () => {
    it('names the account administrator of a 12-digit key', async () => {
      const answer = await client({ accessKeyId: '222222222222' }).send(new GetCallerIdentityCommand({}));

      expect(answer).toMatchObject({
        Account: '222222222222',
        Arn: 'arn:aws:iam::222222222222:root',
        UserId: '222222222222',
      });
    });

    it('names the assumed-role session of issued credentials', async () => {
      const answer = await client(registrarCredentials()).send(new GetCallerIdentityCommand({}));

      expect(answer.Account).toBe(HUB);
      expect(answer.Arn).toBe(`arn:aws:sts::${HUB}:assumed-role/registrar-register/registrar-register`);
      expect(answer.UserId).toMatch(/^AROA[A-Z2-7]{17}:registrar-register$/);
    });

    it('refuses an action it does not emulate with InvalidAction', async () => {
      const error = await client({ accessKeyId: HUB })
        .send(new GetSessionTokenCommand({}))
        .catch((e: unknown) => e);

      expect(error).toMatchObject({
        name: 'InvalidAction',
        message: 'Could not find operation GetSessionToken for version 2011-06-15',
      });
    });
  });

  describe('AssumeRole into a spoke role', () => {
    it('issues credentials of the assumed role, carrying the caller environment over', async () => {
      const answer = await client(registrarCredentials('env-42')).send(
        new AssumeRoleCommand({
          RoleArn: SPOKE_ROLE,
          RoleSessionName: 'registrar-exec-1',
          DurationSeconds: 900,
        }),
      );

      expect(answer.AssumedRoleUser?.Arn).toBe(
        'arn:aws:sts::222222222222:assumed-role/AppFlowConnectorRegistrar/registrar-exec-1',
      );
      expect(answer.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:registrar-exec-1$/);
      expect(answer.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
      expect(answer.Credentials?.Expiration?.toISOString()).toBe('2026-11-27T08:15:00.000Z');
      expect(identity.resolve(answer.Credentials?.AccessKeyId ?? '')).toEqual({
        accountId: '222222222222',
        principalArn: 'arn:aws:sts::222222222222:assumed-role/AppFlowConnectorRegistrar/registrar-exec-1',
        roleArn: SPOKE_ROLE,
        environmentId: 'env-42',
      });
      expect(sts.assumeRoleLog).toEqual([
        expect.objectContaining({
          roleArn: SPOKE_ROLE,
          callerAccountId: HUB,
          allowed: true,
          accessKeyId: answer.Credentials?.AccessKeyId,
        }),
      ]);
    });

    it('lets the issued credentials act in the spoke account', async () => {
      const { Credentials } = await client(registrarCredentials()).send(
        new AssumeRoleCommand({ RoleArn: SPOKE_ROLE, RoleSessionName: 'registrar-exec-2' }),
      );
      const spoke = client({
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretAccessKey ?? '',
        sessionToken: Credentials?.SessionToken ?? '',
      });

      await expect(spoke.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({
        Account: '222222222222',
      });
    });

    it('answers AccessDenied 403 with AWS message for a role that does not exist', async () => {
      const roleArn = 'arn:aws:iam::222222222222:role/NoSuchRole';
      const error = await refusal(registrarCredentials(), { RoleArn: roleArn, RoleSessionName: 's1' });

      expect(error.name).toBe('AccessDenied');
      expect(error.$metadata.httpStatusCode).toBe(403);
      expect(error.message).toBe(
        `User: arn:aws:sts::${HUB}:assumed-role/registrar-register/registrar-register is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
      expect(sts.assumeRoleLog[0]).toMatchObject({
        allowed: false,
        reason: 'no role NoSuchRole in account 222222222222',
      });
    });

    it('refuses a principal the role does not trust', async () => {
      const error = await refusal({ accessKeyId: HUB }, { RoleArn: SPOKE_ROLE, RoleSessionName: 's1' });

      expect(error.name).toBe('AccessDenied');
      expect(sts.assumeRoleLog[0]?.reason).toBe(
        `the trust policy of ${SPOKE_ROLE} refuses arn:aws:iam::${HUB}:root: aws:PrincipalArn does not satisfy ArnEquals`,
      );
    });

    it('trusts only the hub function roles the spoke was deployed with', async () => {
      const error = await refusal(registrarCredentials(), {
        RoleArn: 'arn:aws:iam::444444444444:role/AppFlowConnectorRegistrar',
        RoleSessionName: 's1',
      });

      expect(error.name).toBe('AccessDenied');
      expect(sts.assumeRoleLog[0]?.reason).toContain('aws:PrincipalArn does not satisfy ArnEquals');
    });

    it('refuses a caller whose account is outside the organization, even when trusted', async () => {
      const error = await refusal(
        { accessKeyId: '999999999999' },
        { RoleArn: 'arn:aws:iam::555555555555:role/AppFlowConnectorRegistrar', RoleSessionName: 's1' },
      );

      expect(error.name).toBe('AccessDenied');
      expect(sts.assumeRoleLog[0]?.reason).toContain(
        'aws:PrincipalOrgID is not in the request (StringEquals)',
      );
    });

    it('requires the ExternalId a role names, and only that one', async () => {
      const roleArn = 'arn:aws:iam::333333333333:role/AppFlowConnectorRegistrar';

      expect((await refusal(registrarCredentials(), { RoleArn: roleArn, RoleSessionName: 's1' })).name).toBe(
        'AccessDenied',
      );
      expect(
        (
          await refusal(registrarCredentials(), {
            RoleArn: roleArn,
            RoleSessionName: 's1',
            ExternalId: 'other-id',
          })
        ).name,
      ).toBe('AccessDenied');
      await expect(
        client(registrarCredentials()).send(
          new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 's1', ExternalId: 'landing-zone-1' }),
        ),
      ).resolves.toMatchObject({
        AssumedRoleUser: { Arn: 'arn:aws:sts::333333333333:assumed-role/AppFlowConnectorRegistrar/s1' },
      });
      expect(sts.assumeRoleLog.map((entry) => entry.reason?.replace(/^.*: /, ''))).toEqual([
        'sts:ExternalId is not in the request (StringEquals)',
        'sts:ExternalId does not satisfy StringEquals',
        undefined,
      ]);
    });
  });

  describe('AssumeRole validation', () => {
    it('refuses session names outside 2–64 characters of [\\w+=,.@-]', async () => {
      const short = await refusal(registrarCredentials(), { RoleArn: SPOKE_ROLE, RoleSessionName: 'a' });
      const bad = await refusal(registrarCredentials(), {
        RoleArn: SPOKE_ROLE,
        RoleSessionName: 'has space',
      });

      expect(short).toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
      expect(short.message).toBe(
        "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
      );
      expect(bad.message).toBe(
        "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      );
      expect(sts.assumeRoleLog).toHaveLength(0);
    });

    it('refuses DurationSeconds outside 900–43200, counting every problem', async () => {
      const low = await refusal(registrarCredentials(), {
        RoleArn: SPOKE_ROLE,
        RoleSessionName: 'x'.repeat(65),
        DurationSeconds: 899,
      });
      const high = await refusal(registrarCredentials(), {
        RoleArn: SPOKE_ROLE,
        RoleSessionName: 's1',
        DurationSeconds: 43201,
      });

      expect(low.message).toMatch(
        /^2 validation errors detected: .*roleSessionName.*; Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900$/,
      );
      expect(high.message).toContain('Member must have value less than or equal to 43200');
    });

    it("refuses a duration over the role's MaxSessionDuration (one hour)", async () => {
      const error = await refusal(registrarCredentials(), {
        RoleArn: SPOKE_ROLE,
        RoleSessionName: 's1',
        DurationSeconds: 7200,
      });

      expect(error).toMatchObject({
        name: 'ValidationError',
        message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      });
    });

    it('refuses an ARN that is not a role ARN', async () => {
      const error = await refusal(registrarCredentials(), {
        RoleArn: 'arn:aws:s3:::a-bucket-name-here',
        RoleSessionName: 's1',
      });

      expect(error).toMatchObject({
        name: 'ValidationError',
        message: 'arn:aws:s3:::a-bucket-name-here is invalid',
      });
    });
  });

  describe('issued credentials', () => {
    it('expire: the SDK raises ExpiredTokenException after DurationSeconds', async () => {
      const { Credentials } = await client(registrarCredentials()).send(
        new AssumeRoleCommand({ RoleArn: SPOKE_ROLE, RoleSessionName: 's1', DurationSeconds: 900 }),
      );
      clock += 900_000;
      const spoke = client({
        accessKeyId: Credentials?.AccessKeyId ?? '',
        sessionToken: Credentials?.SessionToken ?? '',
      });

      await expect(spoke.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
        name: 'ExpiredTokenException',
      });
    });
  });
});
