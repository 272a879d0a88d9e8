import { randomUUID } from 'node:crypto';
import type { Role } from '../iam/roles.js';
import { CloudFormationResolver, type Template } from './cloudformation.js';
import { TemplateError } from './errors.js';
import { type DeployedEventInvokeConfig, readEventInvokeConfig } from './event-invoke-config.js';
import {
  type DeployedEventBus,
  type DeployedFunctionConfig,
  type DeployedPermission,
  type DeployedQueue,
  type DeployedRule,
  type DeployedStateMachine,
  type DeployedTable,
  type DeployedTopic,
  existing,
  readBusPolicy,
  readEventBus,
  readFunction,
  readPermission,
  readQueue,
  readRole,
  readRule,
  readStateMachine,
  readTable,
  readTopics,
} from './resources.js';

/** Where a template is deployed, and with what. */
export interface DeployTarget {
  stackName: string;
  accountId: string;
  region: string;
  partition?: string;
  /** Parameter values; the others take their Default. */
  parameters?: Record<string, string>;
  /** The package folder holding code/<zip>/ for the template's functions (packageHub). */
  codeDir?: string;
}

/** A stack as CloudFormation would have created it: every resource, read into what the services run. */
export interface DeployedStack {
  stackName: string;
  stackId: string;
  accountId: string;
  region: string;
  /** The template's Description. */
  description?: string;
  /** Every parameter's value (given or default); NoEcho ones included, as the stack holds them. */
  parameters: Record<string, string | string[]>;
  /** The parameters declared NoEcho, whose values CloudFormation masks when it describes the stack. */
  noEchoParameters: string[];
  /** Outputs whose Condition holds, resolved, with the name they are exported under if any. */
  outputs: Record<string, { value: string; description?: string; exportName?: string }>;
  /** Every resource that exists for this deploy, with its physical id. */
  resources: { logicalId: string; type: string; physicalId: string }[];
  functions: DeployedFunctionConfig[];
  /** Statements AWS::Lambda::Permission adds to functions' resource policies. */
  permissions: DeployedPermission[];
  /** Retries and on-failure destinations of functions' asynchronous invocations. */
  eventInvokeConfigs: DeployedEventInvokeConfig[];
  roles: Role[];
  stateMachines: DeployedStateMachine[];
  eventBuses: DeployedEventBus[];
  /** Policies on buses this stack did not create (an account's default bus). */
  busPolicies: { busName: string; statements: DeployedEventBus['policy'] }[];
  rules: DeployedRule[];
  tables: DeployedTable[];
  topics: DeployedTopic[];
  queues: DeployedQueue[];
}

/** Resource types the local stack creates in its services, and the ones it accepts without a model. */
const MODELLED = new Set([
  'AWS::Lambda::Function',
  'AWS::IAM::Role',
  'AWS::StepFunctions::StateMachine',
  'AWS::Events::EventBus',
  'AWS::Events::EventBusPolicy',
  'AWS::Events::Rule',
  'AWS::DynamoDB::Table',
  'AWS::SNS::Topic',
  'AWS::SNS::Subscription',
  'AWS::SQS::Queue',
  'AWS::Lambda::Permission',
  'AWS::Lambda::EventInvokeConfig',
]);
const ACCEPTED = new Set([
  'AWS::Logs::LogGroup',
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::Dashboard',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::QueuePolicy',
  'AWS::IAM::ManagedPolicy',
]);

/**
 * Deploys a CloudFormation template into one account and Region, as CloudFormation would: parameters
 * validated, conditions evaluated, intrinsic functions resolved, and each resource read into what the
 * emulated services run. A resource type the local stack does not know is an error, so a template
 * change that the emulation would silently ignore is noticed.
 *
 * @example
 * const hub = deployTemplate(packaged.template, { stackName: 'appflow-connector-registrar-dev',
 *   accountId: '111111111111', region: 'eu-west-1', codeDir: packaged.directory });
 */
export function deployTemplate(template: Template, target: DeployTarget): DeployedStack {
  const partition = target.partition ?? 'aws';
  const cfn = new CloudFormationResolver(
    template,
    { stackName: target.stackName, accountId: target.accountId, region: target.region, partition },
    target.parameters ?? {},
  );
  const unknown = Object.entries(template.Resources)
    .filter(
      ([logicalId, resource]) =>
        cfn.exists(logicalId) && !MODELLED.has(resource.Type) && !ACCEPTED.has(resource.Type),
    )
    .map(([logicalId, resource]) => `${logicalId} (${resource.Type})`);
  if (unknown.length > 0) {
    throw new TemplateError(
      `${target.stackName}: the local stack cannot create ${unknown.join(', ')}; teach local/deploy/resources.ts the type.`,
    );
  }

  const buses = existing(cfn, 'AWS::Events::EventBus').map(([logicalId]) => readEventBus(cfn, logicalId));
  const policies = existing(cfn, 'AWS::Events::EventBusPolicy').map(([logicalId, resource]) =>
    readBusPolicy(cfn, logicalId, resource),
  );
  const eventBuses = buses.map((bus) => ({
    ...bus,
    policy: policies.filter((policy) => policy.busName === bus.name).flatMap((policy) => policy.statements),
  }));
  const outputs: DeployedStack['outputs'] = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition !== undefined && !cfn.condition(output.Condition, `Outputs.${name}.Condition`))
      continue;
    outputs[name] = {
      value: cfn.resolveString(output.Value, `Outputs.${name}.Value`),
      ...(output.Description !== undefined ? { description: output.Description } : {}),
      ...(output.Export?.Name !== undefined
        ? { exportName: cfn.resolveString(output.Export.Name, `Outputs.${name}.Export.Name`) }
        : {}),
    };
  }

  return {
    stackName: target.stackName,
    stackId: `arn:${partition}:cloudformation:${target.region}:${target.accountId}:stack/${target.stackName}/${randomUUID()}`,
    accountId: target.accountId,
    region: target.region,
    ...(template.Description !== undefined ? { description: template.Description } : {}),
    parameters: cfn.parameters,
    noEchoParameters: Object.entries(template.Parameters ?? {})
      .filter(([, parameter]) => parameter.NoEcho === true || String(parameter.NoEcho) === 'true')
      .map(([name]) => name),
    outputs,
    resources: Object.entries(template.Resources)
      .filter(([logicalId]) => cfn.exists(logicalId))
      .map(([logicalId, resource]) => ({
        logicalId,
        type: resource.Type,
        physicalId: cfn.identity(logicalId, `Resources.${logicalId}`).ref,
      })),
    functions: existing(cfn, 'AWS::Lambda::Function').map(([logicalId, resource]) =>
      readFunction(cfn, logicalId, resource, target.codeDir),
    ),
    permissions: existing(cfn, 'AWS::Lambda::Permission').map(([logicalId, resource]) =>
      readPermission(cfn, logicalId, resource),
    ),
    eventInvokeConfigs: existing(cfn, 'AWS::Lambda::EventInvokeConfig').map(([logicalId, resource]) =>
      readEventInvokeConfig(cfn, logicalId, resource),
    ),
    roles: existing(cfn, 'AWS::IAM::Role').map(([logicalId, resource]) => readRole(cfn, logicalId, resource)),
    stateMachines: existing(cfn, 'AWS::StepFunctions::StateMachine').map(([logicalId, resource]) =>
      readStateMachine(cfn, logicalId, resource),
    ),
    eventBuses,
    busPolicies: policies.filter((policy) => !buses.some((bus) => bus.name === policy.busName)),
    rules: existing(cfn, 'AWS::Events::Rule').map(([logicalId, resource]) =>
      readRule(cfn, logicalId, resource),
    ),
    tables: existing(cfn, 'AWS::DynamoDB::Table').map(([logicalId, resource]) =>
      readTable(cfn, logicalId, resource),
    ),
    topics: readTopics(cfn),
    queues: existing(cfn, 'AWS::SQS::Queue').map(([logicalId]) => readQueue(cfn, logicalId)),
  };
}
