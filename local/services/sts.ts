import { AwsServiceError } from '../http/errors.js';
import { escapeXml, queryResponse } from '../http/protocols.js';
import { queryAction } from '../http/query.js';
import { ConstraintCheck } from '../http/validation.js';
import { type PolicyStatement, statementsOf } from '../iam/policy.js';
import { principalOf, type RoleRegistry, roleIdOf } from '../iam/roles.js';
import type { AwsRequest, Caller, EmulatedService, IdentityRegistry } from '../types.js';

/**
 * The emulated STS (query protocol): GetCallerIdentity, and AssumeRole into the roles the deployed
 * templates created, refused unless the role's trust policy (and, across accounts, the caller's own
 * policies) allow it. Refusals carry AWS's exact message; why it refused goes to `assumeRoleLog`.
 */

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const VERSION = '2011-06-15';
/** The cap on a session of role chaining (a role session assuming another role). */
const CHAINED_SESSION_SECONDS = 3600;

/** One AssumeRole call, as tests and benchmarks inspect them. */
export interface AssumeRoleLogEntry {
  at: string;
  callerArn: string;
  callerAccountId: string;
  roleArn: string;
  roleSessionName: string;
  allowed: boolean;
  /** Why it was refused (the caller only sees AccessDenied). */
  reason?: string;
  /** The key issued when allowed. */
  accessKeyId?: string;
}

export interface StsServiceOptions {
  identity: IdentityRegistry;
  /** The roles of the emulated accounts, with their trust policies. */
  roles: RoleRegistry;
  now?: () => number;
}

export interface StsService extends EmulatedService {
  readonly assumeRoleLog: AssumeRoleLogEntry[];
}

/**
 * Creates the STS service for the server.
 *
 * @example
 * const sts = createStsService({ identity, roles });
 */
export function createStsService(options: StsServiceOptions): StsService {
  const assumeRoleLog: AssumeRoleLogEntry[] = [];
  const now = options.now ?? Date.now;

  const handle = async (request: AwsRequest) => {
    const { action, params } = queryAction(request, VERSION, ['GetCallerIdentity', 'AssumeRole']);
    if (action === 'GetCallerIdentity') return getCallerIdentity(request.caller);
    return assumeRole(request.caller, params, { ...options, now, log: assumeRoleLog });
  };

  return { signingName: 'sts', protocol: 'query', handle, assumeRoleLog };
}

function getCallerIdentity(caller: Caller) {
  return queryResponse(
    'GetCallerIdentity',
    `<Arn>${escapeXml(caller.principalArn)}</Arn><UserId>${escapeXml(userIdOf(caller))}</UserId><Account>${caller.accountId}</Account>`,
    STS_NAMESPACE,
  );
}

interface AssumeContext extends StsServiceOptions {
  now: () => number;
  log: AssumeRoleLogEntry[];
}

function assumeRole(caller: Caller, params: URLSearchParams, context: AssumeContext) {
  const roleArn = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  const externalId = params.get('ExternalId');
  const policyText = params.get('Policy');
  const durationText = params.get('DurationSeconds');
  const duration = durationText === null ? undefined : Number(durationText);

  const check = new ConstraintCheck();
  check.string('roleArn', roleArn ?? undefined, { required: true, min: 20, max: 2048 });
  check.string('roleSessionName', sessionName ?? undefined, {
    required: true,
    min: 2,
    max: 64,
    pattern: '[\\w+=,.@-]*',
  });
  check.string('externalId', externalId ?? undefined, { min: 2, max: 1224, pattern: '[\\w+=,.@:\\/-]*' });
  if (duration !== undefined && !Number.isInteger(duration)) {
    check.violation(String(durationText), 'durationSeconds', 'Member must be a whole number of seconds');
  } else {
    check.range('durationSeconds', duration, 900, 43200);
  }
  check.string('policy', policyText ?? undefined, { min: 1, max: 2048 });
  check.throwIfAny('ValidationError');
  const sessionPolicy = policyText === null ? undefined : readSessionPolicy(policyText);
  const role = parseRoleArn(roleArn as string);
  if (!role) throw new AwsServiceError(400, 'ValidationError', `${roleArn} is invalid`);

  const entry: AssumeRoleLogEntry = {
    at: new Date(context.now()).toISOString(),
    callerArn: caller.principalArn,
    callerAccountId: caller.accountId,
    roleArn: roleArn as string,
    roleSessionName: sessionName as string,
    allowed: false,
  };
  const target = context.roles.get(`arn:aws:iam::${role.accountId}:role/${role.name}`);
  const refusal =
    target === undefined
      ? `no role ${role.name} in account ${role.accountId}`
      : context.roles.whyNotAssumable(target, {
          principal: principalOf(caller),
          context: { 'sts:ExternalId': externalId ?? undefined },
        });
  if (refusal !== undefined || target === undefined) {
    context.log.push({ ...entry, reason: refusal });
    throw new AwsServiceError(
      403,
      'AccessDenied',
      `User: ${caller.principalArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
  }
  // A role session assuming a role is role chaining: AWS caps it at one hour whatever the role allows.
  const maxSeconds = caller.roleArn === undefined ? target.maxSessionDuration : CHAINED_SESSION_SECONDS;
  if (duration !== undefined && duration > maxSeconds) {
    context.log.push({ ...entry, reason: 'DurationSeconds over the role MaxSessionDuration' });
    throw new AwsServiceError(
      400,
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }

  const assumedArn = `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`;
  const credentials = context.identity.issue(
    {
      accountId: role.accountId,
      principalArn: assumedArn,
      roleArn: `arn:aws:iam::${role.accountId}:role/${role.name}`,
      ...(caller.environmentId !== undefined ? { environmentId: caller.environmentId } : {}),
      ...(sessionPolicy !== undefined ? { sessionPolicy } : {}),
    },
    duration ?? 3600,
  );
  context.log.push({ ...entry, allowed: true, accessKeyId: credentials.accessKeyId });
  return queryResponse(
    'AssumeRole',
    `<AssumedRoleUser><AssumedRoleId>${escapeXml(`${roleIdOf(roleArn as string)}:${sessionName}`)}</AssumedRoleId><Arn>${escapeXml(assumedArn)}</Arn></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${credentials.accessKeyId}</AccessKeyId><SecretAccessKey>${escapeXml(credentials.secretAccessKey)}</SecretAccessKey>` +
      `<SessionToken>${escapeXml(credentials.sessionToken)}</SessionToken><Expiration>${credentials.expiration.replace(/\.\d{3}Z$/, 'Z')}</Expiration></Credentials>`,
    STS_NAMESPACE,
  );
}

/** AssumeRole's Policy parameter: a policy document, its statements limiting the session. */
function readSessionPolicy(text: string): PolicyStatement[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new AwsServiceError(400, 'MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
  }
  const statements = statementsOf(document);
  if (statements.length === 0) {
    throw new AwsServiceError(400, 'MalformedPolicyDocument', 'Syntax errors in policy.');
  }
  return statements;
}

function parseRoleArn(arn: string): { accountId: string; name: string } | undefined {
  const match = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/.exec(arn);
  return match ? { accountId: match[1] as string, name: match[2] as string } : undefined;
}

/** GetCallerIdentity's UserId: the account for root, AROA…:session for assumed roles. */
function userIdOf(caller: Caller): string {
  const assumed = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(caller.principalArn);
  if (assumed) {
    const roleArn = caller.roleArn ?? `arn:aws:iam::${assumed[1]}:role/${assumed[2]}`;
    return `${roleIdOf(roleArn)}:${assumed[3]}`;
  }
  if (/:role\//.test(caller.principalArn)) return roleIdOf(caller.principalArn);
  return caller.accountId;
}
