import type { HubConfig } from './config.js';
import { requireEnv } from './env.js';

/** What decides whether AppFlow's `registeredBy` names the registrar. */
export interface RegistrarIdentity extends Pick<HubConfig, 'hubAccountId' | 'spokeRoleName' | 'partition'> {
  /** The hub's RegisterConnector role (serverless.yml REGISTRAR_ROLE_NAME): it registers the hub account's connectors. */
  registrarRoleName: string;
}

/** Reads REGISTRAR_ROLE_NAME, the name of the hub's RegisterConnector role, once at module scope. */
export function loadRegistrarRoleName(env: NodeJS.ProcessEnv = process.env): string {
  return requireEnv('REGISTRAR_ROLE_NAME', env);
}

// arn:<partition>:sts::<account>:assumed-role/<role>/<session> or arn:<partition>:iam::<account>:role/<role>
const ASSUMED_ROLE = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/[\w+=,.@-]{1,64}$/;
const ROLE = /^arn:([a-z-]+):iam::(\d{12}):role\/([\w+=,.@-]{1,64})$/;

/**
 * Whether AppFlow's `registeredBy` for a connector of `accountId` names the registrar: in a member
 * account, a session of the spoke role the hub assumes there (every registration of the registrar
 * in that account is made through it); in the hub account, a session of the hub's RegisterConnector
 * role (the hub acts there with its own function roles). AppFlow documents registeredBy only as
 * "the user who registered the connector", so both the session ARN and the plain role ARN are read;
 * a person, another role, another account or partition, or a form not recognised is not the
 * registrar, and its registrations are never unregistered.
 *
 * @example isRegistrarPrincipal('arn:aws:sts::222222222222:assumed-role/AppFlowConnectorRegistrar/registrar-3f1c', '222222222222', identity) // true
 */
export function isRegistrarPrincipal(
  registeredBy: string | undefined,
  accountId: string,
  identity: RegistrarIdentity,
): boolean {
  if (registeredBy === undefined) return false;
  const match = ASSUMED_ROLE.exec(registeredBy) ?? ROLE.exec(registeredBy);
  if (!match) return false;
  const [, partition, account, roleName] = match;
  const expectedRole =
    accountId === identity.hubAccountId ? identity.registrarRoleName : identity.spokeRoleName;
  return partition === identity.partition && account === accountId && roleName === expectedRole;
}
