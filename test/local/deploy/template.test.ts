import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Template } from '../../../local/deploy/cloudformation.js';
import { type DeployedStack, deployTemplate } from '../../../local/deploy/deploy.js';
import { TemplateError } from '../../../local/deploy/errors.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const ACCOUNT = '111111111111';
const template = JSON.parse(readFileSync(`${FIXTURES}every-value.json`, 'utf8')) as Template;

function deploy(parameters: Record<string, string> = { Owner: 'platform' }, changed: Partial<Template> = {}) {
  return deployTemplate(
    { ...template, ...changed },
    {
      stackName: 'fixture',
      accountId: ACCOUNT,
      region: 'us-east-1',
      parameters,
      codeDir: `${FIXTURES}package`,
    },
  );
}

describe('deployTemplate', () => {
  describe('a template using every kind of value', () => {
    const stack: DeployedStack = deploy();
    const worker = stack.functions[0];

    it('resolves Ref, GetAtt, Sub, Join, Select and If against the stack and its parameters', () => {
      expect(worker?.name).toBe('fixture-dev-worker');
      expect(worker?.environment).toEqual({
        ACCOUNT,
        OWNER: 'platform',
        TABLE_NAME: stack.tables[0]?.name,
        TABLE_ARN: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${stack.tables[0]?.name}`,
        TOPIC_ARN: stack.topics[0]?.arn,
        BUS_ARN: stack.eventBuses[0]?.arn,
        QUEUE_URL: stack.queues[0]?.url,
        JOINED: `us-east-1,${stack.topics[0]?.name},5`,
        SECOND_ACCOUNT: '333333333333',
        MODE: 'development',
      });
    });

    it('runs the function from its zip in the package, with its settings', () => {
      expect(worker).toMatchObject({
        modulePath: `${FIXTURES}package/code/worker.zip/functions/worker/handler.mjs`,
        exportName: 'main',
        codeZip: `${FIXTURES}package/worker.zip`,
        timeoutSeconds: 10,
        memorySize: 512,
        reservedConcurrency: 2,
        roleArn: stack.roles[0]?.arn,
      });
    });

    it('creates the role with its trust policy and the statements of its inline policies', () => {
      expect(stack.roles).toEqual([
        expect.objectContaining({
          accountId: ACCOUNT,
          trustPolicy: [expect.objectContaining({ Principal: { Service: 'lambda.amazonaws.com' } })],
          policies: [expect.objectContaining({ Action: 'dynamodb:GetItem', Resource: stack.tables[0]?.arn })],
        }),
      ]);
      // A generated name: <stack>-<LogicalId>-<suffix>, at most 64 characters.
      expect(stack.roles[0]?.name).toMatch(/^fixture-WorkerRole-[0-9A-F]{12}$/);
    });

    it('applies DefinitionSubstitutions to the state machine definition', () => {
      expect(stack.stateMachines[0]?.definition).toEqual({
        StartAt: 'Work',
        States: { Work: { Type: 'Task', Resource: worker?.arn, End: true } },
      });
    });

    it('reads rules on a bus named by ARN, with a JSON-text pattern and EventBridge retry defaults', () => {
      expect(stack.rules).toEqual([
        expect.objectContaining({
          name: 'start-flow',
          eventBusName: 'fixture-dev-bus',
          eventPattern: { source: ['fixture'] },
          targets: [
            expect.objectContaining({
              kind: 'states',
              arn: stack.stateMachines[0]?.arn,
              input: '{"fixed": true}',
              retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 86_400 },
            }),
          ],
        }),
      ]);
    });

    it('reads the legacy bus policy form, the composite key schema and inline subscriptions', () => {
      expect(stack.eventBuses[0]?.policy).toEqual([
        expect.objectContaining({
          Sid: 'AllowAccount',
          Principal: { AWS: 'arn:aws:iam::222222222222:root' },
        }),
      ]);
      expect(stack.tables[0]?.keySchema.map((key) => key.KeyType)).toEqual(['HASH', 'RANGE']);
      expect(stack.topics[0]?.subscriptions).toEqual([{ protocol: 'email', endpoint: 'ops@example.com' }]);
    });

    it('resolves the outputs whose condition holds, and lists every resource with its physical id', () => {
      expect(stack.outputs).toEqual({ BusArn: { value: stack.eventBuses[0]?.arn, description: 'The bus.' } });
      expect(stack.resources).toContainEqual({
        logicalId: 'Logs',
        type: 'AWS::Logs::LogGroup',
        physicalId: expect.stringMatching(/^fixture-Logs-/),
      });
      expect(stack.resources.map((resource) => resource.logicalId)).not.toContain('ProdOnlyTopic');
    });

    it('keeps the parameter values, defaults included, lists split on commas', () => {
      expect(stack.parameters).toEqual({
        Stage: 'dev',
        Owner: 'platform',
        Threshold: '5',
        Accounts: ['222222222222', '333333333333'],
      });
    });
  });

  describe('parameters and conditions', () => {
    it('creates what a condition adds when a parameter makes it true', () => {
      const prod = deploy({ Owner: 'platform', Stage: 'prod' });
      expect(prod.topics).toHaveLength(2);
      expect(prod.functions[0]?.environment.MODE).toBe('production');
      expect(Object.keys(prod.outputs)).toEqual(['BusArn', 'ProdTopic']);
    });

    it('refuses what CloudFormation refuses before it creates anything', () => {
      expect(() => deploy({})).toThrow('Parameters: [Owner] must have values');
      expect(() => deploy({ Owner: 'Not Allowed' })).toThrow(
        "Parameter 'Owner' must match pattern ^[a-z-]+$",
      );
      expect(() => deploy({ Owner: 'x', Stage: 'test' })).toThrow(
        "Parameter 'Stage' must be one of AllowedValues: dev, prod",
      );
      expect(() => deploy({ Owner: 'x', Unknown: 'y' })).toThrow(
        'Parameters: [Unknown] do not exist in the template',
      );
    });
  });

  describe('templates it cannot deploy', () => {
    it('names a reference to a resource the template does not have', () => {
      const broken = structuredClone(template) as unknown as {
        Resources: { Worker: { Properties: { Environment: { Variables: Record<string, unknown> } } } };
      } & Template;
      broken.Resources.Worker.Properties.Environment.Variables.MISSING = { Ref: 'NoSuchTable' };
      expect(() => deploy(undefined, broken)).toThrow(TemplateError);
      expect(() => deploy(undefined, broken)).toThrow(/Environment\.Variables\.MISSING.*NoSuchTable/);
    });

    it('names the placeholder a definition uses without a substitution', () => {
      const broken = structuredClone(template);
      (broken.Resources.Flow?.Properties as Record<string, unknown>).DefinitionSubstitutions = {};
      expect(() => deploy(undefined, broken)).toThrow(/\$\{WorkerArn\}.*DefinitionSubstitutions/);
    });

    it('refuses a resource type the local stack does not model, naming it', () => {
      const broken = structuredClone(template);
      broken.Resources.Cluster = { Type: 'AWS::ECS::Cluster' };
      expect(() => deploy(undefined, broken)).toThrow(
        'fixture: the local stack cannot create Cluster (AWS::ECS::Cluster)',
      );
    });

    it('refuses a handler that names no module of the zip', () => {
      const broken = structuredClone(template);
      (broken.Resources.Worker?.Properties as Record<string, unknown>).Handler =
        'functions/other/handler.main';
      expect(() => deploy(undefined, broken)).toThrow(/names no module in worker\.zip/);
    });
  });
});
