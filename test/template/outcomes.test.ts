import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTCOME_DETAIL_TYPES, REGISTRAR_SOURCE } from '../../functions/shared/event-types.js';
import { INVENTORY_PREFIX } from '../../functions/shared/inventory.js';
import { parseCfnYaml } from './cfn-yaml.js';
import { packageHub, ROOT } from './package-hub.js';
import { actionsOf, getAttArn, resource, roleStatements, type Statement, type Template } from './template.js';

// The outcome recorder in the hub (resources/outcomes.yml) and the grant each spoke gives it
// (spoke/template.yaml): a rule hands it the hub's outcome events; it writes the inventory and tells
// the connector's account, nothing else.

let hub: Template;
const spoke = parseCfnYaml(readFileSync(`${ROOT}spoke/template.yaml`, 'utf8')) as Template;

beforeAll(async () => {
  hub = (await packageHub()).template;
}, 300_000);

const getAtt = getAttArn;
const statementsOf = roleStatements;
const recordRole = () => resource(hub, 'RecordOutcomeRole', 'AWS::IAM::Role');

describe('the outcome recorder (hub template)', () => {
  it('runs functions/record-outcome with a role of its own and the table it writes', () => {
    const fn = resource(hub, 'RecordOutcomeLambdaFunction', 'AWS::Lambda::Function');
    const table = resource(hub, 'IdempotencyTable', 'AWS::DynamoDB::Table');

    expect(fn.Properties.Handler).toBe('functions/record-outcome/handler.handler');
    expect(fn.Properties.Role).toEqual(getAtt('RecordOutcomeRole'));
    expect(fn.Properties.Environment.Variables.INVENTORY_TABLE_NAME).toBe(table.Properties.TableName);
  });

  it("is invoked by a rule on the hub bus with every outcome event of the hub's workflows, and by nothing else", () => {
    const rule = resource(hub, 'RecordOutcomeRule', 'AWS::Events::Rule').Properties;
    const permission = resource(hub, 'RecordOutcomePermission', 'AWS::Lambda::Permission').Properties;

    expect(rule.EventBusName).toEqual({ Ref: 'HubEventBus' });
    expect(rule.EventPattern).toEqual({
      source: [REGISTRAR_SOURCE],
      account: [{ Ref: 'AWS::AccountId' }],
      'detail-type': [...OUTCOME_DETAIL_TYPES],
    });
    expect(rule.Targets).toEqual([
      expect.objectContaining({ Id: 'RecordOutcome', Arn: getAtt('RecordOutcomeLambdaFunction') }),
    ]);
    expect(permission).toEqual({
      FunctionName: getAtt('RecordOutcomeLambdaFunction'),
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: getAtt('RecordOutcomeRule'),
    });
  });

  it("may read the executions of the hub's two workflows, to order outcomes and find a signal's function", () => {
    const describe = statementsOf(recordRole()).filter((statement) =>
      actionsOf(statement).includes('states:DescribeExecution'),
    );

    expect(describe).toHaveLength(1);
    expect(actionsOf(describe[0] as Statement)).toEqual(['states:DescribeExecution']);
    expect(JSON.stringify(describe[0]?.Resource)).toMatch(
      /execution:appflow-connector-registrar-dev-register-connector:\*/,
    );
    expect(JSON.stringify(describe[0]?.Resource)).toMatch(
      /execution:appflow-connector-registrar-dev-unregister-connector:\*/,
    );
  });

  it('may update inventory items of the table, and no other item nor operation', () => {
    const dynamo = statementsOf(recordRole()).filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
    );

    expect(dynamo).toHaveLength(1);
    expect(actionsOf(dynamo[0] as Statement)).toEqual(['dynamodb:UpdateItem']);
    expect(dynamo[0]?.Resource).toEqual(getAtt('IdempotencyTable'));
    expect(dynamo[0]?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${INVENTORY_PREFIX}*`] },
    });
  });

  it("may put only the registrar's events, only on default buses", () => {
    const put = statementsOf(recordRole()).filter((statement) =>
      actionsOf(statement).includes('events:PutEvents'),
    );

    expect(put).toHaveLength(1);
    expect(put[0]?.Resource).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string.
      'Fn::Sub': 'arn:${AWS::Partition}:events:*:*:event-bus/default',
    });
    expect(put[0]?.Condition).toEqual({ StringEquals: { 'events:source': REGISTRAR_SOURCE } });
  });

  it('neither assumes roles nor calls AppFlow or Lambda, nor starts or changes an execution', () => {
    const actions = statementsOf(recordRole()).flatMap(actionsOf);

    expect(actions.filter((action) => /^(sts|appflow|lambda):/.test(action))).toEqual([]);
    expect(actions.filter((action) => action.startsWith('states:'))).toEqual(['states:DescribeExecution']);
  });

  it('outputs its role for the spoke template, and the table operators read the inventory from', () => {
    expect(hub.Outputs?.HubOutcomeRoleArns?.Value).toEqual(getAtt('RecordOutcomeRole'));
    expect(hub.Outputs?.InventoryTableName?.Value).toEqual({ Ref: 'IdempotencyTable' });
  });
});

describe('the grant of each spoke (spoke template)', () => {
  const policy = () => resource(spoke, 'OutcomesFromHubPolicy', 'AWS::Events::EventBusPolicy');

  it("lets exactly the hub's outcome roles put the registrar's events on the account's default bus", () => {
    const { Properties } = policy();

    expect(Properties.EventBusName).toBe('default');
    expect(Properties.Statement).toEqual({
      Effect: 'Allow',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string.
      Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:root' } },
      Action: 'events:PutEvents',
      Resource: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string.
        'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default',
      },
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': { Ref: 'HubOutcomeRoleArns' } },
        StringEquals: { 'events:source': REGISTRAR_SOURCE },
      },
    });
  });

  it("exists only in member accounts, and only once the hub's outcome roles are given", () => {
    expect(policy().Condition).toBe('HearsOutcomes');
    expect(spoke.Conditions?.HearsOutcomes).toEqual({
      'Fn::And': [
        { Condition: 'ForwardsToHub' },
        { 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': ['', { Ref: 'HubOutcomeRoleArns' }] }, ''] }] },
      ],
    });
  });
});
