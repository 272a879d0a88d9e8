import { listEnv, requireEnv } from './env.js';
import { ConfigurationError } from './errors.js';

/**
 * The environment both handlers read, set by serverless.yml on deploy and by the local stack from
 * the same file. Read once at module scope.
 */
export interface HubConfig {
  /** The account the hub runs in (CloudFormation's AWS::AccountId). */
  hubAccountId: string;
  /** Name of the role in each member account that the hub assumes. */
  spokeRoleName: string;
  /** ExternalId the spoke role's trust requires, if any. */
  spokeExternalId: string | undefined;
  /** Accounts the hub acts for; empty means every account the bus accepts (the organization). */
  allowedAccountIds: string[];
  /** Regions the hub serves; empty means any Region. */
  servedRegions: string[];
  /** The hub's partition (aws, aws-cn, aws-us-gov): functions and roles in another one are refused. */
  partition: string;
}

export function loadHubConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  return {
    hubAccountId: requireEnv('HUB_ACCOUNT_ID', env),
    spokeRoleName: requireEnv('SPOKE_ROLE_NAME', env),
    spokeExternalId: env.SPOKE_EXTERNAL_ID?.trim() || undefined,
    allowedAccountIds: listEnv('ALLOWED_ACCOUNT_IDS', env),
    servedRegions: listEnv('SERVED_REGIONS', env),
    partition: readPartition(env),
  };
}

function readPartition(env: NodeJS.ProcessEnv): string {
  const partition = env.PARTITION?.trim() || 'aws';
  if (!/^aws(-[a-z]+)*$/.test(partition)) {
    throw new ConfigurationError(
      `Environment variable PARTITION is "${partition}"; expected a partition such as aws, aws-cn or aws-us-gov.`,
    );
  }
  return partition;
}
