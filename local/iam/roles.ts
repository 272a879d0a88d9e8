import { createHash } from 'node:crypto';
import { AwsServiceError } from '../http/errors.js';
import type { Caller } from '../types.js';
import { allows, type PolicyStatement, type RequestPrincipal, whyNotAllowed } from './policy.js';

/** An IAM role, as a deployed template created it. */
export interface Role {
  arn: string;
  name: string;
  accountId: string;
  /** AssumeRolePolicyDocument's statements. */
  trustPolicy: PolicyStatement[];
  /** The statements of its inline policies (and managed ones the stack created). */
  policies: PolicyStatement[];
  /** Seconds; IAM's default is one hour. */
  maxSessionDuration: number;
}

/** Who assumes a role, and the condition keys the request carries. */
export interface AssumeRequest {
  principal: RequestPrincipal;
  /** aws:SourceAccount, aws:SourceArn (a service acting for a resource), sts:ExternalId… */
  context: Record<string, string | undefined>;
}

/**
 * The roles of the emulated accounts, created by the templates the local stack deploys, and the two
 * questions IAM answers about them: may this principal assume the role (its trust policy, and for a
 * role of another account the caller's own policies), and may a session of the role do this action
 * on this resource (its policies). Principals it does not know (an account's administrator, the AWS
 * CLI's keys) are not limited by identity policies.
 */
export class RoleRegistry {
  private readonly roles = new Map<string, Role>();

  constructor(private readonly organizationOf: (accountId: string) => string | undefined) {}

  add(role: Role): void {
    this.roles.set(role.arn, role);
  }

  remove(arn: string): void {
    this.roles.delete(arn);
  }

  get(arn: string): Role | undefined {
    return this.roles.get(arn);
  }

  list(accountId?: string): Role[] {
    return [...this.roles.values()].filter((role) => accountId === undefined || role.accountId === accountId);
  }

  /**
   * Why the trust policy (and, for an AWS principal, its own identity policy) refuses the request, or
   * undefined when the role may be assumed.
   */
  whyNotAssumable(role: Role, request: AssumeRequest): string | undefined {
    const { principal } = request;
    const context = {
      ...request.context,
      ...(principal.kind === 'aws'
        ? {
            'aws:PrincipalArn': principal.roleArn ?? principal.arn,
            'aws:PrincipalAccount': principal.accountId,
            'aws:PrincipalOrgID': this.organizationOf(principal.accountId),
          }
        : { 'aws:PrincipalServiceName': principal.service }),
    };
    const trustRequest = { action: 'sts:AssumeRole', principal, context };
    if (!allows(role.trustPolicy, trustRequest)) {
      return `the trust policy of ${role.arn} refuses ${describe(principal)}: ${whyNotAllowed(role.trustPolicy, trustRequest)}`;
    }
    if (principal.kind === 'aws' && principal.roleArn !== undefined) {
      const own = this.roles.get(principal.roleArn);
      const resourceContext = { ...context, ...this.resourceContext(role.arn) };
      const request = { action: 'sts:AssumeRole', resource: role.arn, context: resourceContext };
      if (own !== undefined && !allows(own.policies, request)) {
        return `the policies of ${own.arn} refuse it: ${whyNotAllowed(own.policies, request)}`;
      }
    }
    return undefined;
  }

  /**
   * Whether the caller's own policies allow the action on the resource: a session of a role this
   * registry holds is limited to what its policies allow; any other caller is not limited here.
   */
  identityAllows(
    caller: Caller,
    action: string,
    resource: string,
    context: Record<string, string | undefined> = {},
  ): boolean {
    const role = caller.roleArn === undefined ? undefined : this.roles.get(caller.roleArn);
    if (role === undefined) return true;
    const request = {
      action,
      resource,
      context: {
        'aws:PrincipalArn': role.arn,
        'aws:PrincipalAccount': caller.accountId,
        'aws:PrincipalOrgID': this.organizationOf(caller.accountId),
        ...this.resourceContext(resource),
        ...context,
      },
    };
    return (
      allows(role.policies, request) &&
      (caller.sessionPolicy === undefined || allows(caller.sessionPolicy, request))
    );
  }

  /**
   * The error AWS answers a caller whose own policies do not allow the action, or undefined when they
   * do. `status` is the HTTP status the service uses for AccessDeniedException.
   */
  denial(
    caller: Caller,
    action: string,
    resource: string,
    status: number,
    context: Record<string, string | undefined> = {},
  ): AwsServiceError | undefined {
    if (this.identityAllows(caller, action, resource, context)) return undefined;
    const why =
      caller.sessionPolicy === undefined ? 'no identity-based policy allows' : 'no session policy allows';
    return new AwsServiceError(
      status,
      'AccessDeniedException',
      `User: ${caller.principalArn} is not authorized to perform: ${action} on resource: ${resource} because ${why} the ${action} action`,
    );
  }

  /** aws:ResourceAccount and aws:ResourceOrgID of a resource, from its ARN's account. */
  private resourceContext(resourceArn: string): Record<string, string | undefined> {
    const accountId = resourceArn.split(':')[4];
    if (accountId === undefined || accountId === '') return {};
    return { 'aws:ResourceAccount': accountId, 'aws:ResourceOrgID': this.organizationOf(accountId) };
  }
}

/** A stable role id (AROA…) per role ARN, as IAM gives every role one. */
export function roleIdOf(roleArn: string): string {
  const digest = createHash('sha256').update(roleArn).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = 'AROA';
  for (let i = 0; i < 17; i++) id += alphabet[(digest[i] as number) % alphabet.length];
  return id;
}

/** The request principal of a caller of the emulated APIs. */
export function principalOf(caller: Caller): RequestPrincipal {
  return {
    kind: 'aws',
    accountId: caller.accountId,
    arn: caller.principalArn,
    ...(caller.roleArn !== undefined ? { roleArn: caller.roleArn } : {}),
  };
}

function describe(principal: RequestPrincipal): string {
  return principal.kind === 'service' ? principal.service : (principal.roleArn ?? principal.arn);
}
