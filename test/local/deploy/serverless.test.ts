import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Deployment, DeploymentConfigError, readDeployment } from '../../../local/deploy/serverless.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const HUB = '111111111111';
const ORGANIZATION = 'o-a1b2c3d4e5';

interface RuleFile {
  name: string;
  eventPattern: Record<string, unknown>;
  inputTransformer?: { InputPathsMap: Record<string, string>; InputTemplate: string };
}

const ruleFiles: RuleFile[] = readdirSync(`${ROOT}events/rules`)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(`${ROOT}events/rules/${file}`, 'utf8')) as RuleFile);

describe('readDeployment', () => {
  describe('the real serverless.yml', () => {
    let hub: Deployment;

    beforeAll(async () => {
      hub = await readDeployment({
        serverlessYml: `${ROOT}serverless.yml`,
        hubAccountId: HUB,
        region: 'eu-west-1',
        params: { organizationId: ORGANIZATION },
        env: {},
      });
    });

    it('names the stack and functions as serverless deploy does', () => {
      expect(hub.stackName).toBe(`${hub.service}-dev`);
      const names = hub.functions.map((fn) => fn.name).sort();
      expect(names).toEqual([`${hub.service}-dev-registerConnector`, `${hub.service}-dev-verifyFunction`]);
      for (const fn of hub.functions) {
        expect(fn.arn).toBe(`arn:aws:lambda:eu-west-1:${HUB}:function:${fn.name}`);
      }
    });

    it('points each function at the bundle npm run build writes for its handler', () => {
      const verify = hub.functions.find((fn) => fn.key === 'verifyFunction');
      expect(verify?.modulePath).toBe(`${ROOT}.build/verify-function/handler.mjs`);
      expect(verify?.exportName).toBe('handler');
    });

    it('resolves every environment variable to text, with CloudFormation values of this account', () => {
      for (const fn of hub.functions) {
        expect(fn.environment.HUB_ACCOUNT_ID).toBe(HUB);
        expect(fn.environment.PARTITION).toBe('aws');
        expect(fn.environment.POWERTOOLS_SERVICE_NAME).toBe(hub.service);
        for (const value of Object.values(fn.environment)) {
          expect(typeof value).toBe('string');
          expect(value).not.toMatch(/\$\{/);
        }
      }
      const register = hub.functions.find((fn) => fn.key === 'registerConnector');
      expect(register?.environment.IDEMPOTENCY_TABLE_NAME).toBe(hub.table.name);
    });

    it('substitutes the function ARNs and the bus name into the ASL file', () => {
      const asl = readFileSync(`${ROOT}statemachine/register-connector.asl.json`, 'utf8');
      expect(hub.stateMachine.definitionPath).toBe(`${ROOT}statemachine/register-connector.asl.json`);
      expect(hub.stateMachine.definitionString).not.toMatch(/\$\{/);
      const states = hub.stateMachine.definition.States as Record<string, { Resource?: string }>;
      const arnOf = (key: string) => hub.functions.find((fn) => fn.key === key)?.arn;
      expect(states.VerifyFunction?.Resource).toBe(arnOf('verifyFunction'));
      expect(states.RegisterConnector?.Resource).toBe(arnOf('registerConnector'));
      expect(hub.stateMachine.definitionString).toContain(`"EventBusName": "${hub.eventBus.name}"`);
      expect(Object.keys(JSON.parse(asl).States)).toEqual(Object.keys(states));
    });

    it('opens the hub bus to the organization given as a param', () => {
      expect(hub.eventBus.arn).toBe(`arn:aws:events:eu-west-1:${HUB}:event-bus/${hub.eventBus.name}`);
      expect(hub.eventBus.policy).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Principal: '*',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION } },
        }),
      ]);
    });

    it('reads the idempotency table with its key schema and TTL attribute', () => {
      expect(hub.table.keySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
      expect(hub.table.timeToLiveAttribute).toBe('expiration');
    });

    it('deploys each deploy-signal rule file on the hub bus and on the default bus, starting the workflow', () => {
      for (const file of ruleFiles.filter((rule) => rule.inputTransformer !== undefined)) {
        const deployed = hub.rules.filter(
          (rule) => JSON.stringify(rule.eventPattern) === JSON.stringify(file.eventPattern),
        );
        expect(deployed.map((rule) => rule.eventBusName).sort(), file.name).toEqual(
          ['default', hub.eventBus.name].sort(),
        );
        for (const rule of deployed) {
          expect(rule.targets).toEqual([
            expect.objectContaining({
              kind: 'states',
              arn: hub.stateMachine.arn,
              inputTransformer: file.inputTransformer,
            }),
          ]);
        }
      }
    });

    it('routes ConnectorRegistrationFailed on the hub bus to the alert topic', () => {
      const alert = ruleFiles.find((rule) => rule.inputTransformer === undefined);
      // Narrowed to the hub's own account on deploy: members must not forge alerts.
      const deployed = hub.rules.filter(
        (rule) =>
          JSON.stringify(rule.eventPattern) ===
          JSON.stringify({ ...alert?.eventPattern, account: [hub.accountId] }),
      );
      expect(deployed).toHaveLength(1);
      expect(deployed[0]?.eventBusName).toBe(hub.eventBus.name);
      expect(deployed[0]?.targets[0]?.kind).toBe('sns');
      expect(hub.topics.map((topic) => topic.arn)).toContain(deployed[0]?.targets[0]?.arn);
    });
  });

  describe('stage and Region options', () => {
    it('renames and re-homes every resource for another stage and Region', async () => {
      const prod = await readDeployment({
        serverlessYml: `${ROOT}serverless.yml`,
        hubAccountId: HUB,
        stage: 'prod',
        region: 'us-east-1',
        env: {},
      });
      expect(prod.stage).toBe('prod');
      expect(prod.eventBus.arn).toBe(`arn:aws:events:us-east-1:${HUB}:event-bus/${prod.service}-prod`);
      expect(prod.stateMachine.arn).toMatch(/^arn:aws:states:us-east-1:111111111111:stateMachine:.*-prod-/);
    });
  });

  describe('a service using every kind of value', () => {
    let fixture: Deployment;

    beforeAll(async () => {
      fixture = await readDeployment({
        serverlessYml: `${FIXTURES}minimal/serverless.yml`,
        hubAccountId: HUB,
        options: { extra: 'from-cli' },
        env: { FIXTURE_LOG_LEVEL: 'DEBUG' },
      });
    });

    it('resolves serverless variables: self, sls, param, opt, env and file', () => {
      const worker = fixture.functions.find((fn) => fn.key === 'worker');
      expect(worker?.environment).toMatchObject({
        OWNER: 'platform',
        LOG_LEVEL: 'DEBUG',
        GREETING: 'hello from a file',
        EXTRA_OPTION: 'from-cli',
      });
      expect(fixture.eventBus.name).toBe('fixture-svc-dev-bus');
    });

    it('resolves Ref, GetAtt, Sub, Join and If against the stack', () => {
      const env = fixture.functions.find((fn) => fn.key === 'worker')?.environment ?? {};
      expect(env.ACCOUNT).toBe(HUB);
      expect(env.TABLE_NAME).toBe(fixture.table.name);
      expect(env.TABLE_ARN).toBe(`arn:aws:dynamodb:us-east-1:${HUB}:table/${fixture.table.name}`);
      expect(env.TOPIC_ARN).toBe(fixture.topics[0]?.arn);
      expect(env.BUS_ARN).toBe(fixture.eventBus.arn);
      expect(env.QUEUE_URL).toBe(fixture.queues[0]?.url);
      expect(env.SELF_ARN).toBe(`arn:aws:lambda:us-east-1:${HUB}:function:fixture-svc-dev-worker`);
      expect(env.JOINED).toBe(`us-east-1,${fixture.topics[0]?.name},5`);
      expect(env.MODE).toBe('development');
    });

    it('applies provider defaults and function settings', () => {
      const [worker, helper] = fixture.functions;
      expect(worker).toMatchObject({
        timeoutSeconds: 10,
        memorySize: 512,
        reservedConcurrency: 2,
        exportName: 'main',
      });
      expect(worker?.roleArn).toBe(`arn:aws:iam::${HUB}:role/fixture-svc-dev-us-east-1-lambdaRole`);
      expect(helper).toMatchObject({
        name: 'fixture-svc-dev-helper-fn',
        memorySize: 1024,
        roleArn: 'arn:aws:iam::123456789012:role/existing',
      });
      expect(helper?.modulePath).toBe(`${FIXTURES}minimal/.build/helper/index.mjs`);
    });

    it('uses the stage params and leaves out resources whose condition is false', async () => {
      const prod = await readDeployment({
        serverlessYml: `${FIXTURES}minimal/serverless.yml`,
        hubAccountId: HUB,
        stage: 'prod',
        env: {},
      });
      const env = prod.functions[0]?.environment ?? {};
      expect(env.OWNER).toBe('prod-team');
      expect(env.MODE).toBe('production');
      expect(prod.topics).toHaveLength(2);
      expect(fixture.topics).toHaveLength(1);
    });

    it('reads rules on a bus named by ARN, with a JSON-text pattern and EventBridge retry defaults', () => {
      expect(fixture.rules).toEqual([
        expect.objectContaining({
          name: 'start-flow',
          eventBusName: 'fixture-svc-dev-bus',
          eventPattern: { source: ['fixture'] },
          targets: [
            expect.objectContaining({
              kind: 'states',
              arn: fixture.stateMachine.arn,
              input: '{"fixed": true}',
              retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 86_400 },
            }),
          ],
        }),
      ]);
    });

    it('reads the legacy bus policy form, the composite key schema and inline subscriptions', () => {
      expect(fixture.eventBus.policy).toEqual([
        expect.objectContaining({
          Sid: 'AllowAccount',
          Principal: { AWS: 'arn:aws:iam::222222222222:root' },
        }),
      ]);
      expect(fixture.table.keySchema.map((key) => key.KeyType)).toEqual(['HASH', 'RANGE']);
      expect(fixture.topics[0]?.subscriptions).toEqual([{ protocol: 'email', endpoint: 'ops@example.com' }]);
    });
  });

  describe('values that cannot be resolved', () => {
    it('names the key that refers to a resource the stack does not have', async () => {
      await expect(
        readDeployment({ serverlessYml: `${FIXTURES}broken/unknown-ref.yml`, hubAccountId: HUB, env: {} }),
      ).rejects.toThrow(/provider\.environment\.MISSING.*NoSuchTable/);
    });

    it('names the key whose variable has no value and no fallback', async () => {
      const failure = readDeployment({
        serverlessYml: `${FIXTURES}broken/missing-env.yml`,
        hubAccountId: HUB,
        env: {},
      });
      await expect(failure).rejects.toBeInstanceOf(DeploymentConfigError);
      await expect(failure).rejects.toThrow(/functions\.worker\.environment\.SECRET/);
    });

    it('names the placeholder the definition uses without a substitution', async () => {
      await expect(
        readDeployment({
          serverlessYml: `${FIXTURES}broken/missing-substitution.yml`,
          hubAccountId: HUB,
          env: {},
        }),
      ).rejects.toThrow(/\$\{WorkerArn\}.*FlowMachine/);
    });
  });
});
