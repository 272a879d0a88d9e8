import { describe, expect, it } from 'vitest';
import { allowsServiceInvoke } from '../../../local/services/appflow/policy.js';
import type { PolicyStatement } from '../../../local/world/schema.js';

const FUNCTION = 'arn:aws:lambda:eu-west-1:111111111111:function:f';
const INVOKE = {
  servicePrincipal: 'appflow.amazonaws.com',
  functionArn: FUNCTION,
  context: {
    'aws:SourceAccount': '111111111111',
    'aws:SourceArn': 'arn:aws:appflow:eu-west-1:111111111111:connector/x',
  },
};

function statement(
  condition?: Record<string, Record<string, string>>,
  extra: Partial<PolicyStatement> = {},
): PolicyStatement {
  return {
    Sid: 's',
    Effect: 'Allow',
    Principal: { Service: 'appflow.amazonaws.com' },
    Action: 'lambda:InvokeFunction',
    Resource: FUNCTION,
    ...(condition ? { Condition: condition } : {}),
    ...extra,
  };
}

describe('allowsServiceInvoke', () => {
  describe('conditions', () => {
    it('matches condition keys case-insensitively', () => {
      expect(
        allowsServiceInvoke([statement({ StringEquals: { 'aws:sourceaccount': '111111111111' } })], INVOKE),
      ).toBe(true);
    });

    it('treats IfExists and negated operators as IAM does when the key is absent', () => {
      const absent = { ...INVOKE, context: {} };
      expect(
        allowsServiceInvoke([statement({ StringEqualsIfExists: { 'AWS:SourceAccount': '1' } })], absent),
      ).toBe(true);
      expect(
        allowsServiceInvoke([statement({ StringNotEquals: { 'AWS:SourceAccount': '1' } })], absent),
      ).toBe(true);
      expect(allowsServiceInvoke([statement({ StringEquals: { 'AWS:SourceAccount': '1' } })], absent)).toBe(
        false,
      );
    });

    it('grants nothing through an operator it does not know', () => {
      expect(
        allowsServiceInvoke([statement({ NumericEquals: { 'AWS:SourceAccount': '111111111111' } })], INVOKE),
      ).toBe(false);
    });
  });

  describe('principal, action and resource', () => {
    it('needs the service principal, an invoke action and the function resource', () => {
      expect(
        allowsServiceInvoke(
          [statement(undefined, { Principal: { Service: 'events.amazonaws.com' } })],
          INVOKE,
        ),
      ).toBe(false);
      expect(allowsServiceInvoke([statement(undefined, { Action: 'lambda:GetFunction' })], INVOKE)).toBe(
        false,
      );
      expect(allowsServiceInvoke([statement(undefined, { Resource: `${FUNCTION}-other` })], INVOKE)).toBe(
        false,
      );
      expect(
        allowsServiceInvoke(
          [statement(undefined, { Resource: 'arn:aws:lambda:eu-west-1:111111111111:function:*' })],
          INVOKE,
        ),
      ).toBe(true);
    });
  });
});
