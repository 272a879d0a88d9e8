import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SWEEP_SCHEDULE_RULE_NAME } from '../../functions/shared/event-types.js';
import { parseCfnYaml } from './cfn-yaml.js';
import { ROOT } from './package-hub.js';
import { sdkActionsUsed } from './sdk-actions.js';
import {
  actionsOf,
  deploySignalFiles,
  pascalCase,
  policyStatements,
  resource,
  resourcesOfType,
  type Statement,
  type Template,
  wildcardGrants,
} from './template.js';

const template = parseCfnYaml(readFileSync(`${ROOT}spoke/template.yaml`, 'utf8')) as Template;

const spokeRole = () => resource(template, 'SpokeRole', 'AWS::IAM::Role');
const spokeStatements = (): Statement[] => spokeRole().Properties.Policies[0].PolicyDocument.Statement;
const trustStatements = (): Statement[] => spokeRole().Properties.AssumeRolePolicyDocument.Statement;

type ConditionBlock = Record<string, Record<string, unknown> | undefined>;
/** The trust statement's `Fn::If [HasExternalId, with, without]`. */
const trustConditionBranches = (): [string, ConditionBlock, ConditionBlock] => {
  const condition = trustStatements()[0]?.Condition as { 'Fn::If': [string, ConditionBlock, ConditionBlock] };
  return condition['Fn::If'];
};

// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string.
const HUB_ACCOUNT_ROOT = 'arn:${AWS::Partition}:iam::${HubAccountId}:root';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string.
const ACCOUNT_FUNCTIONS = 'arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:function:*';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string.
const ACCOUNT_CONNECTORS = 'arn:${AWS::Partition}:appflow:*:${AWS::AccountId}:connector/*';

describe('spoke template', () => {
  describe('parameters', () => {
    it('takes the hub, its function and outcome roles and the organization, with optional ExternalId', () => {
      const parameters = template.Parameters ?? {};

      expect(Object.keys(parameters).sort()).toEqual([
        'ExternalId',
        'HubAccountId',
        'HubEventBusArn',
        'HubFunctionRoleArns',
        'HubOutcomeRoleArns',
        'OrganizationId',
        'RoleRegion',
        'SpokeRoleName',
        'SweepSchedule',
      ]);
      expect(parameters.SpokeRoleName?.Default).toBe('AppFlowConnectorRegistrar');
      expect(parameters.ExternalId?.Default).toBe('');
      expect(parameters.HubFunctionRoleArns?.Type).toBe('CommaDelimitedList');
      expect(parameters.HubOutcomeRoleArns).toMatchObject({ Type: 'CommaDelimitedList', Default: '' });
    });
  });

  describe('forwarding rules', () => {
    // The sweep schedule rule is checked on its own below: it forwards no event of the account.
    const rules = () =>
      resourcesOfType(template, 'AWS::Events::Rule').filter(([id]) => id !== 'SweepScheduleRule');

    it('has one rule per deploy signal of events/rules/, with the same pattern', () => {
      const files = deploySignalFiles();

      expect(
        rules()
          .map(([id]) => id)
          .sort(),
      ).toEqual(files.map((file) => `${pascalCase(file.name)}Rule`).sort());
      for (const file of files) {
        const rule = resource(template, `${pascalCase(file.name)}Rule`, 'AWS::Events::Rule').Properties;
        expect(rule.EventPattern, file.name).toEqual(file.eventPattern);
        expect(rule.Description, file.name).toBe(file.description);
      }
    });

    it('forwards the events untouched to the hub bus, on the default bus', () => {
      for (const [id, rule] of rules()) {
        expect(rule.Properties.EventBusName, id).toBeUndefined();
        expect(rule.Properties.State, id).toBe('ENABLED');
        expect(rule.Properties.Targets, id).toEqual([
          {
            Id: 'HubEventBus',
            Arn: { Ref: 'HubEventBusArn' },
            RoleArn: { 'Fn::GetAtt': ['ForwardToHubRole', 'Arn'] },
          },
        ]);
      }
    });

    it('does not forward from the hub account, which listens on its own default bus', () => {
      for (const [id, rule] of rules()) expect(rule.Condition, id).toBe('ForwardsToHub');
      expect(template.Conditions?.ForwardsToHub).toEqual({
        'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'HubAccountId' }, { Ref: 'AWS::AccountId' }] }],
      });
    });

    it('asks the hub to sweep this account on SweepSchedule (daily by default), never from the hub account, and not when off', () => {
      const rule = resource(template, 'SweepScheduleRule', 'AWS::Events::Rule');

      expect(rule.Condition).toBe('SweepsOnSchedule');
      expect(template.Parameters?.SweepSchedule?.Default).toBe('rate(1 day)');
      expect(template.Conditions?.SweepsOnSchedule).toEqual({
        'Fn::And': [
          { Condition: 'ForwardsToHub' },
          { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'SweepSchedule' }, ''] }] },
          { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'SweepSchedule' }, 'off'] }] },
        ],
      });
      expect(rule.Properties).toMatchObject({
        Name: SWEEP_SCHEDULE_RULE_NAME,
        ScheduleExpression: { Ref: 'SweepSchedule' },
        Targets: [
          {
            Id: 'HubEventBus',
            Arn: { Ref: 'HubEventBusArn' },
            RoleArn: { 'Fn::GetAtt': ['ForwardToHubRole', 'Arn'] },
          },
        ],
      });
    });

    it('uses a role that may put events on the hub bus and nowhere else', () => {
      const role = resource(template, 'ForwardToHubRole', 'AWS::IAM::Role').Properties;

      expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
        Service: 'events.amazonaws.com',
      });
      expect(
        role.Policies.flatMap(
          (policy: { PolicyDocument: { Statement: Statement[] } }) => policy.PolicyDocument.Statement,
        ),
      ).toEqual([
        {
          Sid: 'PutOnHubBusOnly',
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Resource: { Ref: 'HubEventBusArn' },
        },
      ]);
    });
  });

  describe('the role the hub assumes', () => {
    it('is named by SpokeRoleName', () => {
      expect(spokeRole().Properties.RoleName).toEqual({ Ref: 'SpokeRoleName' });
    });

    it('trusts only the hub function roles, inside the organization', () => {
      const [trust, ...others] = trustStatements();
      const [condition, withExternalId, without] = trustConditionBranches();

      expect(others).toEqual([]);
      expect(trust?.Action).toBe('sts:AssumeRole');
      expect(trust?.Principal).toEqual({ AWS: { 'Fn::Sub': HUB_ACCOUNT_ROOT } });
      expect(condition).toBe('HasExternalId');
      for (const branch of [withExternalId, without]) {
        expect(branch.ArnEquals).toEqual({ 'aws:PrincipalArn': { Ref: 'HubFunctionRoleArns' } });
        expect(branch.StringEquals).toMatchObject({ 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } });
      }
    });

    it('requires the ExternalId only when one is set', () => {
      const [, withExternalId, without] = trustConditionBranches();

      expect(withExternalId.StringEquals?.['sts:ExternalId']).toEqual({ Ref: 'ExternalId' });
      expect(without.StringEquals?.['sts:ExternalId']).toBeUndefined();
      expect(template.Conditions?.HasExternalId).toEqual({
        'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ExternalId' }, ''] }],
      });
    });

    it('allows exactly the Lambda and AppFlow calls the handlers make', () => {
      const granted = spokeStatements().flatMap(actionsOf).sort();

      expect(granted).toEqual(sdkActionsUsed(['lambda', 'appflow', 'resource-groups-tagging-api']));
    });

    it('reaches only functions and connectors of its own account', () => {
      const byAction = new Map(
        spokeStatements().flatMap((statement) => actionsOf(statement).map((a) => [a, statement])),
      );

      for (const action of ['lambda:GetFunction', 'lambda:GetPolicy', 'lambda:InvokeFunction']) {
        expect(byAction.get(action)?.Resource, action).toEqual({
          'Fn::Sub': ACCOUNT_FUNCTIONS,
        });
      }
      for (const action of [
        'appflow:UpdateConnectorRegistration',
        'appflow:DescribeConnector',
        'appflow:UnRegisterConnector',
      ]) {
        expect(byAction.get(action)?.Resource, action).toEqual({
          'Fn::Sub': ACCOUNT_CONNECTORS,
        });
      }
      // RegisterConnector and DescribeConnectorProfiles have no resource type in the IAM Service
      // Authorization Reference; the two listings name no resource in their request.
      for (const action of [
        'appflow:RegisterConnector',
        'appflow:DescribeConnectorProfiles',
        'appflow:ListConnectors',
        'appflow:ListFlows',
      ]) {
        expect(byAction.get(action)?.Resource, action).toBe('*');
      }
    });

    it('may unregister only with the action IAM spells UnRegisterConnector, and reads nothing but listings with "*"', () => {
      const starred = spokeStatements()
        .filter((statement) => statement.Resource === '*')
        .flatMap(actionsOf)
        .sort();

      expect(starred).toEqual([
        'appflow:DescribeConnectorProfiles',
        'appflow:ListConnectors',
        'appflow:ListFlows',
        'appflow:RegisterConnector',
        'tag:GetResources',
      ]);
      expect(spokeStatements().flatMap(actionsOf)).toContain('appflow:UnRegisterConnector');
      expect(spokeStatements().flatMap(actionsOf)).not.toContain('appflow:UnregisterConnector');
    });

    it('is created once per account when the StackSet spans several Regions', () => {
      expect(spokeRole().Condition).toBe('CreateSpokeRole');
      expect(template.Outputs?.SpokeRoleArn?.Condition).toBe('CreateSpokeRole');
    });
  });

  describe('IAM', () => {
    it('grants no wildcard action', () => {
      const statements = policyStatements(template);

      expect(statements.length).toBeGreaterThanOrEqual(5);
      expect(wildcardGrants(statements)).toEqual([]);
    });
  });
});
