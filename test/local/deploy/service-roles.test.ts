import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Template } from '../../../local/deploy/cloudformation.js';
import { deployTemplate } from '../../../local/deploy/deploy.js';
import { checkServiceRoles } from '../../../local/deploy/service-roles.js';
import { RoleRegistry } from '../../../local/iam/roles.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const template = JSON.parse(readFileSync(`${FIXTURES}every-value.json`, 'utf8')) as Template;

function check(trusted: string[], condition?: Record<string, Record<string, string>>): void {
  const changed = structuredClone(template) as Template & {
    Resources: { WorkerRole: { Properties: { AssumeRolePolicyDocument: { Statement: unknown[] } } } };
  };
  changed.Resources.WorkerRole.Properties.AssumeRolePolicyDocument.Statement = [
    {
      Effect: 'Allow',
      Principal: { Service: trusted },
      Action: 'sts:AssumeRole',
      ...(condition ? { Condition: condition } : {}),
    },
  ];
  const stack = deployTemplate(changed, {
    stackName: 'fixture',
    accountId: '111111111111',
    region: 'us-east-1',
    parameters: { Owner: 'platform' },
    codeDir: `${FIXTURES}package`,
  });
  const roles = new RoleRegistry(() => undefined);
  for (const role of stack.roles) roles.add(role);
  checkServiceRoles(roles, stack);
}

describe('checkServiceRoles (CreateFunction and CreateStateMachine refuse a role their service cannot assume)', () => {
  it('accepts roles that trust the services that use them', () => {
    expect(() => check(['lambda.amazonaws.com', 'states.amazonaws.com'])).not.toThrow();
  });

  it('refuses a state machine whose role trusts only Lambda', () => {
    expect(() => check(['lambda.amazonaws.com'])).toThrow(
      /creating the state machine fixture-flow fails: states\.amazonaws\.com cannot assume its role/,
    );
  });

  it('evaluates the confused-deputy conditions with the resource’s own account and ARN', () => {
    const sourceArn = { ArnLike: { 'aws:SourceArn': 'arn:aws:*:us-east-1:111111111111:*' } };
    expect(() => check(['lambda.amazonaws.com', 'states.amazonaws.com'], sourceArn)).not.toThrow();
    const otherAccount = { StringEquals: { 'aws:SourceAccount': '999999999999' } };
    expect(() => check(['lambda.amazonaws.com', 'states.amazonaws.com'], otherAccount)).toThrow(
      /function fixture-dev-worker fails: lambda\.amazonaws\.com cannot assume its role.*aws:SourceAccount does not satisfy StringEquals/,
    );
  });
});
