import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyStatement } from '../iam/policy.js';
import { statementsOf } from '../iam/policy.js';
import type { Role } from '../iam/roles.js';
import { isPlainObject } from '../json.js';
import type { CloudFormationResolver, TemplateResource } from './cloudformation.js';
import { TemplateError } from './errors.js';
import { busNameOf } from './physical-ids.js';

/**
 * What each resource type of a deployed template becomes in the emulated services, read from its
 * resolved properties: a Lambda function, a role, a state machine, an event bus with its policy, a
 * rule with its targets, a table, a topic, a queue.
 */

/** A Lambda function a template created. */
export interface DeployedFunctionConfig {
  logicalId: string;
  name: string;
  arn: string;
  /** As in the template: functions/verify-function/handler.handler. */
  handler: string;
  /** Absolute path of the module the handler names, inside the unpacked code. */
  modulePath: string;
  exportName: string;
  runtime: string;
  architecture: string;
  timeoutSeconds: number;
  memorySize: number;
  reservedConcurrency?: number;
  environment: Record<string, string>;
  roleArn: string;
  description?: string;
  /** The zip the code came from: Lambda reports its SHA-256 and size. */
  codeZip: string;
}

export interface DeployedStateMachine {
  logicalId: string;
  name: string;
  arn: string;
  type: 'STANDARD' | 'EXPRESS';
  roleArn: string;
  /** DefinitionSubstitutions, resolved. */
  substitutions: Record<string, string>;
  /** The definition as AWS stores it: substitutions applied. */
  definitionString: string;
  definition: Record<string, unknown>;
}

export interface DeployedEventBus {
  logicalId: string;
  name: string;
  arn: string;
  policy: PolicyStatement[];
}

export interface DeployedTable {
  logicalId: string;
  name: string;
  arn: string;
  keySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  attributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  billingMode: string;
  timeToLiveAttribute?: string;
}

export interface DeployedTopic {
  logicalId: string;
  name: string;
  arn: string;
  subscriptions: { protocol: string; endpoint: string }[];
}

export interface DeployedQueue {
  logicalId: string;
  name: string;
  arn: string;
  url: string;
}

export type TargetKind = 'states' | 'sns' | 'events' | 'lambda' | 'sqs' | 'other';

export interface DeployedTarget {
  id: string;
  arn: string;
  kind: TargetKind;
  roleArn?: string;
  input?: string;
  inputPath?: string;
  inputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  /** EventBridge's defaults when the target sets none: 185 attempts, 24 hours. */
  retryPolicy: { maximumRetryAttempts: number; maximumEventAgeInSeconds: number };
  deadLetterArn?: string;
}

export interface DeployedRule {
  logicalId: string;
  name: string;
  arn: string;
  /** 'default' or the custom bus's name. */
  eventBusName: string;
  description?: string;
  state: 'ENABLED' | 'DISABLED';
  /** undefined for a schedule rule. */
  eventPattern?: Record<string, unknown>;
  scheduleExpression?: string;
  targets: DeployedTarget[];
}

/** The resources of one type of the template that exist for this deploy (their Condition holds). */
export function existing(cfn: CloudFormationResolver, type: string): [string, TemplateResource][] {
  return Object.entries(cfn.template.Resources).filter(
    ([logicalId, resource]) => resource.Type === type && cfn.exists(logicalId),
  );
}

function resolved(cfn: CloudFormationResolver, logicalId: string, resource: TemplateResource) {
  return cfn.resolve(resource.Properties ?? {}, `Resources.${logicalId}.Properties`) as Record<
    string,
    unknown
  >;
}

/**
 * A function whose code is a zip of the package (Code.S3Key names it): the handler's module is
 * looked up in the unpacked zip as Lambda's Node.js runtime does (.js, .mjs, .cjs).
 */
export function readFunction(
  cfn: CloudFormationResolver,
  logicalId: string,
  resource: TemplateResource,
  codeDir: string | undefined,
): DeployedFunctionConfig {
  const path = `Resources.${logicalId}.Properties`;
  const properties = resolved(cfn, logicalId, resource);
  const handler = cfn.resolveString(properties.Handler, `${path}.Handler`);
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new TemplateError(`${path}.Handler must be <file>.<export>, not "${handler}".`);
  const code = properties.Code as { S3Key?: unknown } | undefined;
  const key = typeof code?.S3Key === 'string' ? code.S3Key : undefined;
  if (key === undefined || codeDir === undefined) {
    throw new TemplateError(
      `${path}.Code must name a zip of the package (S3Key); the local stack runs packaged code only.`,
    );
  }
  const zip = key.slice(key.lastIndexOf('/') + 1);
  const root = join(codeDir, 'code', zip);
  const base = join(root, handler.slice(0, dot));
  const modulePath = ['.js', '.mjs', '.cjs'].map((extension) => `${base}${extension}`).find(existsSync);
  if (modulePath === undefined) {
    throw new TemplateError(
      `${path}.Handler "${handler}" names no module in ${zip} (looked for ${base}.js/.mjs/.cjs).`,
    );
  }
  const variables =
    (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    environment[name] = cfn.resolveString(value, `${path}.Environment.Variables.${name}`);
  }
  const identity = cfn.identity(logicalId, `Resources.${logicalId}`);
  const architectures = properties.Architectures as unknown[] | undefined;
  return {
    logicalId,
    name: identity.ref,
    arn: identity.attributes.Arn ?? '',
    handler,
    modulePath,
    exportName: handler.slice(dot + 1),
    runtime: cfn.resolveString(properties.Runtime, `${path}.Runtime`),
    architecture: architectures?.[0] === undefined ? 'x86_64' : String(architectures[0]),
    timeoutSeconds: Number(properties.Timeout ?? 3),
    memorySize: Number(properties.MemorySize ?? 128),
    ...(properties.ReservedConcurrentExecutions !== undefined
      ? { reservedConcurrency: Number(properties.ReservedConcurrentExecutions) }
      : {}),
    environment,
    roleArn: cfn.resolveString(properties.Role, `${path}.Role`),
    ...(typeof properties.Description === 'string' ? { description: properties.Description } : {}),
    codeZip: join(codeDir, zip),
  };
}

/** A role with its trust policy and the statements of its inline policies. */
export function readRole(cfn: CloudFormationResolver, logicalId: string, resource: TemplateResource): Role {
  const properties = resolved(cfn, logicalId, resource);
  const identity = cfn.identity(logicalId, `Resources.${logicalId}`);
  const arn = identity.attributes.Arn ?? '';
  const policies = Array.isArray(properties.Policies) ? properties.Policies : [];
  return {
    arn,
    name: identity.ref,
    accountId: cfn.stack.accountId,
    trustPolicy: statementsOf(properties.AssumeRolePolicyDocument),
    policies: policies.flatMap((policy) =>
      statementsOf((policy as { PolicyDocument?: unknown }).PolicyDocument),
    ),
    maxSessionDuration: Number(properties.MaxSessionDuration ?? 3600),
  };
}

/**
 * A state machine: its DefinitionString (or Definition) with DefinitionSubstitutions applied, as
 * CloudFormation hands it to Step Functions. A placeholder without a substitution is an error.
 */
export function readStateMachine(
  cfn: CloudFormationResolver,
  logicalId: string,
  resource: TemplateResource,
): DeployedStateMachine {
  const path = `Resources.${logicalId}.Properties`;
  const properties = resolved(cfn, logicalId, resource);
  const identity = cfn.identity(logicalId, `Resources.${logicalId}`);
  const raw = properties.DefinitionString ?? properties.Definition;
  let definitionString = typeof raw === 'string' ? raw : JSON.stringify(raw ?? null);
  const substitutions: Record<string, string> = {};
  for (const [name, value] of Object.entries(
    (properties.DefinitionSubstitutions ?? {}) as Record<string, unknown>,
  )) {
    substitutions[name] = cfn.resolveString(value, `${path}.DefinitionSubstitutions.${name}`);
  }
  definitionString = definitionString.replace(
    /\$\{([^}]+)\}/g,
    (whole, name: string) => substitutions[name] ?? whole,
  );
  const missing = [...definitionString.matchAll(/\$\{([^}]+)\}/g)].map((match) => match[1]);
  if (missing.length > 0) {
    throw new TemplateError(
      `${path}: the definition uses \${${missing.join('}, ${')}} but DefinitionSubstitutions does not set ${missing.length > 1 ? 'them' : 'it'}.`,
    );
  }
  let definition: unknown;
  try {
    definition = JSON.parse(definitionString);
  } catch (error) {
    throw new TemplateError(`${path}.DefinitionString is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!isPlainObject(definition))
    throw new TemplateError(`${path}.DefinitionString must hold a JSON object.`);
  return {
    logicalId,
    name: identity.attributes.Name ?? '',
    arn: identity.ref,
    type: properties.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
    roleArn: cfn.resolveString(properties.RoleArn, `${path}.RoleArn`),
    substitutions,
    definitionString,
    definition,
  };
}

/** An AWS::Events::EventBusPolicy's statements, with the bus it is on. */
export function readBusPolicy(
  cfn: CloudFormationResolver,
  logicalId: string,
  resource: TemplateResource,
): { busName: string; statements: PolicyStatement[] } {
  const properties = resolved(cfn, logicalId, resource);
  const busName = busNameOf(String(properties.EventBusName ?? 'default'));
  if (isPlainObject(properties.Statement)) {
    return {
      busName,
      statements: [
        { Sid: properties.StatementId as string, ...(properties.Statement as unknown as PolicyStatement) },
      ],
    };
  }
  if (isPlainObject(properties.Policy)) return { busName, statements: statementsOf(properties.Policy) };
  // The legacy form: Action, Principal (an account id or '*'), Condition { Type, Key, Value }.
  const principal = String(properties.Principal ?? '');
  const condition = properties.Condition as { Key?: string; Value?: string } | undefined;
  return {
    busName,
    statements: [
      {
        Sid: properties.StatementId as string,
        Effect: 'Allow',
        Principal: principal === '*' ? '*' : { AWS: `arn:aws:iam::${principal || cfn.stack.accountId}:root` },
        Action: String(properties.Action ?? 'events:PutEvents'),
        ...(condition?.Key !== undefined && condition.Value !== undefined
          ? { Condition: { StringEquals: { [condition.Key]: condition.Value } } }
          : {}),
      },
    ],
  };
}

export function readEventBus(
  cfn: CloudFormationResolver,
  logicalId: string,
): Omit<DeployedEventBus, 'policy'> {
  const identity = cfn.identity(logicalId, `Resources.${logicalId}`);
  return { logicalId, name: identity.attributes.Name ?? identity.ref, arn: identity.attributes.Arn ?? '' };
}

export function readTable(
  cfn: CloudFormationResolver,
  logicalId: string,
  resource: TemplateResource,
): DeployedTable {
  const path = `Resources.${logicalId}.Properties`;
  const identity = cfn.identity(logicalId, `Resources.${logicalId}`);
  const properties = resolved(cfn, logicalId, resource);
  const ttl = properties.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  if (!Array.isArray(properties.KeySchema)) throw new TemplateError(`${path}.KeySchema is required.`);
  return {
    logicalId,
    name: identity.ref,
    arn: identity.attributes.Arn ?? '',
    keySchema: properties.KeySchema as DeployedTable['keySchema'],
    attributeDefinitions: (properties.AttributeDefinitions ?? []) as DeployedTable['attributeDefinitions'],
    billingMode: String(properties.BillingMode ?? 'PROVISIONED'),
    ...(ttl?.Enabled === true && ttl.AttributeName !== undefined
      ? { timeToLiveAttribute: ttl.AttributeName }
      : {}),
  };
}

/** Topics with their subscriptions: their own Subscription list and AWS::SNS::Subscription resources. */
export function readTopics(cfn: CloudFormationResolver): DeployedTopic[] {
  const subscriptions = existing(cfn, 'AWS::SNS::Subscription').map(([logicalId, resource]) => {
    const properties = resolved(cfn, logicalId, resource);
    return {
      topicArn: String(properties.TopicArn),
      protocol: String(properties.Protocol),
      endpoint: String(properties.Endpoint),
    };
  });
  return existing(cfn, 'AWS::SNS::Topic').map(([logicalId, resource]) => {
    const identity = cfn.identity(logicalId, `Resources.${logicalId}`);
    const own = resolved(cfn, logicalId, resource).Subscription;
    return {
      logicalId,
      name: identity.attributes.TopicName ?? '',
      arn: identity.ref,
      subscriptions: [
        ...(Array.isArray(own) ? own : []).map((s: Record<string, unknown>) => ({
          protocol: String(s.Protocol),
          endpoint: String(s.Endpoint),
        })),
        ...subscriptions
          .filter((s) => s.topicArn === identity.ref)
          .map(({ protocol, endpoint }) => ({ protocol, endpoint })),
      ],
    };
  });
}

export function readQueue(cfn: CloudFormationResolver, logicalId: string): DeployedQueue {
  const identity = cfn.identity(logicalId, `Resources.${logicalId}`);
  return {
    logicalId,
    name: identity.attributes.QueueName ?? '',
    arn: identity.attributes.Arn ?? '',
    url: identity.ref,
  };
}

function targetKind(arn: string): TargetKind {
  const service = arn.split(':')[2];
  switch (service) {
    case 'states':
    case 'sns':
    case 'events':
    case 'lambda':
    case 'sqs':
      return service;
    default:
      return 'other';
  }
}

export function readRule(
  cfn: CloudFormationResolver,
  logicalId: string,
  resource: TemplateResource,
): DeployedRule {
  const path = `Resources.${logicalId}.Properties`;
  const identity = cfn.identity(logicalId, `Resources.${logicalId}`);
  const properties = resolved(cfn, logicalId, resource);
  let eventPattern = properties.EventPattern;
  if (typeof eventPattern === 'string') {
    try {
      eventPattern = JSON.parse(eventPattern);
    } catch (error) {
      throw new TemplateError(`${path}.EventPattern is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const arn = identity.attributes.Arn ?? '';
  const targets = (Array.isArray(properties.Targets) ? properties.Targets : []).map(
    (raw: Record<string, unknown>, index: number): DeployedTarget => {
      const retry = (raw.RetryPolicy ?? {}) as {
        MaximumRetryAttempts?: number;
        MaximumEventAgeInSeconds?: number;
      };
      const deadLetter = raw.DeadLetterConfig as { Arn?: string } | undefined;
      const targetArn = raw.Arn;
      if (typeof targetArn !== 'string')
        throw new TemplateError(`${path}.Targets[${index}].Arn is required.`);
      return {
        id: String(raw.Id ?? index),
        arn: targetArn,
        kind: targetKind(targetArn),
        ...(typeof raw.RoleArn === 'string' ? { roleArn: raw.RoleArn } : {}),
        ...(typeof raw.Input === 'string' ? { input: raw.Input } : {}),
        ...(typeof raw.InputPath === 'string' ? { inputPath: raw.InputPath } : {}),
        ...(isPlainObject(raw.InputTransformer)
          ? { inputTransformer: raw.InputTransformer as DeployedTarget['inputTransformer'] & object }
          : {}),
        retryPolicy: {
          maximumRetryAttempts: retry.MaximumRetryAttempts ?? 185,
          maximumEventAgeInSeconds: retry.MaximumEventAgeInSeconds ?? 86_400,
        },
        ...(deadLetter?.Arn !== undefined ? { deadLetterArn: deadLetter.Arn } : {}),
      };
    },
  );
  return {
    logicalId,
    name: arn.slice(arn.lastIndexOf('/') + 1),
    arn,
    eventBusName: busNameOf(String(properties.EventBusName ?? 'default')),
    ...(typeof properties.Description === 'string' ? { description: properties.Description } : {}),
    state: properties.State === 'DISABLED' ? 'DISABLED' : 'ENABLED',
    ...(isPlainObject(eventPattern) ? { eventPattern } : {}),
    ...(typeof properties.ScheduleExpression === 'string'
      ? { scheduleExpression: properties.ScheduleExpression }
      : {}),
    targets,
  };
}

/** A statement an AWS::Lambda::Permission adds to a function's resource policy. */
export interface DeployedPermission {
  /** Name, partial ARN or ARN of the function, as FunctionName resolved. */
  functionName: string;
  statement: {
    Sid: string;
    Effect: 'Allow';
    Principal: { Service?: string; AWS?: string };
    Action: string;
    Resource: string;
    Condition?: Record<string, Record<string, string>>;
  };
}

/** The statement `AddPermission` would write for the resource's properties (Principal, SourceArn, SourceAccount). */
export function readPermission(
  cfn: CloudFormationResolver,
  logicalId: string,
  resource: TemplateResource,
): DeployedPermission {
  const path = `Resources.${logicalId}.Properties`;
  const properties = resolved(cfn, logicalId, resource);
  const functionName = cfn.resolveString(properties.FunctionName, `${path}.FunctionName`);
  const principal = cfn.resolveString(properties.Principal, `${path}.Principal`);
  const { accountId, region, partition } = cfn.stack;
  const condition: Record<string, Record<string, string>> = {};
  if (properties.SourceAccount !== undefined) {
    condition.StringEquals = {
      'AWS:SourceAccount': cfn.resolveString(properties.SourceAccount, `${path}.SourceAccount`),
    };
  }
  if (properties.SourceArn !== undefined) {
    condition.ArnLike = { 'AWS:SourceArn': cfn.resolveString(properties.SourceArn, `${path}.SourceArn`) };
  }
  return {
    functionName,
    statement: {
      Sid: logicalId,
      Effect: 'Allow',
      Principal: /^\d{12}$/.test(principal)
        ? { AWS: `arn:${partition}:iam::${principal}:root` }
        : principal.includes(':')
          ? { AWS: principal }
          : { Service: principal },
      Action: cfn.resolveString(properties.Action, `${path}.Action`),
      Resource: functionName.startsWith('arn:')
        ? functionName
        : `arn:${partition}:lambda:${region}:${accountId}:function:${functionName}`,
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    },
  };
}
