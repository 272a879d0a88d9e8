import { describe, expect, it } from 'vitest';
import {
  allows,
  evaluatePolicy,
  type PolicyStatement,
  type RequestPrincipal,
  whyNotAllowed,
} from '../../../local/iam/policy.js';

const HUB_ROLE = 'arn:aws:iam::111111111111:role/hub-register';
const hubSession: RequestPrincipal = {
  kind: 'aws',
  accountId: '111111111111',
  arn: 'arn:aws:sts::111111111111:assumed-role/hub-register/exec-1',
  roleArn: HUB_ROLE,
};

describe('IAM policy evaluation', () => {
  describe('actions and resources', () => {
    const policy: PolicyStatement[] = [
      {
        Effect: 'Allow',
        Action: ['lambda:Get*', 'appflow:UnRegisterConnector'],
        Resource: 'arn:aws:lambda:*:222222222222:function:*',
      },
      { Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:appflow:eu-west-1:222222222222:connector/*' },
    ];

    it('matches actions case-insensitively, with wildcards, and resources case-sensitively', () => {
      const fn = 'arn:aws:lambda:eu-west-1:222222222222:function:sales';
      expect(allows(policy, { action: 'lambda:GetFunction', resource: fn, context: {} })).toBe(true);
      expect(allows(policy, { action: 'LAMBDA:getpolicy', resource: fn, context: {} })).toBe(true);
      expect(allows(policy, { action: 'lambda:InvokeFunction', resource: fn, context: {} })).toBe(false);
      expect(allows(policy, { action: 'lambda:GetFunction', resource: fn.toUpperCase(), context: {} })).toBe(
        false,
      );
    });

    it('grants with NotAction everything but what it names, on its resources only', () => {
      const connector = 'arn:aws:appflow:eu-west-1:222222222222:connector/sales';
      expect(allows(policy, { action: 'appflow:DescribeConnector', resource: connector, context: {} })).toBe(
        true,
      );
      expect(allows(policy, { action: 'iam:PassRole', resource: connector, context: {} })).toBe(false);
    });

    it('lets an explicit Deny win over any Allow', () => {
      const denied: PolicyStatement[] = [
        ...policy,
        { Sid: 'NoInvoke', Effect: 'Deny', Action: 'lambda:*', Resource: '*' },
      ];
      const request = {
        action: 'lambda:GetFunction',
        resource: 'arn:aws:lambda:eu-west-1:222222222222:function:sales',
        context: {},
      };
      expect(evaluatePolicy(denied, request)).toBe('deny');
      expect(whyNotAllowed(denied, request)).toBe('denied by statement NoInvoke');
    });
  });

  describe('principals', () => {
    const trust = (principal: PolicyStatement['Principal']): PolicyStatement[] => [
      { Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' },
    ];
    const assume = (statements: PolicyStatement[], principal: RequestPrincipal) =>
      allows(statements, { action: 'sts:AssumeRole', principal, context: {} });

    it('lets an account root ARN or account id stand for every principal of the account', () => {
      expect(assume(trust({ AWS: 'arn:aws:iam::111111111111:root' }), hubSession)).toBe(true);
      expect(assume(trust({ AWS: '111111111111' }), hubSession)).toBe(true);
      expect(assume(trust({ AWS: 'arn:aws:iam::999999999999:root' }), hubSession)).toBe(false);
    });

    it('lets a role ARN stand for its sessions, and a service name for the service', () => {
      expect(assume(trust({ AWS: HUB_ROLE }), hubSession)).toBe(true);
      expect(
        assume(trust({ Service: 'events.amazonaws.com' }), {
          kind: 'service',
          service: 'events.amazonaws.com',
        }),
      ).toBe(true);
      expect(assume(trust({ Service: 'events.amazonaws.com' }), hubSession)).toBe(false);
    });
  });

  describe('conditions', () => {
    const check = (
      condition: PolicyStatement['Condition'],
      context: Record<string, string | string[] | undefined>,
    ) =>
      allows([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: '*', Condition: condition }], {
        action: 'events:PutEvents',
        resource: 'arn:aws:events:eu-west-1:111111111111:event-bus/hub',
        context,
      });

    it('reads condition keys case-insensitively and needs every operator and key to hold', () => {
      const condition = {
        StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 'AWS:SourceAccount': '222222222222' },
        ArnLike: { 'aws:SourceArn': 'arn:aws:events:*:222222222222:rule/*' },
      };
      const context = {
        'aws:principalorgid': 'o-a1b2c3d4e5',
        'aws:SourceAccount': '222222222222',
        'aws:SourceArn': 'arn:aws:events:eu-west-1:222222222222:rule/forward',
      };
      expect(check(condition, context)).toBe(true);
      expect(check(condition, { ...context, 'aws:SourceAccount': '333333333333' })).toBe(false);
    });

    it('fails a condition on a key the request lacks, unless IfExists or a negated operator', () => {
      expect(check({ StringEquals: { 'sts:ExternalId': 'x' } }, {})).toBe(false);
      expect(check({ StringEqualsIfExists: { 'sts:ExternalId': 'x' } }, {})).toBe(true);
      expect(check({ StringNotEquals: { 'events:source': 'appflow.connector-registrar' } }, {})).toBe(true);
      expect(check({ Null: { 'sts:ExternalId': 'true' } }, {})).toBe(true);
      expect(check({ Null: { 'sts:ExternalId': 'false' } }, {})).toBe(false);
    });

    it('matches sets of values with ForAnyValue and ForAllValues', () => {
      const tags = { 'aws:TagKeys': ['appflow:connector-label', 'team'] };
      expect(check({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' } }, tags)).toBe(true);
      expect(check({ 'ForAllValues:StringLike': { 'aws:TagKeys': 'appflow:*' } }, tags)).toBe(false);
      expect(check({ 'ForAllValues:StringLike': { 'aws:TagKeys': ['appflow:*', 'team'] } }, tags)).toBe(true);
    });

    it('lets a wildcard match across a newline, as IAM does', () => {
      expect(
        check(
          { StringLike: { 'events:detail-type': 'Connector*Deployed' } },
          { 'events:detail-type': 'Connector\nDeployed' },
        ),
      ).toBe(true);
    });

    it('says which condition a refused request failed', () => {
      const statements: PolicyStatement[] = [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111111111111:root' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': 'landing-zone-1' } },
        },
      ];
      const request = (context: Record<string, string>) => ({
        action: 'sts:AssumeRole',
        principal: hubSession,
        context,
      });
      expect(whyNotAllowed(statements, request({}))).toBe(
        'sts:ExternalId is not in the request (StringEquals)',
      );
      expect(whyNotAllowed(statements, request({ 'sts:ExternalId': 'other' }))).toBe(
        'sts:ExternalId does not satisfy StringEquals',
      );
      expect(
        whyNotAllowed(statements, {
          ...request({}),
          principal: { kind: 'service', service: 'events.amazonaws.com' },
        }),
      ).toBe('the principal events.amazonaws.com is not one the statement names');
    });
  });
});
