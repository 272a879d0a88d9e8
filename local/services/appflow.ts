import type { Faults } from '../faults.js';
import { AwsServiceError } from '../http/errors.js';
import { parseJsonObject } from '../http/json-body.js';
import { jsonResponse } from '../http/protocols.js';
import type { RoleRegistry } from '../iam/roles.js';
import type { AwsRequest, EmulatedService, FunctionRegistry, FunctionRuntime } from '../types.js';
import type { AccountSpec } from '../world/schema.js';
import { AppFlowCatalog } from './appflow/catalog.js';
import { CONNECTOR_TIMEOUT_MS } from './appflow/connector.js';
import {
  connectorArnOf,
  createOperations,
  type Outcome,
  type RegistrationEvent,
  type Where,
} from './appflow/operations.js';
import {
  readDescribe,
  readDescribeConnectorProfiles,
  readDescribeConnectors,
  readList,
  readListFlows,
  readRegister,
  readUnregister,
  readUpdate,
} from './appflow/requests.js';
import { seededConfiguration } from './appflow/shapes.js';
import { ConnectorStore, type Registration, type StoreSnapshot } from './appflow/store.js';

export type { RegistrationEvent } from './appflow/operations.js';
export type { Registration } from './appflow/store.js';

/**
 * The emulated Amazon AppFlow (rest-json, signing name appflow): the custom connector
 * registration APIs, and the world's connector profiles and flows read back, per account and Region, invoking connectors through the FunctionRuntime as
 * the AppFlow service principal. Every call passes the fault injector first.
 */

export interface AppFlowServiceOptions {
  functions: FunctionRegistry;
  runtime: FunctionRuntime;
  faults?: Faults;
  /**
   * The world's accounts: their `connectors` are registered before the first call, invoking nothing;
   * their `connectorProfiles` and `flows` are what DescribeConnectorProfiles and ListFlows answer.
   */
  accounts?: readonly Pick<AccountSpec, 'accountId' | 'connectors' | 'connectorProfiles' | 'flows'>[];
  now?: () => number;
  /** How long AppFlow waits for a connector; default 10 s. */
  connectorTimeoutMs?: number;
  /** The roles of the deployed templates: a session of one may do only what its policies allow. */
  roles?: RoleRegistry;
}

export interface CallStats {
  calls: number;
  succeeded: number;
  /** Failures by exception name. */
  errors: Record<string, number>;
}

export interface AppFlowStats {
  byOperation: Record<string, CallStats>;
  /** Keyed "<account>/<region>". */
  byAccountRegion: Record<string, CallStats>;
  connectorInvocations: number;
}

export interface AppFlowService extends EmulatedService {
  readonly stats: AppFlowStats;
  /** Every change applied, in order. */
  readonly registrations: RegistrationEvent[];
  /** The connectors registered now, in one account and Region or everywhere. */
  connectors(accountId?: string, region?: string): Registration[];
  resetStats(): void;
  /** AppFlow's state as JSON, for `registrar serve --data`. */
  snapshot(): StoreSnapshot;
  restore(snapshot: StoreSnapshot): void;
}

const ROUTES: Record<string, keyof ReturnType<typeof createOperations>> = {
  'POST /register-connector': 'RegisterConnector',
  'POST /update-connector-registration': 'UpdateConnectorRegistration',
  'POST /unregister-connector': 'UnregisterConnector',
  'POST /describe-connector': 'DescribeConnector',
  'POST /list-connectors': 'ListConnectors',
  'POST /describe-connectors': 'DescribeConnectors',
  'POST /describe-connector-profiles': 'DescribeConnectorProfiles',
  'POST /list-flows': 'ListFlows',
};

/** The IAM action each operation needs; UnregisterConnector's is spelled UnRegisterConnector. */
const IAM_ACTIONS: Record<keyof ReturnType<typeof createOperations>, string> = {
  RegisterConnector: 'appflow:RegisterConnector',
  UpdateConnectorRegistration: 'appflow:UpdateConnectorRegistration',
  UnregisterConnector: 'appflow:UnRegisterConnector',
  DescribeConnector: 'appflow:DescribeConnector',
  ListConnectors: 'appflow:ListConnectors',
  DescribeConnectors: 'appflow:DescribeConnectors',
  DescribeConnectorProfiles: 'appflow:DescribeConnectorProfiles',
  ListFlows: 'appflow:ListFlows',
};

/**
 * The resource an operation is authorized on: the connector's ARN for the calls that name a label,
 * "*" for RegisterConnector and the listing calls, which name no resource of their own.
 */
function iamResource(
  operation: keyof ReturnType<typeof createOperations>,
  body: Record<string, unknown>,
  where: { accountId: string; region: string },
): string {
  const label = body.connectorLabel;
  if (
    typeof label === 'string' &&
    (operation === 'UpdateConnectorRegistration' ||
      operation === 'UnregisterConnector' ||
      operation === 'DescribeConnector')
  ) {
    return `arn:aws:appflow:${where.region}:${where.accountId}:connector/${label}`;
  }
  return '*';
}

const ONE_DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates the AppFlow service for the server.
 *
 * @example
 * const appflow = createAppFlowService({ functions, runtime, faults, accounts: world.accounts });
 * await startAwsServer({ services: [appflow, …], identity });
 */
export function createAppFlowService(options: AppFlowServiceOptions): AppFlowService {
  const now = options.now ?? Date.now;
  const store = new ConnectorStore(now);
  const registrations: RegistrationEvent[] = [];
  let stats = emptyStats();
  seed(store, options, now);

  const operations = createOperations({
    functions: options.functions,
    runtime: options.runtime,
    store,
    catalog: new AppFlowCatalog(options.accounts ?? [], now() - ONE_DAY_MS),
    now,
    connectorTimeoutMs: options.connectorTimeoutMs ?? CONNECTOR_TIMEOUT_MS,
    events: registrations,
    onConnectorInvoke: () => {
      stats.connectorInvocations += 1;
    },
  });

  const run = (
    operation: keyof typeof operations,
    body: Record<string, unknown>,
    where: Where,
  ): Promise<Outcome> => {
    switch (operation) {
      case 'RegisterConnector':
        return operations.RegisterConnector(readRegister(body), where);
      case 'UpdateConnectorRegistration':
        return operations.UpdateConnectorRegistration(readUpdate(body), where);
      case 'UnregisterConnector':
        return operations.UnregisterConnector(readUnregister(body), where);
      case 'DescribeConnector':
        return operations.DescribeConnector(readDescribe(body), where);
      case 'ListConnectors':
        return operations.ListConnectors(readList(body), where);
      case 'DescribeConnectors':
        return operations.DescribeConnectors(readDescribeConnectors(body), where);
      case 'DescribeConnectorProfiles':
        return operations.DescribeConnectorProfiles(readDescribeConnectorProfiles(body), where);
      case 'ListFlows':
        return operations.ListFlows(readListFlows(body), where);
    }
  };

  const handle = async (request: AwsRequest) => {
    const operation = ROUTES[`${request.method} ${request.path}`];
    if (!operation) {
      throw new AwsServiceError(
        404,
        'UnknownOperationException',
        `The local AppFlow emulation does not implement ${request.method} ${request.path}; it implements ${Object.values(ROUTES).join(', ')}.`,
      );
    }
    const where: Where = {
      accountId: request.caller.accountId,
      region: request.region,
      caller: request.caller,
    };
    const denied = options.roles?.denial(
      request.caller,
      IAM_ACTIONS[operation],
      iamResource(operation, parseJsonObject(request.body), where),
      403,
    );
    if (denied) throw denied;
    const counted = [
      callStats(stats.byOperation, operation),
      callStats(stats.byAccountRegion, `${where.accountId}/${where.region}`),
    ];
    for (const entry of counted) entry.calls += 1;
    try {
      await options.faults?.beforeAppFlowCall({
        accountId: where.accountId,
        region: where.region,
        operation,
      });
      const outcome = await run(operation, parseJsonObject(request.body), where);
      for (const entry of counted) entry.succeeded += 1;
      // The register handler dies after AppFlow applied its registration: the crash point the
      // workflow's idempotency must survive.
      const environmentId = request.caller.environmentId;
      if (
        operation === 'RegisterConnector' &&
        outcome.changed &&
        environmentId !== undefined &&
        options.faults?.shouldCrashAfter(operation)
      ) {
        options.runtime.crash(environmentId);
      }
      return jsonResponse(outcome.answer);
    } catch (error) {
      const code = error instanceof AwsServiceError ? error.code : 'InternalFailure';
      for (const entry of counted) entry.errors[code] = (entry.errors[code] ?? 0) + 1;
      throw error;
    }
  };

  return {
    signingName: 'appflow',
    protocol: 'rest-json',
    handle,
    get stats() {
      return stats;
    },
    registrations,
    connectors: (accountId, region) =>
      store
        .all()
        .filter(
          (registration) =>
            (accountId === undefined || registration.accountId === accountId) &&
            (region === undefined || registration.region === region),
        ),
    resetStats: () => {
      stats = emptyStats();
    },
    snapshot: () => store.snapshot(),
    restore: (snapshot) => store.restore(snapshot),
  };
}

/** Registers the world's pre-registered connectors as they would stand, without invoking anything. */
function seed(store: ConnectorStore, options: AppFlowServiceOptions, now: () => number): void {
  const defaultRegisteredAt = now() - ONE_DAY_MS;
  for (const account of options.accounts ?? []) {
    for (const connector of account.connectors ?? []) {
      const where = { accountId: account.accountId, region: connector.region };
      const fn = options.functions.get(account.accountId, connector.region, connector.functionName);
      store.put({
        ...where,
        label: connector.label,
        connectorArn: connectorArnOf(where, connector.label),
        lambdaArn:
          fn?.arn ??
          `arn:aws:lambda:${connector.region}:${account.accountId}:function:${connector.functionName}`,
        ...(connector.description !== undefined ? { description: connector.description } : {}),
        registeredAt:
          connector.registeredAt !== undefined ? Date.parse(connector.registeredAt) : defaultRegisteredAt,
        // Registered by hand unless the world says who: the account's root.
        registeredBy: connector.registeredBy ?? `arn:aws:iam::${account.accountId}:root`,
        configuration: seededConfiguration(connector.label),
      });
    }
  }
}

function emptyStats(): AppFlowStats {
  return { byOperation: {}, byAccountRegion: {}, connectorInvocations: 0 };
}

function callStats(table: Record<string, CallStats>, key: string): CallStats {
  let entry = table[key];
  if (!entry) {
    entry = { calls: 0, succeeded: 0, errors: {} };
    table[key] = entry;
  }
  return entry;
}
