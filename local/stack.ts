import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DeployedStack } from './deploy/deploy.js';
import { TemplateError } from './deploy/errors.js';
import { deployLandingZone, type HubDeployment, type LandingZone } from './deploy/landing-zone.js';
import { packageHub } from './deploy/package.js';
import { checkServiceRoles } from './deploy/service-roles.js';
import { createFaults, type FaultConfig, type Faults } from './faults.js';
import { type ServerLogEntry, startAwsServer } from './http/server.js';
import { RoleRegistry } from './iam/roles.js';
import { LocalIdentityRegistry } from './identity.js';
import {
  createFunctionRuntime,
  type FunctionRuntimeOptions,
  type LocalFunctionRuntime,
} from './runtime/index.js';
import type { StoreSnapshot } from './services/appflow/store.js';
import { type AppFlowService, createAppFlowService } from './services/appflow.js';
import {
  type CloudFormationService,
  createCloudFormationService,
  STACK_SET_DEPLOYMENT,
  serverlessDeployment,
} from './services/cloudformation.js';
import type { AlertMessage, DeadLetter } from './services/events.js';
import { createEventsService, type EventsService, settle } from './services/events.js';
import { applyEventInvokeConfigs } from './services/lambda/event-invoke-config.js';
import { createLambdaService, type LambdaService } from './services/lambda.js';
import { createSnsService } from './services/sns.js';
import { createStatesService, type StatesService } from './services/states.js';
import { createStsService, type StsService } from './services/sts.js';
import { createTaggingService } from './services/tagging.js';
import type { Caller, FunctionRegistry } from './types.js';
import { createFunctionRegistry, lambdaTimestamp } from './world/functions.js';
import { type LoadedWorld, loadWorld } from './world/load.js';

const ROOT = resolve(new URL('..', import.meta.url).pathname);

export const DEFAULT_WORLD = join(ROOT, 'local/worlds/default.json');
export const SPOKE_TEMPLATE = join(ROOT, 'spoke/template.yaml');

/**
 * Environments one function keeps at most (see StackOptions.runtime). Eight keep AppFlow's 10
 * requests per second fed in the 200-connector burst: a register invocation holds its environment
 * only briefly past its pacer slot (docs/benchmarks.md, section 3).
 */
export const DEFAULT_ENVIRONMENTS_PER_FUNCTION = 8;

export interface StackOptions {
  /** The world file (accounts, Regions, functions). Default local/worlds/default.json. */
  worldPath?: string;
  /** Port of the AWS endpoint on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Where DynamoDB keeps its data; without it, everything is in memory. */
  dataDir?: string;
  /** Fault injection; the seed defaults to 1. */
  faults?: Partial<FaultConfig>;
  /**
   * Multiplies every retry wait of the state machine and EventBridge: 1 is AWS's timing, 0.01
   * (what `registrar run` uses) turns a 64 s backoff into 0.64 s.
   */
  timeScale?: number;
  stage?: string;
  /** The hub's `--param`s (serverless package); organizationId defaults to the world's. */
  params?: Record<string, string>;
  /** The member-account template; default spoke/template.yaml. */
  spokeTemplatePath?: string;
  /** Environment variables added to the registrar's own functions (after serverless.yml's). */
  functionEnvironment?: Record<string, string>;
  /**
   * Runtime limits (see local/runtime). The stack's defaults differ from the runtime's in two: at
   * most 8 environments per function (further invocations wait for one) and as many cold starts at
   * once as the machine has cores (further ones wait their turn). On two shared cores, 200
   * environments of one function each pay their own cold start and first-invocation compile; a few
   * reused ones do the same work at a fraction of the CPU. `{ maxEnvironmentsPerFunction: Infinity,
   * maxConcurrentInits: Infinity }` restores one environment per concurrent invocation, as on AWS.
   */
  runtime?: Pick<
    FunctionRuntimeOptions,
    | 'maxEnvironments'
    | 'maxEnvironmentsPerFunction'
    | 'maxConcurrentInits'
    | 'defaultConcurrency'
    | 'maxConcurrentInvocations'
  >;
  /** Receives what went wrong inside the emulation (bad requests, unreachable DynamoDB); kept in `serverLog` too. */
  onServerLog?: (entry: ServerLogEntry) => void;
}

/** The running local stack: one endpoint, the emulated services, and what the CLI and tests inspect. */
export interface Stack {
  endpoint: string;
  world: LoadedWorld;
  /** Every deployed stack: the hub in each hub Region, the spoke in each member account and Region. */
  landingZone: LandingZone;
  identity: LocalIdentityRegistry;
  /** The roles the templates created. */
  roles: RoleRegistry;
  registry: FunctionRegistry;
  runtime: LocalFunctionRuntime;
  faults: Faults;
  appflow: AppFlowService;
  events: EventsService;
  states: StatesService;
  sts: StsService;
  /** Describes the deployed stacks (DescribeStacks, DescribeStackResources, ListStackResources). */
  cloudformation: CloudFormationService;
  /** The emulation's own warnings and errors, latest 1000 (not the functions' logs: runtime.logs). */
  serverLog: ServerLogEntry[];
  /** The hub stack in a Region. */
  hubIn(region: string): HubDeployment;
  /**
   * SDK client settings for a caller: the account's administrator, or (awsService) the stand-in for
   * an AWS service of that account, the only caller whose PutEvents may use an aws.* source.
   */
  clientConfig(
    accountId: string,
    region: string,
    options?: { awsService?: boolean },
  ): {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** Resolves when no delivery and no execution is pending. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the whole landing zone on this machine: DynamoDB (dynalite), the AWS emulation on one
 * loopback port, the world's accounts and connector functions, the packaged hub template deployed
 * into the hub account and Regions and the spoke template into every member account and Region.
 * The hub is packaged with `serverless package`, while the rest starts, unless this checkout
 * (.build/hub) or another on this machine packaged the same inputs before (local/deploy/package.ts).
 *
 * @example
 * const stack = await startStack({ timeScale: 0.01 });
 * const events = new EventBridgeClient(stack.clientConfig('222222222222', 'eu-west-1', { awsService: true }));
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const world = loadWorld(options.worldPath ?? DEFAULT_WORLD);
  const hubAccountId = world.hub.accountId;
  const timeScale = options.timeScale ?? 1;
  const cleanups: (() => Promise<void> | void)[] = [];

  // Packaging takes seconds when the cache misses; everything up to the deploy runs meanwhile.
  const packaging = packageHub({
    root: ROOT,
    stage: options.stage ?? 'dev',
    params: { organizationId: world.organizationId, ...options.params },
  });
  packaging.catch(() => undefined);

  try {
    const dynamo = await startDynalite(options.dataDir);
    cleanups.push(dynamo.close);

    const identity = new LocalIdentityRegistry(hubAccountId);
    const registry = createFunctionRegistry(world);
    const roles = new RoleRegistry((accountId) => {
      const account = world.accounts.find((candidate) => candidate.accountId === accountId);
      return account?.inOrganization ? world.organizationId : undefined;
    });

    let endpoint = '';
    const runtime = createFunctionRuntime({
      registry,
      identity,
      endpointUrl: () => endpoint,
      baseEnvironment: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      maxEnvironmentsPerFunction: DEFAULT_ENVIRONMENTS_PER_FUNCTION,
      maxConcurrentInits: availableParallelism(),
      ...options.runtime,
    });
    cleanups.push(() => runtime.close());

    const faults = createFaults({ seed: 1, ...options.faults });
    const sts = createStsService({ identity, roles });
    const appflow = createAppFlowService({
      functions: registry,
      runtime,
      faults,
      accounts: world.accounts,
      roles,
    });
    if (options.dataDir) {
      // AppFlow's registrations and tokens survive a restart beside DynamoDB's data.
      const saved = join(resolve(options.dataDir), 'appflow.json');
      if (existsSync(saved)) appflow.restore(JSON.parse(readFileSync(saved, 'utf8')) as StoreSnapshot);
      cleanups.push(() => writeFileSync(saved, JSON.stringify(appflow.snapshot())));
    }

    // The alert topic's messages: the alert gate publishes them through SNS, events.alerts() lists them.
    const alerts: AlertMessage[] = [];
    const sns = createSnsService({ roles, record: (message) => alerts.push(message) });

    // The dead-letter queue's messages: what rules could not deliver, and the on-failure records of
    // the functions' event invocations; events.deadLetters() lists both.
    const deadLetters: DeadLetter[] = [];

    // EventBridge and Step Functions call each other: each is handed the other lazily.
    let events: EventsService | undefined;
    const states = createStatesService({
      roles,
      runtime,
      events: {
        putEvents: (caller, region, entries) => requireValue(events).putEvents(caller, region, entries),
      },
      timeScale,
    });
    cleanups.push(() => states.close());
    let lambda: LambdaService | undefined;
    events = createEventsService({
      world,
      roles,
      executions: states,
      timeScale,
      alerts,
      deadLetters,
      invokeFunction: (functionArn, payload, invocation) =>
        requireValue(lambda).invokeEvent(functionArn, payload, invocation),
    });
    cleanups.push(() => requireValue(events).close());

    lambda = createLambdaService({
      roles,
      registry,
      runtime,
      // Lambda waits a minute before retrying an event invocation's function error: scaled like the rest.
      asyncRetryDelayMs: 60_000 * timeScale,
      onFailedInvocation: (failed) => deadLetters.push(failed),
      // Tag changes made through the emulated Lambda API reach the account's default bus as
      // CloudTrail would deliver them, so `aws lambda tag-resource` starts a registration.
      onApiCall: async (event) => {
        await requireValue(events).putEvents(awsServiceCaller(event.account), event.region, [
          {
            Source: event.source,
            DetailType: event['detail-type'],
            Detail: JSON.stringify(event.detail),
            Resources: event.resources,
            Time: new Date(event.time),
          },
        ]);
      },
    });

    const cloudformation = createCloudFormationService();
    const serverLog: ServerLogEntry[] = [];
    const server = await startAwsServer({
      services: [
        sts,
        sns,
        appflow,
        lambda,
        events,
        states,
        cloudformation,
        createTaggingService({ registry, roles }),
      ],
      identity,
      port: options.port ?? 0,
      proxies: { dynamodb: { port: dynamo.port } },
      log: (entry) => {
        serverLog.push(entry);
        if (serverLog.length > 1000) serverLog.shift();
        options.onServerLog?.(entry);
      },
    });
    endpoint = server.endpoint;
    cleanups.push(() => server.close());

    const landingZone = deployLandingZone(world, await packaging, {
      spokeTemplatePath: options.spokeTemplatePath ?? SPOKE_TEMPLATE,
    });
    const stacks = [...landingZone.hubs.map((hub) => hub.stack), ...landingZone.spokes];
    for (const deployed of stacks) for (const role of deployed.roles) roles.add(role);
    for (const deployed of stacks) {
      checkServiceRoles(roles, deployed);
      addFunctions(registry, deployed, options.functionEnvironment ?? {});
      states.deploy(deployed);
      events.deploy(deployed);
      sns.deploy(deployed);
    }
    for (const hub of landingZone.hubs)
      cloudformation.deploy(hub.stack, serverlessDeployment(options.stage ?? 'dev'));
    for (const spoke of landingZone.spokes) cloudformation.deploy(spoke, STACK_SET_DEPLOYMENT);
    // After every function exists: a permission may name a function of another stack.
    for (const deployed of stacks) {
      for (const { functionName, statement } of deployed.permissions) {
        const fn = registry.get(deployed.accountId, deployed.region, functionName);
        if (!fn) {
          throw new TemplateError(
            `${deployed.stackName}: ${statement.Sid} grants on ${functionName}, which does not exist.`,
          );
        }
        fn.policy.push(statement);
      }
    }
    for (const deployed of stacks) applyEventInvokeConfigs(registry, roles, deployed);
    await createTables(dynamo.endpoint, stacks);

    const stack: Stack = {
      endpoint,
      world,
      landingZone,
      identity,
      roles,
      registry,
      runtime,
      faults,
      appflow,
      events,
      states,
      sts,
      cloudformation,
      serverLog,
      hubIn: (region) => {
        const deployment = landingZone.hubs.find((hub) => hub.region === region);
        if (!deployment)
          throw new Error(
            `The hub is not deployed in ${region}; the world's hub Regions are ${world.hub.regions.join(', ')}.`,
          );
        return deployment;
      },
      clientConfig: (accountId, region, { awsService = false } = {}) => ({
        endpoint,
        region,
        credentials: {
          accessKeyId: awsService ? `LOCALAWSSERVICE${accountId}` : accountId,
          secretAccessKey: 'local',
        },
      }),
      // An execution may put events that start executions: settle waits until both are quiet together.
      idle: () => settle([requireValue(events), states]),
      stop: async () => {
        for (const cleanup of cleanups.reverse()) await cleanup();
      },
    };
    return stack;
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    throw error;
  }
}

/** The caller the Lambda service's CloudTrail stand-in puts events as. */
function awsServiceCaller(accountId: string): Caller {
  return { accountId, principalArn: `arn:aws:iam::${accountId}:root`, awsService: true };
}

function requireValue<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('The local stack is still starting.');
  return value;
}

/** Adds a stack's functions to the registry, as CloudFormation creates them from the package's zips. */
function addFunctions(
  registry: FunctionRegistry,
  stack: DeployedStack,
  extraEnvironment: Record<string, string>,
): void {
  const created = lambdaTimestamp(new Date());
  for (const fn of stack.functions) {
    const zip = readFileSync(fn.codeZip);
    registry.add({
      accountId: stack.accountId,
      region: stack.region,
      name: fn.name,
      arn: fn.arn,
      modulePath: fn.modulePath,
      exportName: fn.exportName,
      kind: 'registrar',
      runtime: fn.runtime,
      role: fn.roleArn,
      handler: fn.handler,
      tags: {},
      state: 'Active',
      lastUpdateStatus: 'Successful',
      codeSha256: createHash('sha256').update(zip).digest('base64'),
      codeSize: statSync(fn.codeZip).size,
      lastModified: created,
      timeoutSeconds: fn.timeoutSeconds,
      memorySize: fn.memorySize,
      environment: { ...fn.environment, ...extraEnvironment },
      policy: [],
      ...(fn.reservedConcurrency === undefined ? {} : { reservedConcurrency: fn.reservedConcurrency }),
    });
  }
}

// dynalite ships no types; this is the part of its API the stack uses.
type DynaliteFactory = (options: {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

async function startDynalite(dataDir: string | undefined) {
  const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;
  let path: string | undefined;
  if (dataDir) {
    path = join(resolve(dataDir), 'dynamodb');
    mkdirSync(path, { recursive: true });
  }
  const server = dynalite({
    ...(path ? { path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ready());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** The tables of the stacks, with their key schema; an existing one (from --data) is kept. */
async function createTables(endpoint: string, stacks: readonly DeployedStack[]): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const seen = new Set<string>();
    for (const deployed of stacks) {
      for (const table of deployed.tables) {
        // dynalite has no Regions: one table serves every hub Region, as a global table would.
        if (seen.has(table.name)) continue;
        seen.add(table.name);
        await client
          .send(
            new CreateTableCommand({
              TableName: table.name,
              KeySchema: table.keySchema,
              AttributeDefinitions: table.attributeDefinitions,
              BillingMode: 'PAY_PER_REQUEST',
            }),
          )
          .catch((error: Error) => {
            if (error.name !== 'ResourceInUseException') throw error;
          });
      }
    }
  } finally {
    client.destroy();
  }
}
