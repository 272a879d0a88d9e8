import type { Template, TemplateResource } from './cloudformation.js';
import {
  DEFAULT_LAMBDA_ROLE_LOGICAL_ID,
  lambdaLogicalId,
  logGroupLogicalId,
  stateMachineLogicalId,
} from './naming.js';
import { DeploymentConfigError } from './variables.js';

/**
 * Turns a resolved serverless.yml into the CloudFormation template `serverless package` would write,
 * for the resources the local stack reads: the functions and their log groups and default role
 * (osls), the state machines (serverless-step-functions), then `resources` merged in (an array of
 * fragments is merged first, as osls does) and `resources.extensions` applied to generated resources.
 */

export interface CompiledFunction {
  key: string;
  logicalId: string;
  config: Record<string, unknown>;
}

export interface CompiledStateMachine {
  key: string;
  logicalId: string;
  config: Record<string, unknown>;
}

export interface CompiledTemplate {
  template: Template;
  functions: CompiledFunction[];
  stateMachines: CompiledStateMachine[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** osls's mergePlainObjects: nested plain objects merged key by key, anything else replaced. */
export function mergePlainObjects(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    target[key] = isPlainObject(current) && isPlainObject(value) ? mergePlainObjects(current, value) : value;
  }
  return target;
}

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new DeploymentConfigError(`${path} must be a mapping in serverless.yml.`);
  return value;
}

/** A function's `role`: a logical id of this stack, an ARN, or a CloudFormation function. */
function roleArnOf(role: unknown): unknown {
  if (role === undefined || role === null) return { 'Fn::GetAtt': [DEFAULT_LAMBDA_ROLE_LOGICAL_ID, 'Arn'] };
  if (typeof role === 'string') return role.startsWith('arn:') ? role : { 'Fn::GetAtt': [role, 'Arn'] };
  return role;
}

export function compileTemplate(configuration: Record<string, unknown>, stage: string): CompiledTemplate {
  const service = configuration.service;
  if (typeof service !== 'string' || service === '') {
    throw new DeploymentConfigError('serverless.yml has no `service` name.');
  }
  const provider = objectAt(configuration.provider, 'provider');
  const providerIam = objectAt(provider.iam, 'provider.iam');
  const providerRole = providerIam.role ?? provider.role;
  const resources: Record<string, TemplateResource> = {};

  const functions = Object.entries(objectAt(configuration.functions, 'functions')).map(([key, raw]) => {
    const config = objectAt(raw, `functions.${key}`);
    const logicalId = lambdaLogicalId(key);
    const name = typeof config.name === 'string' ? config.name : `${service}-${stage}-${key}`;
    const role = config.role ?? (isRoleReference(providerRole) ? providerRole : undefined);
    resources[logicalId] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: name,
        Handler: config.handler,
        Runtime: config.runtime ?? provider.runtime ?? 'nodejs20.x',
        MemorySize: config.memorySize ?? provider.memorySize ?? 1024,
        Timeout: config.timeout ?? provider.timeout ?? 6,
        Role: roleArnOf(role),
        Environment: {
          Variables: {
            ...objectAt(provider.environment, 'provider.environment'),
            ...objectAt(config.environment, `functions.${key}.environment`),
          },
        },
        ...(config.reservedConcurrency !== undefined
          ? { ReservedConcurrentExecutions: config.reservedConcurrency }
          : {}),
        ...(config.description !== undefined ? { Description: config.description } : {}),
        Architectures: [config.architecture ?? provider.architecture ?? 'x86_64'],
      },
    };
    resources[logGroupLogicalId(key)] = {
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: `/aws/lambda/${name}` },
    };
    if (role === undefined) {
      const customName = isPlainObject(providerRole) ? providerRole.name : undefined;
      resources[DEFAULT_LAMBDA_ROLE_LOGICAL_ID] = {
        Type: 'AWS::IAM::Role',
        Properties: {
          Path: '/',
          RoleName: customName ?? {
            'Fn::Join': ['-', [service, stage, { Ref: 'AWS::Region' }, 'lambdaRole']],
          },
        },
      };
    }
    return { key, logicalId, config };
  });

  const stepFunctions = objectAt(configuration.stepFunctions, 'stepFunctions');
  const stateMachines = Object.entries(
    objectAt(stepFunctions.stateMachines, 'stepFunctions.stateMachines'),
  ).map(([key, raw]) => {
    const config = objectAt(raw, `stepFunctions.stateMachines.${key}`);
    const logicalId = stateMachineLogicalId(key, config);
    const roleLogicalId = `${logicalId}Role`;
    if (config.role === undefined)
      resources[roleLogicalId] = { Type: 'AWS::IAM::Role', Properties: { Path: '/' } };
    resources[logicalId] = {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        ...(typeof config.name === 'string' ? { StateMachineName: config.name } : {}),
        StateMachineType: config.type ?? 'STANDARD',
        RoleArn: config.role ?? { 'Fn::GetAtt': [roleLogicalId, 'Arn'] },
        ...(config.definitionSubstitutions !== undefined
          ? { DefinitionSubstitutions: config.definitionSubstitutions }
          : {}),
      },
    };
    return { key, logicalId, config };
  });

  const user = mergedResources(configuration.resources);
  const extensions = objectAt(user.extensions, 'resources.extensions');
  const template: Template = {
    Resources: { ...resources, ...objectAt(user.Resources, 'resources.Resources') } as Record<
      string,
      TemplateResource
    >,
    Conditions: objectAt(user.Conditions, 'resources.Conditions'),
    Mappings: objectAt(user.Mappings, 'resources.Mappings') as Template['Mappings'],
    Parameters: objectAt(user.Parameters, 'resources.Parameters') as Template['Parameters'],
  };
  applyExtensions(template, extensions);
  return { template, functions, stateMachines };
}

/** provider.iam.role names an existing role (string or CloudFormation function) rather than configuring the default one. */
function isRoleReference(role: unknown): boolean {
  if (typeof role === 'string') return true;
  if (!isPlainObject(role)) return false;
  const keys = Object.keys(role);
  return keys.length === 1 && (keys[0] === 'Ref' || (keys[0] ?? '').startsWith('Fn::'));
}

function mergedResources(resources: unknown): Record<string, unknown> {
  if (Array.isArray(resources)) {
    return resources.reduce<Record<string, unknown>>((memo, fragment, index) => {
      if (fragment === null || fragment === undefined) return memo;
      if (!isPlainObject(fragment)) {
        throw new DeploymentConfigError(
          `resources[${index}] must be a mapping (Resources, Outputs, Conditions, extensions); it is ${JSON.stringify(fragment)}. A \${file(…)} there must point at a file that exists.`,
        );
      }
      return mergePlainObjects(memo, fragment);
    }, {});
  }
  return objectAt(resources, 'resources');
}

/** osls's `resources.extensions`: Properties shallow-merged into generated resources, a few attributes set. */
function applyExtensions(template: Template, extensions: Record<string, unknown>): void {
  for (const [logicalId, raw] of Object.entries(extensions)) {
    const target = template.Resources[logicalId];
    if (target === undefined) {
      throw new DeploymentConfigError(
        `resources.extensions.${logicalId}: cannot extend "${logicalId}", as it's not found in the generated stack.`,
      );
    }
    for (const [attribute, value] of Object.entries(objectAt(raw, `resources.extensions.${logicalId}`))) {
      if (attribute === 'Properties') {
        target.Properties = {
          ...(target.Properties ?? {}),
          ...objectAt(value, `resources.extensions.${logicalId}.Properties`),
        };
      } else {
        target[attribute] = value;
      }
    }
  }
}
