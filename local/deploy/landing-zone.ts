import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedWorld } from '../world/load.js';
import type { Template } from './cloudformation.js';
import { type DeployedStack, deployTemplate } from './deploy.js';
import { TemplateError } from './errors.js';
import type { PackagedHub } from './package.js';
import type {
  DeployedEventBus,
  DeployedFunctionConfig,
  DeployedStateMachine,
  DeployedTable,
} from './resources.js';
import { parseTemplateYaml } from './yaml.js';

/** The hub stack in one Region, with the resources the CLI, the tests and the benchmarks look for. */
export interface HubDeployment {
  stack: DeployedStack;
  accountId: string;
  region: string;
  /** The bus member accounts forward to and the workflow publishes on: the stack's one bus. */
  eventBus: DeployedEventBus;
  /** The registration workflow (RegisterConnectorStateMachine). */
  stateMachine: DeployedStateMachine;
  /** The unregistration workflow (UnregisterConnectorStateMachine), when the hub has one. */
  unregisterStateMachine?: DeployedStateMachine;
  /** The idempotency table: the stack's one table. */
  table: DeployedTable;
  functions: DeployedFunctionConfig[];
}

/** Every stack of the world: the hub in each hub Region, the spoke in each member account and Region. */
export interface LandingZone {
  hubs: HubDeployment[];
  spokes: DeployedStack[];
}

/** The name the spoke's stack instances carry (a StackSet names them StackSet-<set>-<id>). */
export const SPOKE_STACK_NAME = 'StackSet-appflow-connector-registrar-spoke';

/**
 * Deploys the landing zone as the README tells a platform team to: the packaged hub into the hub
 * account in each of its Regions (`serverless deploy --region`), then spoke/template.yaml into every
 * account of the organization in every Region of the world, as a service-managed StackSet would, with
 * the parameters the README names (each Region's HubEventBusArn, the hub roles of every Region, the
 * organization, one RoleRegion) and the world's per-account overrides.
 *
 * @example
 * const zone = deployLandingZone(world, await packageHub({ root }), { spokeTemplatePath: 'spoke/template.yaml' });
 */
export function deployLandingZone(
  world: LoadedWorld,
  hub: PackagedHub,
  options: { spokeTemplatePath: string },
): LandingZone {
  const stackName = hubStackName(hub);
  const hubs = world.hub.regions.map((region) =>
    hubView(
      deployTemplate(hub.template, {
        stackName,
        accountId: world.hub.accountId,
        region,
        codeDir: hub.directory,
      }),
    ),
  );
  const spokeTemplate = readTemplate(options.spokeTemplatePath);
  const spokes: DeployedStack[] = [];
  for (const account of world.accounts) {
    if (account.spoke === false) continue;
    for (const region of worldRegions(world)) {
      spokes.push(
        deployTemplate(spokeTemplate, {
          stackName: SPOKE_STACK_NAME,
          accountId: account.accountId,
          region,
          parameters: { ...spokeParameters(world, hubs, region), ...account.spoke.parameters },
        }),
      );
    }
  }
  return { hubs, spokes };
}

/**
 * The spoke's parameters in one Region, as the README's StackSet commands pass them: the hub bus of
 * that Region (or of the first hub Region, a cross-Region target, where the hub is not deployed), the
 * function roles of every hub Region (the spoke role is global and trusts them all), the role created
 * in the first hub Region only, and the hub's spoke role name and ExternalId as the hub deployed them.
 */
export function spokeParameters(
  world: LoadedWorld,
  hubs: readonly HubDeployment[],
  region: string,
): Record<string, string> {
  const [first] = hubs;
  if (first === undefined) throw new TemplateError('The hub is deployed in no Region.');
  const local = hubs.find((hub) => hub.region === region) ?? first;
  const environment = first.functions[0]?.environment ?? {};
  return {
    HubAccountId: world.hub.accountId,
    HubEventBusArn: outputOf(local.stack, 'HubEventBusArn'),
    HubFunctionRoleArns: hubs.map((hub) => outputOf(hub.stack, 'HubFunctionRoleArns')).join(','),
    OrganizationId: world.organizationId,
    RoleRegion: first.region,
    ...(environment.SPOKE_ROLE_NAME ? { SpokeRoleName: environment.SPOKE_ROLE_NAME } : {}),
    ...(environment.SPOKE_EXTERNAL_ID ? { ExternalId: environment.SPOKE_EXTERNAL_ID } : {}),
  };
}

/** The Regions of the world: the hub's, then any other a function lives in. */
export function worldRegions(world: LoadedWorld): string[] {
  const regions = new Set(world.hub.regions);
  for (const account of world.accounts) for (const fn of account.functions) regions.add(fn.region);
  return [...regions];
}

/** The stack name `serverless deploy` gives the hub: <service>-<stage>. */
export function hubStackName(hub: PackagedHub): string {
  const state = JSON.parse(readFileSync(join(hub.directory, 'serverless-state.json'), 'utf8')) as {
    service: { service: string; provider: { stage: string } };
  };
  return `${state.service.service}-${state.service.provider.stage}`;
}

function readTemplate(path: string): Template {
  const text = readFileSync(path, 'utf8');
  const template = (path.endsWith('.json') ? JSON.parse(text) : parseTemplateYaml(text, path)) as Template;
  if (typeof template !== 'object' || template === null || typeof template.Resources !== 'object') {
    throw new TemplateError(`${path} is not a CloudFormation template: it has no Resources.`);
  }
  return template;
}

function outputOf(stack: DeployedStack, name: string): string {
  const output = stack.outputs[name];
  if (output === undefined) {
    throw new TemplateError(`The hub stack has no output ${name}: the spoke template's parameters need it.`);
  }
  return output.value;
}

function only<T>(items: readonly T[], what: string, stack: DeployedStack): T {
  if (items.length !== 1 || items[0] === undefined) {
    throw new TemplateError(`${stack.stackName} must hold exactly one ${what}; it holds ${items.length}.`);
  }
  return items[0];
}

/** The state machine of a logical ID: the hub has one per workflow. */
function machine(stack: DeployedStack, logicalId: string): DeployedStateMachine | undefined {
  return stack.stateMachines.find((candidate) => candidate.logicalId === logicalId);
}

function hubView(stack: DeployedStack): HubDeployment {
  const registration = machine(stack, 'RegisterConnectorStateMachine');
  const unregistration = machine(stack, 'UnregisterConnectorStateMachine');
  return {
    stack,
    accountId: stack.accountId,
    region: stack.region,
    eventBus: only(stack.eventBuses, 'event bus (AWS::Events::EventBus)', stack),
    stateMachine:
      registration ?? only(stack.stateMachines, 'state machine (AWS::StepFunctions::StateMachine)', stack),
    ...(unregistration ? { unregisterStateMachine: unregistration } : {}),
    table: only(stack.tables, 'DynamoDB table (AWS::DynamoDB::Table)', stack),
    functions: stack.functions,
  };
}
