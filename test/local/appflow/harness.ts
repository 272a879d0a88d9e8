import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppflowClient, type RegisterConnectorCommandInput } from '@aws-sdk/client-appflow';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createFaults, type FaultConfig, type Faults } from '../../../local/faults.js';
import { type AwsServer, startAwsServer } from '../../../local/http/server.js';
import { LocalIdentityRegistry } from '../../../local/identity.js';
import {
  type AppFlowService,
  type AppFlowServiceOptions,
  createAppFlowService,
} from '../../../local/services/appflow.js';
import type {
  DeployedFunction,
  EmulatedService,
  FunctionRegistry,
  FunctionRuntime,
  InvokeResult,
} from '../../../local/types.js';
import { appFlowPolicyStatement } from '../../../local/world/policy.js';

/**
 * The AppFlow emulation behind a real server, with in-memory fakes of the function registry and
 * runtime, rebuilt before each test. Clients are real AppflowClients.
 */

export const HUB = '111111111111';
export const SPOKE = '222222222222';
export const REGION = 'eu-west-1';
export const START = Date.parse('2026-11-27T08:00:00Z');

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures', name), 'utf8')) as T;
}

export const CONFIGURATION = fixture<Record<string, unknown>>('describe-connector-configuration.json');

/** How a fake function answers: its result payload, or a full InvokeResult, or a promise of one. */
export type Behaviour = (payload: string) => Promise<InvokeResult>;

export const answers = {
  json:
    (body: unknown): Behaviour =>
    async () => ({ statusCode: 200, payload: JSON.stringify(body), durationMs: 5 }),
  raw:
    (payload: string): Behaviour =>
    async () => ({ statusCode: 200, payload, durationMs: 5 }),
  error:
    (body: unknown): Behaviour =>
    async () => ({
      statusCode: 200,
      functionError: 'Unhandled',
      payload: JSON.stringify(body),
      durationMs: 5,
    }),
  never: (): Behaviour => () => new Promise(() => undefined),
  throws:
    (message: string): Behaviour =>
    async () => {
      throw new Error(message);
    },
};

export class FakeRegistry implements FunctionRegistry {
  private readonly functions: DeployedFunction[] = [];
  get(accountId: string, region: string, nameOrArn: string) {
    return this.functions.find(
      (fn) =>
        fn.accountId === accountId && fn.region === region && (fn.name === nameOrArn || fn.arn === nameOrArn),
    );
  }
  list(accountId: string, region: string) {
    return this.functions.filter((fn) => fn.accountId === accountId && fn.region === region);
  }
  all() {
    return [...this.functions];
  }
  add(fn: DeployedFunction) {
    this.functions.push(fn);
  }
  delete(fn: DeployedFunction) {
    const index = this.functions.indexOf(fn);
    if (index >= 0) this.functions.splice(index, 1);
    return index >= 0;
  }
}

export class FakeRuntime implements FunctionRuntime {
  readonly behaviours = new Map<string, Behaviour>();
  readonly invocations: { accountId: string; region: string; functionName: string; payload: string }[] = [];
  readonly crashed: string[] = [];
  invoke(request: { accountId: string; region: string; functionName: string; payload: string }) {
    this.invocations.push(request);
    const behaviour = this.behaviours.get(`${request.accountId}/${request.region}/${request.functionName}`);
    if (!behaviour) throw new Error(`no fake behaviour for ${request.functionName}`);
    return behaviour(request.payload);
  }
  crash(environmentId: string) {
    this.crashed.push(environmentId);
  }
  async close() {}
}

/** A RegisterConnector request for the hub's function `functionName` in REGION, plus `extra`. */
export function registration(
  label: string,
  functionName: string,
  extra: Partial<RegisterConnectorCommandInput> = {},
): RegisterConnectorCommandInput {
  return {
    connectorLabel: label,
    connectorProvisioningType: 'LAMBDA',
    connectorProvisioningConfig: {
      lambda: { lambdaArn: `arn:aws:lambda:${REGION}:${HUB}:function:${functionName}` },
    },
    ...extra,
  };
}

/** A deployed connector function with AppFlow's permission unless `policy` says otherwise. */
export function deployed(name: string, overrides: Partial<DeployedFunction> = {}): DeployedFunction {
  const accountId = overrides.accountId ?? HUB;
  const region = overrides.region ?? REGION;
  const arn = `arn:aws:lambda:${region}:${accountId}:function:${name}`;
  return {
    accountId,
    region,
    name,
    arn,
    modulePath: '/dev/null',
    exportName: 'handler',
    kind: 'connector',
    runtime: 'nodejs22.x',
    role: `arn:aws:iam::${accountId}:role/${name}-role`,
    handler: 'index.handler',
    tags: {},
    state: 'Active',
    lastUpdateStatus: 'Successful',
    codeSha256: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    codeSize: 100,
    lastModified: '2026-11-27T08:00:00.000+0000',
    timeoutSeconds: 3,
    memorySize: 128,
    environment: {},
    policy: [appFlowPolicyStatement(accountId, region, arn)],
    ...overrides,
  };
}

export interface Harness {
  server: AwsServer;
  identity: LocalIdentityRegistry;
  registry: FakeRegistry;
  runtime: FakeRuntime;
  appflow: AppFlowService;
  faults: Faults;
  clock: { now: number };
  /** Adds a function and how it answers. */
  deploy(fn: DeployedFunction, behaviour: Behaviour): DeployedFunction;
  client(options?: { accessKeyId?: string; sessionToken?: string; region?: string }): AppflowClient;
  /** Rebuilds the service with other options (world accounts, faults) for the current test. */
  rebuild(options?: Partial<AppFlowServiceOptions>, faults?: FaultConfig): void;
}

/** Registers the hooks of a test file and returns its harness. */
export function useAppFlow(): Harness {
  const harness = { clock: { now: START } } as Harness;
  const mounted: EmulatedService = {
    signingName: 'appflow',
    protocol: 'rest-json',
    handle: (request) => harness.appflow.handle(request),
  };

  harness.rebuild = (options = {}, faults = { seed: 1 }) => {
    harness.faults = createFaults(faults, { now: () => harness.clock.now, sleep: async () => undefined });
    harness.appflow = createAppFlowService({
      functions: harness.registry,
      runtime: harness.runtime,
      faults: harness.faults,
      now: () => harness.clock.now,
      ...options,
    });
  };
  harness.deploy = (fn, behaviour) => {
    harness.registry.add(fn);
    harness.runtime.behaviours.set(`${fn.accountId}/${fn.region}/${fn.name}`, behaviour);
    return fn;
  };
  harness.client = (options = {}) =>
    new AppflowClient({
      endpoint: harness.server.endpoint,
      region: options.region ?? REGION,
      credentials: {
        accessKeyId: options.accessKeyId ?? HUB,
        secretAccessKey: 'local',
        ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
      },
      maxAttempts: 1,
    });

  beforeAll(async () => {
    harness.identity = new LocalIdentityRegistry(HUB, { now: () => harness.clock.now });
    harness.server = await startAwsServer({ services: [mounted], identity: harness.identity, port: 0 });
  });
  afterAll(() => harness.server.close());
  beforeEach(() => {
    harness.clock.now = START;
    harness.registry = new FakeRegistry();
    harness.runtime = new FakeRuntime();
    harness.rebuild();
  });
  return harness;
}

/** The rejection of a promise, for instanceof and message checks. */
export async function rejectionOf(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number }; $fault?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}
