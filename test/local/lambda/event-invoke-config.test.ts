import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Template } from '../../../local/deploy/cloudformation.js';
import { deployTemplate } from '../../../local/deploy/deploy.js';
import { TemplateError } from '../../../local/deploy/errors.js';
import { RoleRegistry } from '../../../local/iam/roles.js';
import { applyEventInvokeConfigs } from '../../../local/services/lambda/event-invoke-config.js';
import { createFunctionRegistry } from '../../../local/world/functions.js';
import { loadWorld } from '../../../local/world/load.js';

// AWS::Lambda::EventInvokeConfig in the local deploy: read as Lambda takes it, refused where Lambda
// refuses it (PutFunctionEventInvokeConfig), so a hub template that would fail in AWS fails here.

const HUB = '111111111111';
const WORLD = fileURLToPath(new URL('../../../local/worlds/default.json', import.meta.url));
const QUEUE = { 'Fn::GetAtt': ['FailedInvocations', 'Arn'] };

function template(config: Record<string, unknown>): Template {
  return {
    Resources: {
      FailedInvocations: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'failed-invocations' } },
      ConnectorEventInvokeConfig: {
        Type: 'AWS::Lambda::EventInvokeConfig',
        Properties: { FunctionName: 'healthy-connector', Qualifier: '$LATEST', ...config },
      },
    },
  };
}

function deploy(config: Record<string, unknown>) {
  return deployTemplate(template(config), { stackName: 'fixture', accountId: HUB, region: 'eu-west-1' });
}

/** The world's healthy-connector, its role known to the registry with these statements. */
function connectorWith(statements: Record<string, unknown>[]) {
  const registry = createFunctionRegistry(loadWorld(WORLD));
  const fn = registry.get(HUB, 'eu-west-1', 'healthy-connector');
  if (fn === undefined) throw new Error('the default world has no healthy-connector');
  const roles = new RoleRegistry(() => undefined);
  roles.add({
    arn: fn.role,
    name: fn.role.slice(fn.role.lastIndexOf('/') + 1),
    accountId: HUB,
    trustPolicy: [],
    policies: statements as never,
    maxSessionDuration: 3600,
  });
  return { registry, roles, fn };
}

describe('AWS::Lambda::EventInvokeConfig (local deploy)', () => {
  it("takes Lambda's defaults when the template sets no retries or event age", () => {
    const [config] = deploy({ DestinationConfig: { OnFailure: { Destination: QUEUE } } }).eventInvokeConfigs;

    expect(config).toEqual({
      logicalId: 'ConnectorEventInvokeConfig',
      functionName: 'healthy-connector',
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 21_600,
      onFailureQueueArn: `arn:aws:sqs:eu-west-1:${HUB}:failed-invocations`,
    });
  });

  it('refuses what Lambda refuses, and what the local Lambda would silently not do', () => {
    expect(() => deploy({ MaximumRetryAttempts: 3 })).toThrow(TemplateError);
    expect(() => deploy({ MaximumEventAgeInSeconds: 59 })).toThrow(TemplateError);
    expect(() => deploy({ Qualifier: 'live' })).toThrow(/only \$LATEST/);
    expect(() =>
      deploy({ DestinationConfig: { OnFailure: { Destination: `arn:aws:sns:eu-west-1:${HUB}:topic` } } }),
    ).toThrow(/SQS queues only/);
    expect(() => deploy({ DestinationConfig: { OnSuccess: { Destination: QUEUE } } })).toThrow(
      /no success records/,
    );
  });

  it("is refused when the function's role may not send to the on-failure queue, and applied when it may", () => {
    const stack = deploy({ DestinationConfig: { OnFailure: { Destination: QUEUE } } });
    const queueArn = `arn:aws:sqs:eu-west-1:${HUB}:failed-invocations`;

    const denied = connectorWith([
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `${queueArn}-other` },
    ]);
    expect(() => applyEventInvokeConfigs(denied.registry, denied.roles, stack)).toThrow(
      /does not have permissions to call SendMessage/,
    );
    expect(denied.fn.eventInvokeConfig).toBeUndefined();

    const allowed = connectorWith([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn }]);
    applyEventInvokeConfigs(allowed.registry, allowed.roles, stack);
    expect(allowed.fn.eventInvokeConfig).toEqual({
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 21_600,
      onFailureQueueArn: queueArn,
    });
  });
});
