import type { DeployedFunction, IdentityRegistry, IssuedCredentials } from '../types.js';

/**
 * The credentials one execution environment gets: a session of the function's execution role named
 * after the function, as Lambda assumes it, tied to the environment so a request tells which one
 * signed it.
 */
export function environmentCredentials(
  identity: IdentityRegistry,
  fn: DeployedFunction,
  environmentId: string,
  ttlSeconds: number,
): IssuedCredentials {
  const roleName = fn.role.slice(fn.role.lastIndexOf('/') + 1);
  return identity.issue(
    {
      accountId: fn.accountId,
      principalArn: `arn:aws:sts::${fn.accountId}:assumed-role/${roleName}/${fn.name}`,
      roleArn: fn.role,
      environmentId,
    },
    ttlSeconds,
  );
}
