import { AwsServiceError } from '../../http/errors.js';
import type { Caller, DeployedFunction, FunctionRegistry, FunctionRuntime } from '../../types.js';
import { allowsServiceInvoke } from '../lambda/policy.js';
import type { AppFlowCatalog } from './catalog.js';
import { type ConnectorConfiguration, describeConnector } from './connector.js';
import type {
  DescribeConnectorProfilesInput,
  DescribeConnectorsInput,
  DescribeInput,
  ListInput,
  RegisterInput,
  UnregisterInput,
  UpdateInput,
} from './requests.js';
import { connectorConfiguration, connectorDetail, connectorProfile, flowDefinition } from './shapes.js';
import type { ConnectorStore, Registration } from './store.js';

/**
 * The connector operations of AppFlow, in one account and Region (the caller's account, the
 * Region of the request's scope).
 */

export const APPFLOW_PRINCIPAL = 'appflow.amazonaws.com';

/** A change AppFlow applied, for tests and benchmarks. */
export interface RegistrationEvent {
  operation: 'RegisterConnector' | 'UpdateConnectorRegistration' | 'UnregisterConnector';
  accountId: string;
  region: string;
  label: string;
  connectorArn: string;
  lambdaArn?: string;
  callerArn: string;
  clientToken?: string;
  /** ISO 8601. */
  at: string;
}

export interface OperationDeps {
  functions: FunctionRegistry;
  runtime: FunctionRuntime;
  store: ConnectorStore;
  /** The world's connector profiles and flows. */
  catalog: AppFlowCatalog;
  now: () => number;
  connectorTimeoutMs: number;
  events: RegistrationEvent[];
  /** Called each time AppFlow invokes a connector. */
  onConnectorInvoke: () => void;
}

export interface Where {
  accountId: string;
  region: string;
  caller: Caller;
}

/** An answer, and whether it changed AppFlow's state (a replayed clientToken does not). */
export interface Outcome {
  answer: Record<string, unknown>;
  changed: boolean;
}

const LAMBDA_FUNCTION_ARN =
  /^arn:aws:lambda:([a-z0-9-]+):(\d{12}):function:[A-Za-z0-9_-]{1,64}(?::[$A-Za-z0-9_-]{1,128})?$/;

export function createOperations(deps: OperationDeps) {
  const inFlight = new Map<string, Promise<Outcome>>();

  /**
   * Runs `apply` once per clientToken: the same token with the same parameters answers the first
   * answer again without applying anything. The same token with other parameters is refused with
   * ValidationException. AWS documents only that "an error occurs"; ValidationException ("invalid
   * parameters") is chosen over ConflictException because the registrar reconciles on
   * ConflictException, and a reused token is a bug to alert on, not a label to reconcile.
   */
  const idempotent = async (
    operation: string,
    where: Where,
    token: string | undefined,
    parameters: unknown,
    apply: () => Promise<Outcome>,
  ): Promise<Outcome> => {
    if (token === undefined) return apply();
    const scope = `${operation}|${where.accountId}|${where.region}`;
    const key = `${scope}|${token}`;
    const fingerprint = JSON.stringify(parameters);
    for (let running = inFlight.get(key); running; running = inFlight.get(key))
      await running.catch(() => undefined);
    const previous = deps.store.token(scope, token);
    if (previous) {
      if (previous.parameters === fingerprint) return { answer: previous.answer, changed: false };
      throw new AwsServiceError(
        400,
        'ValidationException',
        `The clientToken ${token} was already used with different parameters in the last 8 hours. Use a new clientToken for a different ${operation} request.`,
      );
    }
    const run = apply();
    inFlight.set(key, run);
    try {
      const outcome = await run;
      deps.store.rememberToken(scope, token, fingerprint, outcome.answer);
      return outcome;
    } finally {
      inFlight.delete(key);
    }
  };

  /** Finds the function and invokes it as AppFlow, checking its resource policy first. */
  const readConnector = async (
    lambdaArn: string,
    where: Where,
    connectorArn: string,
  ): Promise<ConnectorConfiguration> => {
    const fn = findFunction(deps.functions, lambdaArn);
    if (!allowsServiceInvoke(fn, invokeBy(where, connectorArn))) {
      throw new AwsServiceError(
        403,
        'AccessDeniedException',
        `Amazon AppFlow is not authorized to invoke Lambda function ${fn.arn}: no statement of its resource policy lets ${APPFLOW_PRINCIPAL} call lambda:InvokeFunction for source account ${where.accountId} and source ARN ${connectorArn}. Grant it with: aws lambda add-permission --function-name ${fn.arn} --statement-id AppFlowConnectorInvoke --action lambda:InvokeFunction --principal ${APPFLOW_PRINCIPAL} --source-account ${where.accountId} --source-arn 'arn:aws:appflow:${where.region}:${where.accountId}:*'`,
      );
    }
    deps.onConnectorInvoke();
    return describeConnector(deps.runtime, fn, { timeoutMs: deps.connectorTimeoutMs });
  };

  const ensureLabelFree = (where: Where, label: string): void => {
    if (deps.store.get(where.accountId, where.region, label)) {
      throw new AwsServiceError(
        409,
        'ConflictException',
        `A connector with label ${label} is already registered in account ${where.accountId} in ${where.region}. Update it with UpdateConnectorRegistration, or unregister it first.`,
      );
    }
  };

  const existing = (where: Where, label: string) => {
    const registration = deps.store.get(where.accountId, where.region, label);
    if (!registration) {
      throw new AwsServiceError(
        404,
        'ResourceNotFoundException',
        `No connector with label ${label} is registered in account ${where.accountId} in ${where.region}.`,
      );
    }
    return registration;
  };

  const record = (event: Omit<RegistrationEvent, 'at' | 'callerArn'>, where: Where): void => {
    deps.events.push({
      ...event,
      callerArn: where.caller.principalArn,
      at: new Date(deps.now()).toISOString(),
    });
  };

  return {
    RegisterConnector: (input: RegisterInput, where: Where): Promise<Outcome> =>
      idempotent(
        'RegisterConnector',
        where,
        input.clientToken,
        [input.connectorLabel, input.description ?? null, input.lambdaArn],
        async () => {
          ensureLabelFree(where, input.connectorLabel);
          const connectorArn = connectorArnOf(where, input.connectorLabel);
          const configuration = await readConnector(input.lambdaArn, where, connectorArn);
          // Another registration of the label may have finished while the connector answered.
          ensureLabelFree(where, input.connectorLabel);
          deps.store.put({
            accountId: where.accountId,
            region: where.region,
            label: input.connectorLabel,
            connectorArn,
            lambdaArn: input.lambdaArn,
            ...(input.description !== undefined ? { description: input.description } : {}),
            registeredAt: deps.now(),
            registeredBy: where.caller.principalArn,
            configuration,
          });
          record(
            {
              operation: 'RegisterConnector',
              ...eventOf(where, input.connectorLabel, connectorArn, input.lambdaArn, input.clientToken),
            },
            where,
          );
          return { answer: { connectorArn }, changed: true };
        },
      ),

    UpdateConnectorRegistration: (input: UpdateInput, where: Where): Promise<Outcome> =>
      idempotent(
        'UpdateConnectorRegistration',
        where,
        input.clientToken,
        [input.connectorLabel, input.description ?? null, input.lambdaArn ?? null],
        async () => {
          const before = existing(where, input.connectorLabel);
          const lambdaArn = input.lambdaArn ?? before.lambdaArn;
          const configuration = await readConnector(lambdaArn, where, before.connectorArn);
          const current = existing(where, input.connectorLabel);
          deps.store.put({
            ...current,
            lambdaArn,
            ...(input.description !== undefined ? { description: input.description } : {}),
            configuration,
          });
          record(
            {
              operation: 'UpdateConnectorRegistration',
              ...eventOf(where, input.connectorLabel, current.connectorArn, lambdaArn, input.clientToken),
            },
            where,
          );
          return { answer: { connectorArn: current.connectorArn }, changed: true };
        },
      ),

    /**
     * Without forceDelete, a label a connector profile uses is refused with ConflictException (409):
     * the API reference documents forceDelete as unregistering "even if it is currently in use in one
     * or more connector profiles", and ConflictException is the only refusal UnregisterConnector
     * models (inferred; AWS documents neither the error nor its message for this case). With
     * forceDelete the profiles and flows are left as they are: AWS documents nothing of them.
     */
    UnregisterConnector: async (input: UnregisterInput, where: Where): Promise<Outcome> => {
      const registration = existing(where, input.connectorLabel);
      if (!input.forceDelete) {
        const users = deps.catalog
          .profiles(where.accountId, where.region)
          .filter((profile) => profile.connectorLabel === input.connectorLabel)
          .map((profile) => profile.name);
        if (users.length > 0) {
          throw new AwsServiceError(
            409,
            'ConflictException',
            `Connector ${input.connectorLabel} is in use by connector profiles ${users.join(', ')} in account ${where.accountId} in ${where.region}. Delete those profiles first, or unregister with forceDelete true.`,
          );
        }
      }
      deps.store.delete(where.accountId, where.region, input.connectorLabel);
      record(
        {
          operation: 'UnregisterConnector',
          ...eventOf(where, input.connectorLabel, registration.connectorArn, registration.lambdaArn),
        },
        where,
      );
      return { answer: {}, changed: true };
    },

    DescribeConnector: async (input: DescribeInput, where: Where): Promise<Outcome> => {
      if (input.connectorType !== 'CustomConnector') {
        throw new AwsServiceError(
          400,
          'ValidationException',
          `The local AppFlow emulation describes custom connectors only; got connectorType ${input.connectorType}. Use CustomConnector with a connectorLabel.`,
        );
      }
      if (input.connectorLabel === undefined) {
        throw new AwsServiceError(
          400,
          'ValidationException',
          'connectorLabel is required when connectorType is CustomConnector.',
        );
      }
      return {
        answer: { connectorConfiguration: connectorConfiguration(existing(where, input.connectorLabel)) },
        changed: false,
      };
    },

    ListConnectors: async (input: ListInput, where: Where): Promise<Outcome> => {
      const { items, nextToken } = pageOf(deps.store.list(where.accountId, where.region), input, where);
      return {
        answer: { connectors: items.map(connectorDetail), ...(nextToken ? { nextToken } : {}) },
        changed: false,
      };
    },

    /**
     * The connector profiles of the account and Region by name, narrowed by connectorProfileNames,
     * connectorType and connectorLabel (all that are given); a name that matches nothing is no error.
     */
    DescribeConnectorProfiles: async (
      input: DescribeConnectorProfilesInput,
      where: Where,
    ): Promise<Outcome> => {
      const profiles = deps.catalog
        .profiles(where.accountId, where.region)
        .filter(
          (profile) =>
            (input.connectorProfileNames.length === 0 ||
              input.connectorProfileNames.includes(profile.name)) &&
            (input.connectorType === undefined || profile.connectorType === input.connectorType) &&
            (input.connectorLabel === undefined || profile.connectorLabel === input.connectorLabel),
        );
      const { items, nextToken } = pageBy(profiles, (profile) => profile.name, input, where, 'profiles');
      return {
        answer: { connectorProfileDetails: items.map(connectorProfile), ...(nextToken ? { nextToken } : {}) },
        changed: false,
      };
    },

    ListFlows: async (input: ListInput, where: Where): Promise<Outcome> => {
      const flows = deps.catalog.flows(where.accountId, where.region);
      const { items, nextToken } = pageBy(flows, (flow) => flow.name, input, where, 'flows');
      return {
        answer: { flows: items.map(flowDefinition), ...(nextToken ? { nextToken } : {}) },
        changed: false,
      };
    },

    /**
     * The custom connectors of the account and Region, a page at a time, as ConnectorDetail items.
     * AWS documents `connectorConfigurations` as a map by connector type of the connectors AppFlow
     * vends, which a type's many registered custom connectors cannot share a key of: they are in
     * `connectors` (inferred), and the emulation vends no connectors of its own, so the map is empty.
     */
    DescribeConnectors: async (input: DescribeConnectorsInput, where: Where): Promise<Outcome> => {
      const vended = input.connectorTypes.filter((type) => type !== 'CustomConnector');
      if (vended.length > 0) {
        throw new AwsServiceError(
          400,
          'ValidationException',
          `The local AppFlow emulation describes custom connectors only; got connectorTypes ${vended.join(', ')}. Use CustomConnector, or no connectorTypes.`,
        );
      }
      const { items, nextToken } = pageOf(deps.store.list(where.accountId, where.region), input, where);
      return {
        answer: {
          connectorConfigurations: {},
          connectors: items.map(connectorDetail),
          ...(nextToken ? { nextToken } : {}),
        },
        changed: false,
      };
    },
  };
}

/** One page of registrations sorted by label, and the token of the next page when there is one. */
function pageOf(
  all: Registration[],
  input: ListInput,
  where: Where,
): { items: Registration[]; nextToken?: string } {
  return pageBy(all, (registration) => registration.label, input, where, 'connectors');
}

/** One page of items sorted by `keyOf`, and the token of the next page (bound to `kind`) when there is one. */
function pageBy<T>(
  all: T[],
  keyOf: (item: T) => string,
  input: ListInput,
  where: Where,
  kind: string,
): { items: T[]; nextToken?: string } {
  const after = input.nextToken === undefined ? undefined : readNextToken(input.nextToken, where, kind);
  const start = after === undefined ? 0 : all.findIndex((item) => keyOf(item) > after);
  const items = start < 0 ? [] : all.slice(start, start + input.maxResults);
  const last = items.at(-1);
  const more = last !== undefined && all.some((item) => keyOf(item) > keyOf(last));
  return more && last ? { items, nextToken: writeNextToken(keyOf(last), where, kind) } : { items };
}

/** arn:aws:appflow:<region>:<account>:connector/<label>, the resource type IAM documents for connectors. */
export function connectorArnOf(where: { accountId: string; region: string }, label: string): string {
  return `arn:aws:appflow:${where.region}:${where.accountId}:connector/${label}`;
}

function findFunction(functions: FunctionRegistry, lambdaArn: string): DeployedFunction {
  const match = LAMBDA_FUNCTION_ARN.exec(lambdaArn);
  if (!match) {
    throw new AwsServiceError(
      400,
      'ValidationException',
      `${lambdaArn} is not a Lambda function ARN; expected arn:aws:lambda:<region>:<account>:function:<name>.`,
    );
  }
  const fn = functions.get(match[2] as string, match[1] as string, lambdaArn);
  if (!fn) {
    throw new AwsServiceError(
      404,
      'ResourceNotFoundException',
      `Lambda function ${lambdaArn} does not exist. Deploy the connector function before registering it.`,
    );
  }
  return fn;
}

function invokeBy(where: Where, connectorArn: string) {
  return { service: APPFLOW_PRINCIPAL, sourceAccount: where.accountId, sourceArn: connectorArn };
}

function eventOf(where: Where, label: string, connectorArn: string, lambdaArn: string, clientToken?: string) {
  return {
    accountId: where.accountId,
    region: where.region,
    label,
    connectorArn,
    lambdaArn,
    ...(clientToken !== undefined ? { clientToken } : {}),
  };
}

// Opaque to callers; bound to the account, Region and kind of list it was issued for.
function writeNextToken(key: string, where: Where, kind: string): string {
  return Buffer.from(JSON.stringify({ a: where.accountId, r: where.region, k: kind, l: key })).toString(
    'base64url',
  );
}

function readNextToken(token: string, where: Where, kind: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      a?: unknown;
      r?: unknown;
      k?: unknown;
      l?: unknown;
    };
    if (
      decoded.a === where.accountId &&
      decoded.r === where.region &&
      decoded.k === kind &&
      typeof decoded.l === 'string'
    )
      return decoded.l;
  } catch {
    // Falls through to the refusal.
  }
  throw new AwsServiceError(
    400,
    'ValidationException',
    'Invalid nextToken. Pass the nextToken of the previous answer unchanged, or omit it to start over.',
  );
}
