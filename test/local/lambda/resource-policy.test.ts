import { describe, expect, it } from 'vitest';
import { allowsServiceInvoke, type ServiceInvocation } from '../../../local/services/lambda/policy.js';
import type { DeployedFunction } from '../../../local/types.js';
import type { PolicyStatement } from '../../../local/world/schema.js';

const FUNCTION = 'arn:aws:lambda:eu-west-1:111111111111:function:f';
const INVOKE: ServiceInvocation = {
  service: 'appflow.amazonaws.com',
  sourceAccount: '111111111111',
  sourceArn: 'arn:aws:appflow:eu-west-1:111111111111:connector/x',
};

/** A function with this resource policy, as AppFlow finds it when it invokes the connector. */
function invoke(policy: PolicyStatement[], invocation: ServiceInvocation = INVOKE): boolean {
  return allowsServiceInvoke({ arn: FUNCTION, policy } as DeployedFunction, invocation);
}

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

describe('allowsServiceInvoke (a service invoking a function through its resource policy)', () => {
  describe('conditions', () => {
    it('matches condition keys case-insensitively', () => {
      expect(invoke([statement({ StringEquals: { 'aws:sourceaccount': '111111111111' } })], INVOKE)).toBe(
        true,
      );
    });

    it('treats IfExists and negated operators as IAM does when the key is absent', () => {
      const absent = { service: INVOKE.service };
      expect(invoke([statement({ StringEqualsIfExists: { 'AWS:SourceAccount': '1' } })], absent)).toBe(true);
      expect(invoke([statement({ StringNotEquals: { 'AWS:SourceAccount': '1' } })], absent)).toBe(true);
      expect(invoke([statement({ StringEquals: { 'AWS:SourceAccount': '1' } })], absent)).toBe(false);
    });

    it('grants nothing through an operator it does not know', () => {
      expect(invoke([statement({ DateEquals: { 'AWS:SourceAccount': '111111111111' } })], INVOKE)).toBe(
        false,
      );
    });
  });

  describe('principal, action and resource', () => {
    it('needs the service principal, an invoke action and the function resource', () => {
      expect(invoke([statement(undefined, { Principal: { Service: 'events.amazonaws.com' } })], INVOKE)).toBe(
        false,
      );
      expect(invoke([statement(undefined, { Action: 'lambda:GetFunction' })], INVOKE)).toBe(false);
      expect(invoke([statement(undefined, { Resource: `${FUNCTION}-other` })], INVOKE)).toBe(false);
      expect(
        invoke(
          [statement(undefined, { Resource: 'arn:aws:lambda:eu-west-1:111111111111:function:*' })],
          INVOKE,
        ),
      ).toBe(true);
    });
  });
});
