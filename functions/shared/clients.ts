import { AppflowClient } from '@aws-sdk/client-appflow';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { HubConfig } from './config.js';
import { SpokeRoleAccessDeniedError, SpokeRoleUnavailableError } from './errors.js';

/** What every client in one account and Region is built with: its Region, and the spoke's credentials. */
export interface AccountClientConfig {
  region: string;
  /** Undefined in the hub's own account: the function's own credentials. */
  credentials?: AwsCredentialIdentityProvider;
}

/**
 * The AWS clients a handler uses in one account and Region, and their config, from which a function
 * builds any other client it alone needs (ClassifyAccount's tagging client), so the others do not
 * bundle and load it.
 */
export interface AccountClients {
  lambda: LambdaClient;
  appflow: AppflowClient;
  config: AccountClientConfig;
}

/** Where a handler acts: the account and Region of the event, and the execution on whose behalf. */
export interface Target {
  accountId: string;
  region: string;
  executionArn: string;
}

/** The hub's settings (functions/shared/config.ts) plus what a test may replace. */
export interface ClientFactoryOptions
  extends Pick<HubConfig, 'hubAccountId' | 'spokeRoleName' | 'spokeExternalId' | 'partition'> {
  /**
   * The IAM actions this function needs in a member account: the spoke role is assumed with a session
   * policy that allows only these, so one function cannot use what the role grants another.
   */
  spokeActions: readonly string[];
  sts?: STSClient;
  /** Called once for each AppFlow client created, e.g. to add the request pacer's middleware. */
  onAppflowClient?: (client: AppflowClient, target: Target) => void;
  /** Renew cached spoke credentials this long before they expire. */
  refreshMarginMs?: number;
  now?: () => number;
}

export type ClientFactory = (target: Target) => AccountClients;

const SESSION_NAME_MAX = 64;

/**
 * Builds clients per account and Region, never sharing one between two accounts. In the hub's own
 * account they use the function's credentials; in a member account they use the spoke role,
 * assumed once per account and cached until shortly before the credentials expire.
 *
 * @example
 * const clientsFor = createClientFactory(loadHubConfig());
 * const { appflow } = clientsFor({ accountId: '444455556666', region: 'eu-west-1', executionArn });
 */
export function createClientFactory(options: ClientFactoryOptions): ClientFactory {
  const sts = options.sts ?? new STSClient({});
  const clients = new Map<string, AccountClients>();
  const spokeCredentials = new Map<string, AwsCredentialIdentityProvider>();

  const credentialsFor = (target: Target): AwsCredentialIdentityProvider => {
    let provider = spokeCredentials.get(target.accountId);
    if (!provider) {
      provider = cachedAssumeRole({
        sts,
        roleArn: `arn:${options.partition}:iam::${target.accountId}:role/${options.spokeRoleName}`,
        sessionName: sessionNameFor(target.executionArn),
        externalId: options.spokeExternalId,
        sessionPolicy: sessionPolicyOf(options.spokeActions),
        refreshMarginMs: options.refreshMarginMs ?? 5 * 60_000,
        now: options.now ?? Date.now,
      });
      spokeCredentials.set(target.accountId, provider);
    }
    return provider;
  };

  return (target) => {
    const key = `${target.accountId}/${target.region}`;
    let entry = clients.get(key);
    if (!entry) {
      const credentials = target.accountId === options.hubAccountId ? undefined : credentialsFor(target);
      const config: AccountClientConfig = credentials
        ? { region: target.region, credentials }
        : { region: target.region };
      entry = { lambda: new LambdaClient(config), appflow: new AppflowClient(config), config };
      options.onAppflowClient?.(entry.appflow, target);
      clients.set(key, entry);
    }
    return entry;
  };
}

/**
 * A role session name that shows in the member account's CloudTrail which execution assumed the
 * role: `registrar-<execution name>`, cut to STS's 64 characters and its allowed characters.
 * Credentials are cached per account, so later executions served by the same warm environment act
 * in that first session until it is renewed; their own execution ARN is in the hub's logs.
 */
export function sessionNameFor(executionArn: string): string {
  const executionName = executionArn.split(':').pop() ?? 'execution';
  return `registrar-${executionName}`.replace(/[^\w+=,.@-]/g, '-').slice(0, SESSION_NAME_MAX);
}

interface AssumeRoleOptions {
  sts: STSClient;
  roleArn: string;
  sessionName: string;
  externalId: string | undefined;
  sessionPolicy: string;
  refreshMarginMs: number;
  now: () => number;
}

/**
 * A credential provider that assumes the role and keeps the credentials until `refreshMarginMs`
 * before they expire. Concurrent callers share one AssumeRole call.
 * Written by hand: @aws-sdk/credential-providers' fromTemporaryCredentials caches per client, and
 * the cache here must be shared by the clients of every Region of one account.
 */
function cachedAssumeRole(options: AssumeRoleOptions): AwsCredentialIdentityProvider {
  let pending: Promise<AwsCredentialIdentity> | undefined;
  let current: AwsCredentialIdentity | undefined;

  const fresh = (credentials: AwsCredentialIdentity | undefined): credentials is AwsCredentialIdentity =>
    credentials?.expiration !== undefined &&
    credentials.expiration.getTime() - options.refreshMarginMs > options.now();

  const assume = async (): Promise<AwsCredentialIdentity> => {
    try {
      const { Credentials } = await options.sts.send(
        new AssumeRoleCommand({
          RoleArn: options.roleArn,
          RoleSessionName: options.sessionName,
          ...(options.externalId ? { ExternalId: options.externalId } : {}),
          Policy: options.sessionPolicy,
        }),
      );
      if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.Expiration) {
        throw new Error('STS AssumeRole answered without credentials');
      }
      return {
        accessKeyId: Credentials.AccessKeyId,
        secretAccessKey: Credentials.SecretAccessKey,
        sessionToken: Credentials.SessionToken,
        expiration: Credentials.Expiration,
      };
    } catch (error) {
      if (isTransient(error)) {
        throw new SpokeRoleUnavailableError(
          `STS did not answer the AssumeRole of ${options.roleArn} (${(error as Error).name}: ${(error as Error).message}); the state machine retries.`,
          { cause: error },
        );
      }
      throw new SpokeRoleAccessDeniedError(
        `Could not assume ${options.roleArn}: ${(error as Error).message}. Deploy the spoke template (spoke/) in that account, and check its trust policy names this hub.`,
        { cause: error },
      );
    }
  };

  return async () => {
    if (fresh(current)) return current;
    pending ??= assume().finally(() => {
      pending = undefined;
    });
    current = await pending;
    return current;
  };
}

/** The session policy that narrows the spoke role to one function's actions. */
export function sessionPolicyOf(actions: readonly string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: [...actions].sort(), Resource: '*' }],
  });
}

/** STS's throttling answers (query protocol error codes), as the SDK names them. */
const STS_THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'IDPCommunicationError',
]);

// Throttling, a 5xx or a failure to reach STS at all (no response: no $metadata) may pass; a
// refusal (AccessDenied) or a role that does not exist will not.
function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $fault, $metadata } = error as {
    name?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  if ($metadata === undefined) return true;
  return STS_THROTTLING.has(name ?? '') || $fault === 'server' || ($metadata.httpStatusCode ?? 0) >= 500;
}
