import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CloudFormationResolver, type TemplateResource } from './cloudformation.js';
import { lambdaLogicalId } from './naming.js';
import { busNameOf } from './physical-ids.js';
import { type CompiledStateMachine, compileTemplate } from './template.js';
import { DeploymentConfigError, resolveServerlessVariables } from './variables.js';
import { parseServerlessYaml } from './yaml.js';

export { DeploymentConfigError } from './variables.js';

/** A function of the hub, as `serverless deploy` would create it. */
export interface DeployedFunctionConfig {
  /** Key under `functions:` (verifyFunction). */
  key: string;
  logicalId: string;
  /** `<service>-<stage>-<key>` unless the function sets `name`. */
  name: string;
  arn: string;
  /** As written in serverless.yml: functions/verify-function/handler.handler. */
  handler: string;
  /** Absolute path of the bundle `npm run build` writes for it: <serviceDir>/.build/verify-function/handler.mjs. */
  modulePath: string;
  exportName: string;
  runtime: string;
  architecture: string;
  timeoutSeconds: number;
  memorySize: number;
  reservedConcurrency?: number;
  /** provider.environment merged with the function's, every CloudFormation function resolved. */
  environment: Record<string, string>;
  roleArn: string;
  description?: string;
}

export interface DeployedStateMachine {
  key: string;
  logicalId: string;
  name: string;
  arn: string;
  type: 'STANDARD' | 'EXPRESS';
  roleArn: string;
  /** Absolute path of the ASL file when the definition is `${file(…)}`. */
  definitionPath?: string;
  /** DefinitionSubstitutions, resolved. */
  substitutions: Record<string, string>;
  /** The definition as AWS stores it: substitutions applied. */
  definitionString: string;
  definition: Record<string, unknown>;
}

/** A statement of an event bus's resource policy (AWS::Events::EventBusPolicy). */
export interface BusPolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal: '*' | { AWS?: string | string[]; Service?: string | string[] };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface DeployedEventBus {
  logicalId: string;
  name: string;
  arn: string;
  policy: BusPolicyStatement[];
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

/** What the local stack deploys for the hub in one account and Region, read from serverless.yml alone. */
export interface Deployment {
  service: string;
  stage: string;
  region: string;
  accountId: string;
  partition: string;
  stackName: string;
  /** The folder of serverless.yml. */
  serviceDir: string;
  /** The deploy-time params in effect (--param, then the stage's, then `default`). */
  params: Record<string, unknown>;
  functions: DeployedFunctionConfig[];
  /** The hub's workflow: serverless.yml must declare exactly one. */
  stateMachine: DeployedStateMachine;
  stateMachines: DeployedStateMachine[];
  /** The hub bus: the one AWS::Events::EventBus of the stack. */
  eventBus: DeployedEventBus;
  eventBuses: DeployedEventBus[];
  /** The idempotency table: the one AWS::DynamoDB::Table of the stack. */
  table: DeployedTable;
  tables: DeployedTable[];
  topics: DeployedTopic[];
  queues: DeployedQueue[];
  /** Rules on the hub bus and on the account's default bus. */
  rules: DeployedRule[];
}

export interface ReadDeploymentOptions {
  /** Path of serverless.yml. */
  serverlessYml: string;
  /** The account the hub is deployed in: AWS::AccountId and `${aws:accountId}`. */
  hubAccountId: string;
  /** `--stage`; default: provider.stage as serverless resolves it. */
  stage?: string;
  /** `--region`; default: provider.region as serverless resolves it. */
  region?: string;
  partition?: string;
  /** `--param="name=value"` (e.g. organizationId from the world file). */
  params?: Record<string, string>;
  /** Other CLI options the `opt` source may read. */
  options?: Record<string, string>;
  /** The `env` source; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where `npm run build` writes the bundles; default <serviceDir>/.build. */
  buildDir?: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function only<T>(items: T[], what: string, file: string): T {
  if (items.length !== 1 || items[0] === undefined) {
    throw new DeploymentConfigError(
      `${file} must declare exactly one ${what} for the hub; it declares ${items.length}.`,
    );
  }
  return items[0];
}

/**
 * Reads what `serverless deploy` would create for the hub from serverless.yml, the one source of
 * truth: functions with their resolved environment, the state machine with its definition and
 * substitutions, the hub bus and its policy, the table, topics, queues and rules. Variables are
 * resolved by osls's own resolver and CloudFormation functions against this account and Region,
 * so nothing is written twice. Anything that cannot be resolved is an error naming the key.
 *
 * @example
 * const hub = await readDeployment({ serverlessYml: 'serverless.yml', hubAccountId: '111111111111',
 *   region: 'eu-west-1', params: { organizationId: world.organizationId } });
 */
export async function readDeployment(input: ReadDeploymentOptions): Promise<Deployment> {
  const file = resolve(input.serverlessYml);
  const serviceDir = dirname(file);
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new DeploymentConfigError(`Cannot read ${file}: ${error.message}`, { cause: error });
  });
  const raw = parseServerlessYaml(text, file);
  if (!isPlainObject(raw)) throw new DeploymentConfigError(`${file} must hold a mapping.`);
  const configuration = structuredClone(raw);
  const cliOptions: Record<string, string> = { ...(input.options ?? {}) };
  if (input.stage !== undefined) cliOptions.stage = input.stage;
  if (input.region !== undefined) cliOptions.region = input.region;
  const { stage, params } = await resolveServerlessVariables(configuration, {
    serviceDir,
    options: cliOptions,
    params: input.params ?? {},
    env: input.env ?? process.env,
    accountId: input.hubAccountId,
  });
  const provider = isPlainObject(configuration.provider) ? configuration.provider : {};
  const region = input.region ?? (typeof provider.region === 'string' ? provider.region : 'us-east-1');
  const service = String(configuration.service);
  const stackName = `${service}-${stage}`;
  const partition = input.partition ?? 'aws';
  const compiled = compileTemplate(configuration, stage);
  const cfn = new CloudFormationResolver(compiled.template, {
    stackName,
    accountId: input.hubAccountId,
    region,
    partition,
  });
  const existing = (type: string) =>
    Object.entries(compiled.template.Resources).filter(
      ([logicalId, resource]) => resource.Type === type && cfn.exists(logicalId),
    );
  const buildDir = input.buildDir ?? join(serviceDir, '.build');

  const functions = compiled.functions.map(({ key, logicalId, config }) =>
    readFunction(
      cfn,
      key,
      logicalId,
      config,
      compiled.template.Resources[logicalId] as TemplateResource,
      buildDir,
    ),
  );
  const functionKeys = new Set(compiled.functions.map((fn) => fn.key));
  const rawMachines =
    isPlainObject(raw.stepFunctions) && isPlainObject(raw.stepFunctions.stateMachines)
      ? raw.stepFunctions.stateMachines
      : {};
  const stateMachines = compiled.stateMachines.map((machine) =>
    readStateMachine(cfn, machine, functionKeys, rawMachines[machine.key], serviceDir),
  );
  const policies = existing('AWS::Events::EventBusPolicy');
  const eventBuses = existing('AWS::Events::EventBus').map(([logicalId]) => {
    const identity = cfn.identity(logicalId, `Resources.${logicalId}`);
    const name = identity.attributes.Name ?? identity.ref;
    return {
      logicalId,
      name,
      arn: identity.attributes.Arn ?? '',
      policy: policies.flatMap(([policyId, resource]) =>
        busPolicy(cfn, policyId, resource, name, input.hubAccountId),
      ),
    };
  });
  const tables = existing('AWS::DynamoDB::Table').map(([logicalId, resource]) =>
    readTable(cfn, logicalId, resource),
  );
  const subscriptions = existing('AWS::SNS::Subscription').map(([logicalId, resource]) => {
    const properties = cfn.resolve(resource.Properties ?? {}, `Resources.${logicalId}.Properties`) as Record<
      string,
      unknown
    >;
    return {
      topicArn: String(properties.TopicArn),
      protocol: String(properties.Protocol),
      endpoint: String(properties.Endpoint),
    };
  });
  const topics = existing('AWS::SNS::Topic').map(([logicalId, resource]) => {
    const identity = cfn.identity(logicalId, `Resources.${logicalId}`);
    const own = cfn.resolve(
      resource.Properties?.Subscription ?? [],
      `Resources.${logicalId}.Properties.Subscription`,
    );
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
  const queues = existing('AWS::SQS::Queue').map(([logicalId]) => {
    const identity = cfn.identity(logicalId, `Resources.${logicalId}`);
    return {
      logicalId,
      name: identity.attributes.QueueName ?? '',
      arn: identity.attributes.Arn ?? '',
      url: identity.ref,
    };
  });
  const rules = existing('AWS::Events::Rule').map(([logicalId, resource]) =>
    readRule(cfn, logicalId, resource),
  );

  return {
    service,
    stage,
    region,
    accountId: input.hubAccountId,
    partition,
    stackName,
    serviceDir,
    params,
    functions,
    stateMachine: only(stateMachines, 'state machine (stepFunctions.stateMachines)', file),
    stateMachines,
    eventBus: only(eventBuses, 'custom event bus (AWS::Events::EventBus)', file),
    eventBuses,
    table: only(tables, 'DynamoDB table (AWS::DynamoDB::Table)', file),
    tables,
    topics,
    queues,
    rules,
  };
}

function readFunction(
  cfn: CloudFormationResolver,
  key: string,
  logicalId: string,
  config: Record<string, unknown>,
  resource: TemplateResource,
  buildDir: string,
): DeployedFunctionConfig {
  const path = `functions.${key}`;
  const properties = resource.Properties ?? {};
  const handler = cfn.resolveString(properties.Handler, `${path}.handler`);
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) {
    throw new DeploymentConfigError(
      `${path}.handler must be <file>.<export> (functions/<name>/handler.handler), not "${handler}".`,
    );
  }
  const module = handler.slice(0, dot).replace(/^\.\//, '');
  const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;
  const functionEnvironment = isPlainObject(config.environment) ? config.environment : {};
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    const where =
      name in functionEnvironment ? `${path}.environment.${name}` : `provider.environment.${name}`;
    environment[name] = cfn.resolveString(value, where);
  }
  const identity = cfn.identity(logicalId, path);
  const reserved = properties.ReservedConcurrentExecutions;
  const description = properties.Description;
  return {
    key,
    logicalId,
    name: identity.ref,
    arn: identity.attributes.Arn ?? '',
    handler,
    modulePath: join(buildDir, `${module.replace(/^functions\//, '')}.mjs`),
    exportName: handler.slice(dot + 1),
    runtime: cfn.resolveString(properties.Runtime, `${path}.runtime`),
    architecture: cfn.resolveString((properties.Architectures as unknown[])[0], `${path}.architecture`),
    timeoutSeconds: Number(cfn.resolveString(properties.Timeout, `${path}.timeout`)),
    memorySize: Number(cfn.resolveString(properties.MemorySize, `${path}.memorySize`)),
    ...(reserved !== undefined
      ? { reservedConcurrency: Number(cfn.resolveString(reserved, `${path}.reservedConcurrency`)) }
      : {}),
    environment,
    roleArn: cfn.resolveString(properties.Role, `${path}.role`),
    ...(description !== undefined
      ? { description: cfn.resolveString(description, `${path}.description`) }
      : {}),
  };
}

/** serverless-step-functions lets a definition name a function by its key: `!GetAtt verifyFunction.Arn`. */
function translateFunctionKeys(value: unknown, functionKeys: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => translateFunctionKeys(item, functionKeys));
  if (!isPlainObject(value)) return value;
  const getAtt = value['Fn::GetAtt'];
  if (
    Array.isArray(getAtt) &&
    typeof getAtt[0] === 'string' &&
    functionKeys.has(getAtt[0]) &&
    Object.keys(value).length === 1
  ) {
    return { 'Fn::GetAtt': [lambdaLogicalId(getAtt[0]), ...getAtt.slice(1)] };
  }
  const ref = value.Ref;
  if (typeof ref === 'string' && functionKeys.has(ref) && Object.keys(value).length === 1) {
    return { 'Fn::GetAtt': [lambdaLogicalId(ref), 'Arn'] };
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, translateFunctionKeys(item, functionKeys)]),
  );
}

function readStateMachine(
  cfn: CloudFormationResolver,
  machine: CompiledStateMachine,
  functionKeys: Set<string>,
  rawConfig: unknown,
  serviceDir: string,
): DeployedStateMachine {
  const path = `stepFunctions.stateMachines.${machine.key}`;
  const resource = cfn.template.Resources[machine.logicalId] as TemplateResource;
  const properties = resource.Properties ?? {};
  const identity = cfn.identity(machine.logicalId, path);
  const rawDefinition = isPlainObject(rawConfig) ? rawConfig.definition : undefined;
  const fileMatch =
    typeof rawDefinition === 'string' ? /^\$\{file\(([^)]+)\)\}$/.exec(rawDefinition.trim()) : null;
  const definitionPath =
    fileMatch?.[1] === undefined
      ? undefined
      : isAbsolute(fileMatch[1])
        ? fileMatch[1]
        : join(serviceDir, fileMatch[1]);

  let definition: unknown = machine.config.definition;
  if (typeof definition === 'string') {
    try {
      definition = JSON.parse(definition);
    } catch (error) {
      throw new DeploymentConfigError(`${path}.definition is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (!isPlainObject(definition)) {
    throw new DeploymentConfigError(
      `${path}.definition is missing: point it at the ASL file with \${file(…)}.`,
    );
  }
  // Intrinsic functions inside the definition and the plugin's #{AWS::Region} pseudo parameters.
  const resolved = cfn.resolve(translateFunctionKeys(definition, functionKeys), `${path}.definition`);
  let definitionString = JSON.stringify(resolved, null, 2).replace(/#\{([^}]+)\}/g, (_whole, name: string) =>
    cfn.resolveString({ Ref: name }, `${path}.definition (#{${name}})`),
  );
  const substitutionsSource = properties.DefinitionSubstitutions ?? {};
  const substitutions: Record<string, string> = {};
  for (const [name, value] of Object.entries(substitutionsSource as Record<string, unknown>)) {
    substitutions[name] = cfn.resolveString(value, `${path} DefinitionSubstitutions.${name}`);
  }
  definitionString = definitionString.replace(
    /\$\{([^}]+)\}/g,
    (whole, name: string) => substitutions[name] ?? whole,
  );
  const missing = [...definitionString.matchAll(/\$\{([^}]+)\}/g)].map((match) => match[1]);
  if (missing.length > 0) {
    throw new DeploymentConfigError(
      `${path}: the definition uses \${${missing.join('}, ${')}} but DefinitionSubstitutions does not set ${missing.length > 1 ? 'them' : 'it'}. Add ${missing.length > 1 ? 'them' : 'it'} to resources.extensions.${machine.logicalId}.Properties.DefinitionSubstitutions.`,
    );
  }
  const type = cfn.resolveString(properties.StateMachineType ?? 'STANDARD', `${path}.type`);
  return {
    key: machine.key,
    logicalId: machine.logicalId,
    name: identity.attributes.Name ?? '',
    arn: identity.ref,
    type: type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
    roleArn: cfn.resolveString(properties.RoleArn, `${path}.role`),
    ...(definitionPath !== undefined ? { definitionPath } : {}),
    substitutions,
    definitionString,
    definition: JSON.parse(definitionString) as Record<string, unknown>,
  };
}

function busPolicy(
  cfn: CloudFormationResolver,
  logicalId: string,
  resource: TemplateResource,
  busName: string,
  accountId: string,
): BusPolicyStatement[] {
  const path = `Resources.${logicalId}.Properties`;
  const properties = cfn.resolve(resource.Properties ?? {}, path) as Record<string, unknown>;
  if (busNameOf(String(properties.EventBusName ?? 'default')) !== busName) return [];
  if (isPlainObject(properties.Statement)) {
    return [
      { Sid: properties.StatementId as string, ...(properties.Statement as unknown as BusPolicyStatement) },
    ];
  }
  if (isPlainObject(properties.Policy) && Array.isArray(properties.Policy.Statement)) {
    return properties.Policy.Statement as BusPolicyStatement[];
  }
  // The legacy form: Action, Principal (an account id or '*'), Condition { Type, Key, Value }.
  const principal = String(properties.Principal ?? '');
  const condition = properties.Condition as { Key?: string; Value?: string } | undefined;
  return [
    {
      Sid: properties.StatementId as string,
      Effect: 'Allow',
      Principal: principal === '*' ? '*' : { AWS: `arn:aws:iam::${principal || accountId}:root` },
      Action: String(properties.Action ?? 'events:PutEvents'),
      ...(condition?.Key !== undefined && condition.Value !== undefined
        ? { Condition: { StringEquals: { [condition.Key]: condition.Value } } }
        : {}),
    },
  ];
}

function readTable(
  cfn: CloudFormationResolver,
  logicalId: string,
  resource: TemplateResource,
): DeployedTable {
  const path = `Resources.${logicalId}.Properties`;
  const identity = cfn.identity(logicalId, `Resources.${logicalId}`);
  const properties = cfn.resolve(resource.Properties ?? {}, path) as Record<string, unknown>;
  const ttl = properties.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  if (!Array.isArray(properties.KeySchema)) throw new DeploymentConfigError(`${path}.KeySchema is required.`);
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

function readRule(cfn: CloudFormationResolver, logicalId: string, resource: TemplateResource): DeployedRule {
  const path = `Resources.${logicalId}.Properties`;
  const identity = cfn.identity(logicalId, `Resources.${logicalId}`);
  const properties = cfn.resolve(resource.Properties ?? {}, path) as Record<string, unknown>;
  let eventPattern = properties.EventPattern;
  if (typeof eventPattern === 'string') {
    try {
      eventPattern = JSON.parse(eventPattern);
    } catch (error) {
      throw new DeploymentConfigError(`${path}.EventPattern is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const arn = identity.attributes.Arn ?? '';
  const name = arn.slice(arn.lastIndexOf('/') + 1);
  const targets = (Array.isArray(properties.Targets) ? properties.Targets : []).map(
    (raw: Record<string, unknown>, index: number): DeployedTarget => {
      const retry = (raw.RetryPolicy ?? {}) as {
        MaximumRetryAttempts?: number;
        MaximumEventAgeInSeconds?: number;
      };
      const deadLetter = raw.DeadLetterConfig as { Arn?: string } | undefined;
      const targetArn = raw.Arn;
      if (typeof targetArn !== 'string')
        throw new DeploymentConfigError(`${path}.Targets[${index}].Arn is required.`);
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
    name,
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
