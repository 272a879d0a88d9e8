import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, posix } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REGISTRAR_SOURCE, SWEEP_SCHEDULE_RULE_NAME } from '../../functions/shared/event-types.js';
import {
  DIMENSION,
  METRIC,
  REGISTRATION_ACTIONS,
  REGISTRATION_OUTCOMES,
  VERIFICATION_OUTCOMES,
} from '../../functions/shared/metrics.js';
import { importHandler, relativeImports, unpack, zipFiles } from './bundles.js';
import { parseCfnYaml } from './cfn-yaml.js';
import { dashboardBody, graphedMetrics, resolveSub, type Widget } from './dashboard.js';
import { type PackagedHub, packageHub, ROOT } from './package-hub.js';
import { sdkActionsOfHandler, sdkActionsUsed } from './sdk-actions.js';
import {
  actionsOf,
  deploySignalFiles,
  pascalCase,
  policyStatements,
  type Resource,
  resource,
  resourcesOfType,
  ruleFiles,
  type Statement,
  type Template,
  wildcardGrants,
} from './template.js';

const STAGE = 'dev';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string.
const SPOKE_ROLES = 'arn:${AWS::Partition}:iam::*:role/AppFlowConnectorRegistrar';
const SERVICE = 'appflow-connector-registrar';

let hub: PackagedHub;
let template: Template;

/** The hub's functions: logical ID prefix, serverless.yml key, handler directory. */
const FUNCTIONS = [
  { id: 'VerifyFunction', key: 'verifyFunction', dir: 'verify-function' },
  { id: 'RegisterConnector', key: 'registerConnector', dir: 'register-connector' },
  { id: 'VerifyRemoval', key: 'verifyRemoval', dir: 'verify-removal' },
  { id: 'UnregisterConnector', key: 'unregisterConnector', dir: 'unregister-connector' },
  { id: 'ClassifyAccount', key: 'classifyAccount', dir: 'classify-account' },
] as const;

/** The two workflows: logical ID, ASL file, the tasks they invoke, the role rules start them with. */
const MACHINES = [
  {
    id: 'RegisterConnectorStateMachine',
    file: 'register-connector',
    tasks: { VerifyFunctionArn: 'VerifyFunction', RegisterConnectorFunctionArn: 'RegisterConnector' },
    ruleRole: 'DeploySignalRuleRole',
    alarm: 'ExecutionsFailedAlarm',
  },
  {
    id: 'UnregisterConnectorStateMachine',
    file: 'unregister-connector',
    tasks: {
      VerifyRemovalFunctionArn: 'VerifyRemoval',
      UnregisterConnectorFunctionArn: 'UnregisterConnector',
    },
    ruleRole: 'RemovalSignalRuleRole',
    alarm: 'UnregistrationExecutionsFailedAlarm',
  },
] as const;

// Packaging bundles the functions with esbuild and runs osls: seconds to a minute on a busy machine.
beforeAll(async () => {
  hub = await packageHub();
  template = hub.template;
}, 300_000);

const getAtt = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const statementsOf = (role: Resource): Statement[] =>
  role.Properties.Policies.flatMap(
    (policy: { PolicyDocument: { Statement: Statement[] } }) => policy.PolicyDocument.Statement,
  );
const statementGranting = (role: Resource, action: string): Statement | undefined =>
  statementsOf(role).find((statement) => actionsOf(statement).includes(action));
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

describe('hub template (serverless package)', () => {
  describe('service configuration', () => {
    it('rejects invalid configuration (configValidationMode: error)', () => {
      const config = parseCfnYaml(readFileSync(`${ROOT}serverless.yml`, 'utf8')) as Record<string, unknown>;

      expect(config.configValidationMode).toBe('error');
    });

    it('validates the ASL with the local plugin, which leaves the definition as written', () => {
      const config = parseCfnYaml(readFileSync(`${ROOT}serverless.yml`, 'utf8')) as {
        plugins: string[];
        stepFunctions: { validate: boolean };
      };

      expect(config.plugins).toContain('./scripts/serverless-validate-asl.cjs');
      expect(config.stepFunctions.validate).toBe(false);
    });

    it('runs every function on nodejs22.x, arm64', () => {
      const functions = resourcesOfType(template, 'AWS::Lambda::Function');

      // The functions that act in member accounts, the outcome recorder (test/template/outcomes.test.ts)
      // and the alert gate (test/template/alert-gate.test.ts).
      expect(functions.map(([id]) => id).sort()).toEqual(
        [
          ...FUNCTIONS.map(({ id }) => `${id}LambdaFunction`),
          'RecordOutcomeLambdaFunction',
          'AlertGateLambdaFunction',
        ].sort(),
      );
      for (const [, fn] of functions) {
        expect(fn.Properties.Runtime).toBe('nodejs22.x');
        expect(fn.Properties.Architectures).toEqual(['arm64']);
      }
    });

    it('ships in each zip only its own handler folder, every chunk a module imports in the same zip', () => {
      for (const [id, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
        const handler: string = fn.Properties.Handler;
        const folder = posix.dirname(handler);
        const files = zipFiles(join(hub.outputDir, basename(fn.Properties.Code.S3Key)));
        const decoder = new TextDecoder();

        expect(
          [...files.keys()].filter((path) => posix.dirname(path) !== folder),
          id,
        ).toEqual([]);
        for (const [path, bytes] of files) {
          const { static: loaded, dynamic } = relativeImports(decoder.decode(bytes));
          for (const chunk of [...loaded, ...dynamic]) {
            expect(files.has(posix.join(folder, chunk)), `${id}: ${path} imports ${chunk}`).toBe(true);
          }
        }
      }
    });

    it('ships each handler as an ESM entry the handler setting finds', () => {
      for (const { id, key, dir } of FUNCTIONS) {
        const handler: string = resource(template, `${id}LambdaFunction`, 'AWS::Lambda::Function').Properties
          .Handler;
        const bundle = `${handler.slice(0, handler.lastIndexOf('.'))}.mjs`;
        const zip = readFileSync(`${hub.outputDir}${key}.zip`);
        expect(handler).toBe(`functions/${dir}/handler.handler`);
        expect(zip.includes(Buffer.from(bundle)), `${key}.zip holds ${bundle}`).toBe(true);
      }
    });

    it('gives each function the environment its handler reads', () => {
      const common = {
        HUB_ACCOUNT_ID: { Ref: 'AWS::AccountId' },
        PARTITION: { Ref: 'AWS::Partition' },
        SPOKE_ROLE_NAME: 'AppFlowConnectorRegistrar',
        SPOKE_EXTERNAL_ID: '',
        ALLOWED_ACCOUNT_IDS: '',
        SERVED_REGIONS: '',
        POWERTOOLS_SERVICE_NAME: SERVICE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: `${SERVICE}-${STAGE}`,
        POWERTOOLS_TRACE_ENABLED: 'false',
      };
      const verify = resource(template, 'VerifyFunctionLambdaFunction', 'AWS::Lambda::Function');
      const register = resource(template, 'RegisterConnectorLambdaFunction', 'AWS::Lambda::Function');
      const verifyRemoval = resource(template, 'VerifyRemovalLambdaFunction', 'AWS::Lambda::Function');
      const unregister = resource(template, 'UnregisterConnectorLambdaFunction', 'AWS::Lambda::Function');
      const table = resource(template, 'IdempotencyTable', 'AWS::DynamoDB::Table');
      const pacing = {
        IDEMPOTENCY_TABLE_NAME: table.Properties.TableName,
        APPFLOW_REQUESTS_PER_SECOND: '5',
        APPFLOW_PACER_MAX_WAIT_MS: '20000',
      };

      expect(verify.Properties.Environment.Variables).toEqual({
        ...common,
        PROBE_TIMEOUT_MS: '10000',
        // Off unless the hub opts into the threat the README describes.
        ALLOW_UNTAGGED_PIPELINE_HINTS: 'false',
      });
      expect(register.Properties.Environment.Variables).toEqual({ ...common, ...pacing });
      // Whose registrations of the hub account are the registrar's: RegisterConnector's role.
      const registrar = { REGISTRAR_ROLE_NAME: { Ref: 'RegisterConnectorRole' } };
      expect(verifyRemoval.Properties.Environment.Variables).toEqual({ ...common, ...pacing, ...registrar });
      expect(unregister.Properties.Environment.Variables).toEqual({
        ...common,
        ...pacing,
        ...registrar,
        // Alert, never force, unless the hub says so.
        UNREGISTER_IN_USE: 'alert',
      });
    });
  });

  describe.each(MACHINES)('state machine $id', ({ id, file, tasks }) => {
    const aslText = readFileSync(`${ROOT}statemachine/${file}.asl.json`, 'utf8');
    const machine = () => resource(template, id, 'AWS::StepFunctions::StateMachine');

    it('is a Standard workflow named after the stage', () => {
      expect(machine().Properties.StateMachineType).toBe('STANDARD');
      expect(machine().Properties.StateMachineName).toBe(`${SERVICE}-${STAGE}-${file}`);
    });

    it(`carries statemachine/${file}.asl.json unchanged, with a substitution for each placeholder`, () => {
      const { DefinitionString, DefinitionSubstitutions } = machine().Properties;
      const placeholders = new Set([...aslText.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));
      // What CloudFormation does with DefinitionSubstitutions, values rendered as readable tokens.
      const substitute = (text: string) =>
        text.replace(/\$\{(\w+)\}/g, (_, key: string) =>
          JSON.stringify(DefinitionSubstitutions[key]).replace(/"/g, "'"),
        );

      expect(typeof DefinitionString).toBe('string');
      // Nothing added on the way (asl-validator would add QueryLanguage to every state).
      expect(JSON.parse(DefinitionString)).toStrictEqual(JSON.parse(aslText));
      expect(Object.keys(DefinitionSubstitutions).sort()).toEqual([...placeholders].sort());
      expect(substitute(DefinitionString)).not.toMatch(/\$\{/);
      expect(JSON.parse(substitute(DefinitionString))).toStrictEqual(JSON.parse(substitute(aslText)));
    });

    it('points every substitution at a resource of this template', () => {
      const substitutions = machine().Properties.DefinitionSubstitutions;
      const bus = resource(template, 'HubEventBus', 'AWS::Events::EventBus');

      for (const [placeholder, task] of Object.entries(tasks)) {
        expect(substitutions[placeholder], placeholder).toEqual(getAtt(`${task}LambdaFunction`));
      }
      expect(substitutions.EventBusName).toBe(bus.Properties.Name);
    });

    it('logs errors, without execution data, to its own log group', () => {
      const { LoggingConfiguration } = machine().Properties;
      resource(template, `${id}LogGroup`, 'AWS::Logs::LogGroup');

      expect(LoggingConfiguration).toEqual({
        Level: 'ERROR',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: getAtt(`${id}LogGroup`) } }],
      });
    });

    it('runs with a role that invokes its two functions and publishes on the hub bus only', () => {
      const role = resource(template, `${id}Role`, 'AWS::IAM::Role');

      expect(machine().Properties.RoleArn).toEqual(getAtt(`${id}Role`));
      expect(statementGranting(role, 'lambda:InvokeFunction')?.Resource).toEqual(
        Object.values(tasks).map((task) => getAtt(`${task}LambdaFunction`)),
      );
      expect(statementGranting(role, 'events:PutEvents')?.Resource).toEqual(getAtt('HubEventBus'));
      const starResources = statementsOf(role).filter((statement) => statement.Resource === '*');
      expect(starResources.flatMap(actionsOf).every((action) => action.startsWith('logs:'))).toBe(true);
    });
  });

  describe('IAM', () => {
    it('grants no wildcard action anywhere in the template', () => {
      const statements = policyStatements(template);

      // Roles, queue, topic and bus policies: an empty walk would prove nothing.
      expect(statements.length).toBeGreaterThan(20);
      expect(wildcardGrants(statements)).toEqual([]);
    });

    it('gives each function a role of its own', () => {
      for (const { id } of FUNCTIONS) {
        const fn = resource(template, `${id}LambdaFunction`, 'AWS::Lambda::Function');
        expect(fn.Properties.Role, id).toEqual(getAtt(`${id}Role`));
      }
      expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    });

    it('lets every function assume only spoke roles of the organization', () => {
      for (const roleId of FUNCTIONS.map(({ id }) => `${id}Role`)) {
        const assume = statementGranting(resource(template, roleId, 'AWS::IAM::Role'), 'sts:AssumeRole');

        expect(assume?.Resource).toEqual({ 'Fn::Sub': SPOKE_ROLES });
        expect(assume?.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': 'o-0000000000' } });
      }
    });

    it('lets RegisterConnector use the idempotency table and nothing else in DynamoDB', () => {
      const role = resource(template, 'RegisterConnectorRole', 'AWS::IAM::Role');
      const dynamo = statementsOf(role).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
      );

      expect(dynamo).toHaveLength(1);
      expect(actionsOf(dynamo[0] as Statement).sort()).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]);
      expect(dynamo[0]?.Resource).toEqual(getAtt('IdempotencyTable'));
    });

    it('allows every Lambda, AppFlow and STS call the handlers make, and no other', () => {
      const granted = FUNCTIONS.map(({ id }) => `${id}Role`)
        .flatMap((id) => statementsOf(resource(template, id, 'AWS::IAM::Role')))
        .flatMap(actionsOf)
        .filter((action) => /^(lambda|appflow|sts):/.test(action));

      expect([...new Set(granted)].sort()).toEqual(sdkActionsUsed(['lambda', 'appflow', 'sts']));
    });

    it.each(FUNCTIONS.filter(({ id }) => id === 'VerifyRemoval' || id === 'UnregisterConnector'))(
      'gives $id exactly the AppFlow, STS and DynamoDB actions its own code sends',
      ({ id, dir }) => {
        const granted = statementsOf(resource(template, `${id}Role`, 'AWS::IAM::Role'))
          .flatMap(actionsOf)
          .filter((action) => /^(appflow|sts|dynamodb):/.test(action));
        // Powertools' DynamoDB persistence layer sends its own commands: PutItem, DeleteItem.
        const powertools = id === 'UnregisterConnector' ? ['dynamodb:DeleteItem', 'dynamodb:PutItem'] : [];

        expect([...new Set(granted)].sort()).toEqual(
          [...sdkActionsOfHandler(dir, ['appflow', 'sts', 'dynamodb']), ...powertools].sort(),
        );
      },
    );

    it('lets only the Lambda calls of each removal function reach the hub’s own functions', () => {
      expect(
        statementsOf(resource(template, 'VerifyRemovalRole', 'AWS::IAM::Role'))
          .flatMap(actionsOf)
          .filter((action) => action.startsWith('lambda:'))
          .sort(),
      ).toEqual(sdkActionsOfHandler('verify-removal', ['lambda']));
      expect(
        statementsOf(resource(template, 'UnregisterConnectorRole', 'AWS::IAM::Role'))
          .flatMap(actionsOf)
          .filter((action) => action.startsWith('lambda:')),
      ).toEqual([]);
    });

    it('scopes UnRegisterConnector to the hub account’s connectors, as IAM spells it', () => {
      const statement = statementGranting(
        resource(template, 'UnregisterConnectorRole', 'AWS::IAM::Role'),
        'appflow:UnRegisterConnector',
      );

      expect(statement?.Resource).toEqual({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string.
        'Fn::Sub': 'arn:${AWS::Partition}:appflow:*:${AWS::AccountId}:connector/*',
      });
    });

    it('keeps VerifyFunction away from AppFlow and DynamoDB', () => {
      const actions = statementsOf(resource(template, 'VerifyFunctionRole', 'AWS::IAM::Role')).flatMap(
        actionsOf,
      );

      expect(actions.filter((action) => /^(appflow|dynamodb):/.test(action))).toEqual([]);
    });
  });

  describe('hub event bus', () => {
    it('is named after the service and stage', () => {
      expect(resource(template, 'HubEventBus', 'AWS::Events::EventBus').Properties.Name).toBe(
        `${SERVICE}-${STAGE}`,
      );
    });

    it('accepts PutEvents from principals of the organization only, of the detail-types the signal rules listen for, never with the registrar’s source', () => {
      const policy = resource(template, 'HubEventBusPolicy', 'AWS::Events::EventBusPolicy').Properties;
      const detailTypes = [
        ...new Set(deploySignalFiles().flatMap((file) => file.eventPattern['detail-type'] as string[])),
        // What a member account's sweep schedule forwards (resources/sweep.yml SweepRequestRule).
        'Scheduled Event',
      ].sort();

      expect(policy.EventBusName).toEqual({ Ref: 'HubEventBus' });
      expect(policy.Statement).toEqual({
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: getAtt('HubEventBus'),
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': 'o-0000000000', 'events:detail-type': detailTypes },
          StringNotEquals: { 'events:source': REGISTRAR_SOURCE },
        },
      });
    });
  });

  describe('signal rules', () => {
    const signalRules = () =>
      deploySignalFiles().flatMap((file) => [
        { file, id: `${pascalCase(file.name)}HubBusRule`, bus: { Ref: 'HubEventBus' } },
        { file, id: `${pascalCase(file.name)}DefaultBusRule`, bus: undefined },
      ]);

    it('has one rule per signal on the hub bus and one on the default bus', () => {
      const expected = signalRules();

      expect(expected.length).toBeGreaterThanOrEqual(16);
      for (const { file, id, bus } of expected) {
        const rule = resource(template, id, 'AWS::Events::Rule').Properties;
        expect(rule.EventBusName, id).toEqual(bus);
        expect(rule.EventPattern, id).toEqual(file.eventPattern);
        expect(rule.State, id).toBe('ENABLED');
      }
    });

    it('starts the workflows the rule file names, each with its input transformer', () => {
      for (const { file, id } of signalRules()) {
        const targets = resource(template, id, 'AWS::Events::Rule').Properties.Targets;
        const machines = (file.workflows ?? []).map((name) =>
          MACHINES.find((machine) => machine.file === name),
        );

        expect(machines.length, id).toBeGreaterThan(0);
        expect(targets, id).toHaveLength(machines.length);
        machines.forEach((machine, index) => {
          expect(targets[index].Arn, id).toEqual({ Ref: machine?.id });
          expect(targets[index].RoleArn, id).toEqual(getAtt(machine?.ruleRole ?? ''));
          expect(targets[index].InputTransformer, id).toEqual(file.inputTransformer);
        });
      }
    });

    it('starts the unregistration workflow on deletion, untag and relabel signals, and only on those', () => {
      const removal = deploySignalFiles()
        .filter((file) => file.workflows?.includes('unregister-connector'))
        .map((file) => file.name)
        .sort();

      expect(removal).toEqual([
        'cloudformation-function-deleted',
        'cloudtrail-delete-function',
        'cloudtrail-tag-resource',
        'cloudtrail-untag-resource',
      ]);
    });

    it.each(MACHINES)('assumes $ruleRole, which may only start $id', ({ id, ruleRole }) => {
      const role = resource(template, ruleRole, 'AWS::IAM::Role');

      expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
        Service: 'events.amazonaws.com',
      });
      expect(statementsOf(role)).toEqual([
        {
          Sid: 'StartTheWorkflow',
          Effect: 'Allow',
          Action: 'states:StartExecution',
          Resource: { Ref: id },
        },
      ]);
    });

    it('retries every rule target, then dead-letters it to the queue', () => {
      const rules = resourcesOfType(template, 'AWS::Events::Rule');

      // The signal rules, the alert rule, the outcome recorder's (resources/outcomes.yml) and the
      // sweep's request and schedule rules (resources/sweep.yml).
      expect(rules.length).toBe(signalRules().length + 4);
      for (const [id, rule] of rules) {
        for (const target of rule.Properties.Targets) {
          expect(target.DeadLetterConfig, id).toEqual({ Arn: getAtt('DeploySignalDeadLetterQueue') });
          expect(target.RetryPolicy.MaximumRetryAttempts, id).toBeGreaterThan(0);
          expect(target.RetryPolicy.MaximumEventAgeInSeconds, id).toBeGreaterThanOrEqual(60);
        }
      }
    });

    it('lets exactly these rules write to the dead-letter queue', () => {
      resource(template, 'DeploySignalDeadLetterQueue', 'AWS::SQS::Queue');
      const policy = resource(
        template,
        'DeploySignalDeadLetterQueuePolicy',
        'AWS::SQS::QueuePolicy',
      ).Properties;
      const [statement, ...others] = policy.PolicyDocument.Statement;
      const ruleIds = resourcesOfType(template, 'AWS::Events::Rule').map(([id]) => id);

      expect(others).toEqual([]);
      expect(policy.Queues).toEqual([{ Ref: 'DeploySignalDeadLetterQueue' }]);
      expect(statement.Principal).toEqual({ Service: 'events.amazonaws.com' });
      expect(statement.Action).toBe('sqs:SendMessage');
      // In any order: the outcome recorder's rule comes from another file (resources/outcomes.yml).
      const byId = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
      expect([...statement.Condition.ArnEquals['aws:SourceArn']].sort(byId)).toEqual(
        ruleIds.map(getAtt).sort(byId),
      );
    });
  });

  describe('idempotency table', () => {
    it('is keyed and expired the way Powertools DynamoDBPersistenceLayer writes it', () => {
      const table = resource(template, 'IdempotencyTable', 'AWS::DynamoDB::Table').Properties;

      expect(table.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
      expect(table.AttributeDefinitions).toEqual([{ AttributeName: 'id', AttributeType: 'S' }]);
      expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
    });

    it('is on-demand, encrypted and point-in-time recoverable', () => {
      const table = resource(template, 'IdempotencyTable', 'AWS::DynamoDB::Table').Properties;

      expect(table.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.SSESpecification).toEqual({ SSEEnabled: true });
      expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    });
  });

  describe('alerts', () => {
    it('hands ConnectorRegistrationFailed, ConnectorUnregistrationFailed and ConnectorSweepFailed from the hub bus to the alert gate', () => {
      const file = ruleFiles().find((rule) => rule.name === 'alert-workflow-failed');
      const rule = resource(template, 'AlertWorkflowFailedRule', 'AWS::Events::Rule').Properties;

      expect(rule.EventBusName).toEqual({ Ref: 'HubEventBus' });
      // The file's pattern, narrowed to the hub's own account: members must not forge alerts.
      expect(rule.EventPattern).toEqual({ ...file?.eventPattern, account: [{ Ref: 'AWS::AccountId' }] });
      expect(rule.Targets).toHaveLength(1);
      expect(rule.Targets[0].Arn).toEqual(getAtt('AlertGateLambdaFunction'));
      expect(file?.eventPattern['detail-type']).toEqual([
        'ConnectorRegistrationFailed',
        'ConnectorUnregistrationFailed',
        'ConnectorSweepFailed',
      ]);
      // The whole event: the gate keys its window by the detail and writes the alert itself.
      expect(rule.Targets[0].InputTransformer).toBeUndefined();
    });

    it('lets only the four alarms publish to the topic by its policy (the gate by its role)', () => {
      resource(template, 'AlertTopic', 'AWS::SNS::Topic');
      const policy = resource(template, 'AlertTopicPolicy', 'AWS::SNS::TopicPolicy').Properties;
      const bySid = Object.fromEntries(
        policy.PolicyDocument.Statement.map((statement: Statement) => [statement.Sid, statement]),
      );

      expect(policy.Topics).toEqual([{ Ref: 'AlertTopic' }]);
      expect(bySid.AlarmsMayPublish.Condition.ArnEquals['aws:SourceArn']).toEqual([
        getAtt('ExecutionsFailedAlarm'),
        getAtt('UnregistrationExecutionsFailedAlarm'),
        getAtt('SweepExecutionsFailedAlarm'),
        getAtt('DeploySignalDeadLetterAlarm'),
      ]);
      expect(Object.keys(bySid).sort()).toEqual(['AlarmsMayPublish']);
    });

    it('subscribes the alert e-mail only when one is given', () => {
      const subscription = resource(template, 'AlertEmailSubscription', 'AWS::SNS::Subscription');

      expect(subscription.Condition).toBe('HasAlertEmail');
      expect(template.Conditions?.HasAlertEmail).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
    });

    it.each(MACHINES)('alarms when an execution of $id fails', ({ id, alarm }) => {
      expect(resource(template, alarm, 'AWS::CloudWatch::Alarm').Properties).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsFailed',
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: id } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: 'AlertTopic' }],
      });
    });

    it('alarms when a drift sweep execution fails, even one that could not publish ConnectorSweepFailed', () => {
      expect(
        resource(template, 'SweepExecutionsFailedAlarm', 'AWS::CloudWatch::Alarm').Properties,
      ).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsFailed',
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'SweepConnectorsStateMachine' } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: 'AlertTopic' }],
      });
    });

    it('alarms when an execution fails and when an event lands in the dead-letter queue', () => {
      const failed = resource(template, 'ExecutionsFailedAlarm', 'AWS::CloudWatch::Alarm').Properties;
      const deadLetters = resource(
        template,
        'DeploySignalDeadLetterAlarm',
        'AWS::CloudWatch::Alarm',
      ).Properties;

      expect(failed).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsFailed',
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'RegisterConnectorStateMachine' } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: 'AlertTopic' }],
      });
      expect(deadLetters).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeploySignalDeadLetterQueue', 'QueueName'] } },
        ],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: 'AlertTopic' }],
      });
    });
  });

  describe('stack deletion', () => {
    const policiesOf = (logicalId: string) => {
      const { DeletionPolicy, UpdateReplacePolicy } = template.Resources[logicalId] ?? {};
      return { DeletionPolicy, UpdateReplacePolicy };
    };

    it('keeps the dead-letter queue, unless the stack that created it rolls back', () => {
      expect(policiesOf('DeploySignalDeadLetterQueue')).toEqual({
        DeletionPolicy: 'RetainExceptOnCreate',
        UpdateReplacePolicy: 'Retain',
      });
    });

    it('deletes the idempotency table and the log groups, on purpose', () => {
      const deleted = [
        'IdempotencyTable',
        ...FUNCTIONS.map(({ id }) => `${id}LogGroup`),
        ...MACHINES.map(({ id }) => `${id}LogGroup`),
      ];

      for (const logicalId of deleted) {
        expect(policiesOf(logicalId), logicalId).toEqual({
          DeletionPolicy: 'Delete',
          UpdateReplacePolicy: 'Delete',
        });
      }
    });

    it('says what happens to every queue, table and log group', () => {
      const holdingData = ['AWS::SQS::Queue', 'AWS::DynamoDB::Table', 'AWS::Logs::LogGroup'].flatMap((type) =>
        resourcesOfType(template, type).map(([id]) => id),
      );

      expect(holdingData.length).toBeGreaterThanOrEqual(5);
      for (const logicalId of holdingData) {
        const policies = policiesOf(logicalId);
        expect(policies.DeletionPolicy, logicalId).toBeDefined();
        expect(policies.UpdateReplacePolicy, logicalId).toBeDefined();
      }
    });
  });

  describe('drift sweep', () => {
    it('lets the sweep workflow start exactly the registration and unregistration workflows', () => {
      const role = resource(template, 'SweepConnectorsStateMachineRole', 'AWS::IAM::Role');
      const starts = statementsOf(role).filter((statement) =>
        actionsOf(statement).includes('states:StartExecution'),
      );

      expect(starts).toEqual([
        expect.objectContaining({
          Resource: [{ Ref: 'RegisterConnectorStateMachine' }, { Ref: 'UnregisterConnectorStateMachine' }],
        }),
      ]);
      expect(actionsOf(starts[0] as Statement)).toEqual(['states:StartExecution']);
    });

    it('sweeps the account and Region of a member’s scheduled event, read from its envelope', () => {
      const rule = resource(template, 'SweepRequestRule', 'AWS::Events::Rule').Properties;

      expect(rule.EventBusName).toEqual({ Ref: 'HubEventBus' });
      expect(rule.EventPattern).toEqual({
        source: ['aws.events'],
        'detail-type': ['Scheduled Event'],
        resources: [{ suffix: `:rule/${SWEEP_SCHEDULE_RULE_NAME}` }],
      });
      expect(rule.Targets[0].Arn).toEqual({ Ref: 'SweepConnectorsStateMachine' });
      expect(rule.Targets[0].InputTransformer).toEqual({
        InputPathsMap: { account: '$.account', region: '$.region' },
        InputTemplate: '{"accountId": <account>, "region": <region>, "dryRun": false}',
      });
    });

    it('sweeps the hub’s own account daily by default, and not at all when sweepSchedule is off', () => {
      const rule = resource(template, 'SweepHubScheduleRule', 'AWS::Events::Rule').Properties;

      expect(rule.ScheduleExpression).toEqual({ 'Fn::If': ['SweepScheduled', 'rate(1 day)', 'rate(1 day)'] });
      expect(rule.State).toEqual({ 'Fn::If': ['SweepScheduled', 'ENABLED', 'DISABLED'] });
      expect(template.Conditions?.SweepScheduled).toEqual({
        'Fn::And': [
          { 'Fn::Not': [{ 'Fn::Equals': ['rate(1 day)', ''] }] },
          { 'Fn::Not': [{ 'Fn::Equals': ['rate(1 day)', 'off'] }] },
        ],
      });
    });
  });

  describe('outputs', () => {
    it('exports what operators and the spoke template need', () => {
      const outputs = template.Outputs ?? {};

      expect(outputs.HubEventBusArn?.Value).toEqual(getAtt('HubEventBus'));
      for (const { id } of MACHINES) expect(outputs[`${id}Arn`]?.Value).toEqual({ Ref: id });
      expect(outputs.AlertTopicArn?.Value).toEqual({ Ref: 'AlertTopic' });
      expect(outputs.IdempotencyTableName?.Value).toEqual({ Ref: 'IdempotencyTable' });
      expect(outputs.SweepConnectorsStateMachineArn?.Value).toEqual({ Ref: 'SweepConnectorsStateMachine' });
      // Every role the spoke role must trust: each function acts in the member accounts.
      expect(listOf(outputs.HubFunctionRoleArns?.Value)).toEqual([
        { 'Fn::Join': [',', FUNCTIONS.map(({ id }) => getAtt(`${id}Role`))] },
      ]);
    });

    it('leaves nothing in the temporary directory it was given', () => {
      expect(hub.tempLeftovers).toEqual([]);
    });

    it('prints a short summary when packaging', () => {
      expect(hub.summary).toMatch(
        /^Packaged stage dev in [\d.]+s: \.serverless\/cloudformation-template-update-stack\.json/,
      );
      expect(hub.summary).toContain('AWS::StepFunctions::StateMachine');
    });
  });

  describe('metrics and dashboard', () => {
    const NAMESPACE = `${SERVICE}-${STAGE}`;
    const dashboard = () => resource(template, 'RegistrarDashboard', 'AWS::CloudWatch::Dashboard');
    const widgets = (): Widget[] => dashboardBody(dashboard()).widgets;
    const titled = (title: string) => {
      const found = widgets().find((widget) => widget.properties.title === title);
      if (!found) throw new Error(`no widget titled ${title}`);
      return found;
    };
    const ours = () => graphedMetrics(widgets()).filter((metric) => metric.namespace === NAMESPACE);

    it('gives every function the metrics namespace of the stage', () => {
      for (const [id] of resourcesOfType(template, 'AWS::Lambda::Function')) {
        const variables = resource(template, id, 'AWS::Lambda::Function').Properties.Environment.Variables;
        expect(variables.POWERTOOLS_METRICS_NAMESPACE, id).toBe(NAMESPACE);
        expect(variables.POWERTOOLS_SERVICE_NAME, id).toBe(SERVICE);
      }
    });

    it('creates one dashboard per stage and Region, whose body is JSON once substituted', () => {
      const { DashboardName, DashboardBody } = dashboard().Properties;

      expect(resourcesOfType(template, 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
      expect(resolveSub(DashboardName['Fn::Sub'])).toBe(`${SERVICE}-${STAGE}-eu-west-1`);
      expect(DashboardBody['Fn::Sub']).toBeDefined();
      expect(() => dashboardBody(dashboard())).not.toThrow();
      for (const widget of widgets().filter((w) => w.type === 'metric')) {
        expect(widget.properties.region, widget.properties.title).toBe('eu-west-1');
      }
    });

    it('lays its widgets out on the 24-column grid without overlaps', () => {
      const cells = new Set<string>();
      for (const { x, y, width, height, properties } of widgets()) {
        expect(x + width, properties.title).toBeLessThanOrEqual(24);
        for (let column = x; column < x + width; column++) {
          for (let row = y; row < y + height; row++) {
            const cell = `${column},${row}`;
            expect(cells.has(cell), `${properties.title} overlaps at ${cell}`).toBe(false);
            cells.add(cell);
          }
        }
      }
    });

    it('graphs only metrics the functions emit, under the names and dimensions of functions/shared/metrics.ts', () => {
      const names: string[] = Object.values(METRIC);
      const dimensionNames: string[] = ['service', ...Object.values(DIMENSION)];
      const outcomes: string[] = [...REGISTRATION_OUTCOMES, ...VERIFICATION_OUTCOMES];
      const actions: string[] = [...REGISTRATION_ACTIONS];

      expect(ours().length).toBeGreaterThan(0);
      for (const metric of ours()) {
        expect(names, metric.widget).toContain(metric.name);
        for (const [name, value] of Object.entries(metric.dimensions)) {
          expect(dimensionNames, `${metric.widget}: ${name}`).toContain(name);
          if (name === 'service') expect(value).toBe(SERVICE);
          if (name === DIMENSION.outcome) expect(outcomes).toContain(value);
          if (name === DIMENSION.action) expect(actions).toContain(value);
        }
        for (const name of metric.search ?? []) expect(dimensionNames).toContain(name);
      }
    });

    it('graphs every metric the functions emit', () => {
      expect(new Set(ours().map((metric) => metric.name))).toEqual(new Set(Object.values(METRIC)));
    });

    it('shows registrations by every outcome and action, and failures by error name', () => {
      const registrations = ours().filter((metric) => metric.name === METRIC.registrations);
      const expected = [
        ...REGISTRATION_OUTCOMES.filter((outcome) => outcome !== 'failed').flatMap((outcome) =>
          REGISTRATION_ACTIONS.map((action) => ({ service: SERVICE, Outcome: outcome, Action: action })),
        ),
        { service: SERVICE, Outcome: 'failed' },
      ];
      const failures = ours().filter((metric) => metric.name === METRIC.failures);

      expect(registrations.map((metric) => metric.dimensions)).toEqual(expected);
      expect(failures).toEqual([expect.objectContaining({ search: ['ErrorName', 'service'] })]);
    });

    it('shows executions by status and p90 duration of the three workflows, the dead-letter queue and the throttles', () => {
      const machines = [
        'RegisterConnectorStateMachine',
        'UnregisterConnectorStateMachine',
        'SweepConnectorsStateMachine',
      ];
      const functions = resourcesOfType(template, 'AWS::Lambda::Function').map(([id]) => id);
      const graphed = graphedMetrics(widgets()).map(({ namespace, name, dimensions, stat }) => ({
        namespace,
        name,
        dimensions,
        stat,
      }));

      expect(functions.length).toBeGreaterThanOrEqual(4);
      expect(graphed).toEqual(
        expect.arrayContaining([
          ...machines.flatMap((id) => {
            const dimensions = { StateMachineArn: `<Ref:${id}>` };
            return [
              ...['ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'].map(
                (name) => ({ namespace: 'AWS/States', name, dimensions, stat: 'Sum' }),
              ),
              { namespace: 'AWS/States', name: 'ExecutionTime', dimensions, stat: 'p90' },
            ];
          }),
          {
            namespace: 'AWS/SQS',
            name: 'ApproximateNumberOfMessagesVisible',
            dimensions: { QueueName: '<GetAtt:DeploySignalDeadLetterQueue.QueueName>' },
            stat: 'Maximum',
          },
          ...functions.map((id) => ({
            namespace: 'AWS/Lambda',
            name: 'Throttles',
            dimensions: { FunctionName: `<Ref:${id}>` },
            stat: 'Sum',
          })),
          {
            namespace: NAMESPACE,
            name: METRIC.appflowThrottlesAbsorbed,
            dimensions: { service: SERVICE },
            stat: 'Sum',
          },
        ]),
      );
      expect(titled('Throttles').properties.metrics).toHaveLength(functions.length + 1);
    });

    it('shows every alarm of the stack, next to the executions', () => {
      const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([id]) => `<GetAtt:${id}.Arn>`);
      const widget = titled('Alarms');

      expect(alarms.length).toBeGreaterThanOrEqual(3);
      expect(widget.type).toBe('alarm');
      expect([...widget.properties.alarms].sort()).toEqual(alarms.sort());
      expect(titled('Executions by status (registration, unregistration, drift sweep)').y).toBe(widget.y);
    });
  });

  describe('tracing', () => {
    const tracingOf = (packaged: Template) => ({
      functions: resourcesOfType(packaged, 'AWS::Lambda::Function').map(([, fn]) => ({
        trace: fn.Properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED,
        mode: fn.Properties.TracingConfig?.Mode,
      })),
      stateMachines: resourcesOfType(packaged, 'AWS::StepFunctions::StateMachine').map(
        ([, machine]) => machine.Properties.TracingConfiguration,
      ),
      condition: packaged.Conditions?.TracingEnabled,
    });

    it('is off by default: no X-Ray, and the handlers do not load Tracer', () => {
      expect(tracingOf(template)).toEqual({
        functions: resourcesOfType(template, 'AWS::Lambda::Function').map(() => ({
          trace: 'false',
          mode: undefined,
        })),
        stateMachines: [{ Enabled: false }, { Enabled: false }, { Enabled: false }],
        condition: { 'Fn::Equals': ['false', 'true'] },
      });
    });

    // Tracer and the X-Ray SDK are a chunk of their own, imported by functions/shared/tracing.ts
    // only when POWERTOOLS_TRACE_ENABLED is true: with tracing off, init does not parse it.
    describe.each([
      ['VerifyFunction', 'verifyFunction'],
      ['RegisterConnector', 'registerConnector'],
    ])('the packaged %s handler', (id, key) => {
      const traced = { POWERTOOLS_TRACE_ENABLED: 'true', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };
      let directory: string;
      let handlerPath: string;
      let xrayChunk: string;

      // Unpacked afresh for each test, as Lambda unpacks the zip into /var/task: a test removes a chunk.
      beforeEach(() => {
        directory = mkdtempSync(join(tmpdir(), 'registrar-tracer-chunk-'));
        const files = zipFiles(join(hub.outputDir, `${key}.zip`));
        unpack(files, directory);
        const handler: string = resource(template, `${id}LambdaFunction`, 'AWS::Lambda::Function').Properties
          .Handler;
        handlerPath = join(directory, `${handler.slice(0, handler.lastIndexOf('.'))}.mjs`);
        const decoder = new TextDecoder();
        const chunks = [...files.keys()].filter((path) =>
          decoder.decode(files.get(path)).includes('AWS_XRAY_CONTEXT_MISSING'),
        );
        expect(chunks).toHaveLength(1);
        xrayChunk = join(directory, chunks[0] as string);
      });

      afterEach(() => {
        rmSync(directory, { recursive: true, force: true });
      });

      it('loads Tracer when tracing is on', () => {
        expect(importHandler(handlerPath, { ...traced, AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR' })).toEqual({
          status: 0,
          stderr: '',
        });
        rmSync(xrayChunk);
        const missing = importHandler(handlerPath, traced);
        expect(missing.status).not.toBe(0);
        expect(missing.stderr).toContain(basename(xrayChunk));
      });

      it('starts without the chunk of Tracer and the X-Ray SDK when tracing is off', () => {
        rmSync(xrayChunk);
        expect(importHandler(handlerPath, { POWERTOOLS_TRACE_ENABLED: 'false' })).toEqual({
          status: 0,
          stderr: '',
        });
      });
    });

    describe('with --param="tracing=true"', () => {
      let directory: string;
      let traced: Template;

      beforeAll(async () => {
        directory = mkdtempSync(join(tmpdir(), 'registrar-traced-hub-'));
        ({ template: traced } = await packageHub({ params: { tracing: 'true' }, outputDir: directory }));
      }, 300_000);

      afterAll(() => {
        rmSync(directory, { recursive: true, force: true });
      });

      it('turns on X-Ray for every function and both state machines, and tells the functions to load Tracer', () => {
        expect(tracingOf(traced)).toEqual({
          functions: resourcesOfType(traced, 'AWS::Lambda::Function').map(() => ({
            trace: 'true',
            mode: 'Active',
          })),
          stateMachines: [{ Enabled: true }, { Enabled: true }, { Enabled: true }],
          condition: { 'Fn::Equals': ['true', 'true'] },
        });
      });
    });
  });
});
