/**
 * IAM policy evaluation for the local stack: identity policies, resource policies (event bus, Lambda)
 * and role trust policies, with the parts of the policy language the registrar's templates use:
 * Action/NotAction and Resource/NotResource with wildcards, Principal/NotPrincipal, and the condition
 * operators (String*, Arn*, Bool, Null, Numeric*, with IfExists and ForAnyValue/ForAllValues). An
 * explicit Deny wins; otherwise some Allow must match. An operator it does not know matches nothing,
 * so a policy it cannot read grants nothing. Written by hand: see README, "Written by hand".
 */

export type OneOrMany<T> = T | T[];

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | { AWS?: OneOrMany<string>; Service?: OneOrMany<string>; Federated?: OneOrMany<string> };
  NotPrincipal?: '*' | { AWS?: OneOrMany<string>; Service?: OneOrMany<string> };
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Condition?: Record<string, Record<string, OneOrMany<string | boolean | number>>>;
}

/** Who makes a request, as a policy's Principal element sees it. */
export type RequestPrincipal =
  | {
      kind: 'aws';
      accountId: string;
      /** arn:aws:iam::<account>:root, a role ARN, or an assumed-role session ARN. */
      arn: string;
      /** For an assumed-role session: the role's ARN. */
      roleArn?: string;
    }
  | { kind: 'service'; service: string };

export interface PolicyRequest {
  action: string;
  /** Absent for a trust policy (its statements name no Resource). */
  resource?: string;
  /** Checked only for resource and trust policies; identity policies have no Principal. */
  principal?: RequestPrincipal;
  /** Condition keys of the request: aws:PrincipalOrgID, aws:SourceArn, sts:ExternalId… */
  context: Record<string, string | string[] | undefined>;
}

export type Decision = 'allow' | 'deny' | 'implicit-deny';

/** The decision of one policy (or several, concatenated) for a request. */
export function evaluatePolicy(statements: readonly PolicyStatement[], request: PolicyRequest): Decision {
  const context = lowerKeys(request.context);
  const matching = statements.filter((statement) => applies(statement, request, context));
  if (matching.some((statement) => statement.Effect === 'Deny')) return 'deny';
  return matching.some((statement) => statement.Effect === 'Allow') ? 'allow' : 'implicit-deny';
}

/** Whether the statements allow the request (an Allow matches and no Deny does). */
export function allows(statements: readonly PolicyStatement[], request: PolicyRequest): boolean {
  return evaluatePolicy(statements, request) === 'allow';
}

/**
 * Why a policy does not allow a request, in words a person can act on: the Deny that matched, or for
 * the Allow that came closest, the principal it names or the conditions the request failed.
 */
export function whyNotAllowed(statements: readonly PolicyStatement[], request: PolicyRequest): string {
  const context = lowerKeys(request.context);
  const denied = statements.find(
    (statement) => statement.Effect === 'Deny' && applies(statement, request, context),
  );
  if (denied !== undefined) return `denied by statement ${denied.Sid ?? '(no Sid)'}`;
  const candidates = statements.filter(
    (statement) =>
      statement.Effect === 'Allow' &&
      actionMatches(statement, request.action) &&
      (request.resource === undefined || resourceMatches(statement, request.resource)),
  );
  if (candidates.length === 0) {
    return `no statement allows ${request.action}${request.resource === undefined ? '' : ` on ${request.resource}`}`;
  }
  const reasons = candidates.map((statement) => {
    if (request.principal !== undefined && !principalApplies(statement, request.principal)) {
      return [`the principal ${describePrincipal(request.principal)} is not one the statement names`];
    }
    return Object.entries(statement.Condition ?? {}).flatMap(([operator, tests]) =>
      Object.entries(tests)
        .filter(
          ([key, expected]) =>
            !conditionHolds(operator, context.get(key.toLowerCase()), list(expected).map(String)),
        )
        .map(([key]) =>
          context.has(key.toLowerCase())
            ? `${key} does not satisfy ${operator}`
            : `${key} is not in the request (${operator})`,
        ),
    );
  });
  return (reasons.sort((a, b) => a.length - b.length)[0] ?? []).join('; ');
}

function describePrincipal(principal: RequestPrincipal): string {
  return principal.kind === 'service' ? principal.service : (principal.roleArn ?? principal.arn);
}

/** The statements of a policy document, whether it holds one statement or a list. */
export function statementsOf(document: unknown): PolicyStatement[] {
  if (typeof document !== 'object' || document === null) return [];
  const statement = (document as { Statement?: unknown }).Statement;
  if (statement === undefined) return [];
  return (Array.isArray(statement) ? statement : [statement]) as PolicyStatement[];
}

function applies(
  statement: PolicyStatement,
  request: PolicyRequest,
  context: Map<string, string[]>,
): boolean {
  if (!actionMatches(statement, request.action)) return false;
  if (request.resource !== undefined && !resourceMatches(statement, request.resource)) return false;
  if (request.principal !== undefined && !principalApplies(statement, request.principal)) return false;
  return conditionsHold(statement.Condition ?? {}, context);
}

function actionMatches(statement: PolicyStatement, action: string): boolean {
  // Action names are case-insensitive in IAM (appflow:UnRegisterConnector = appflow:unregisterconnector).
  const matches = (patterns: OneOrMany<string>) =>
    list(patterns).some((pattern) => wildcard(pattern, action, true));
  if (statement.Action !== undefined) return matches(statement.Action);
  if (statement.NotAction !== undefined) return !matches(statement.NotAction);
  return false;
}

function resourceMatches(statement: PolicyStatement, resource: string): boolean {
  const matches = (patterns: OneOrMany<string>) =>
    list(patterns).some((pattern) => wildcard(pattern, resource, false));
  if (statement.Resource !== undefined) return matches(statement.Resource);
  if (statement.NotResource !== undefined) return !matches(statement.NotResource);
  // A resource or trust policy may leave Resource out: it is then the resource the policy is on.
  return true;
}

function principalApplies(statement: PolicyStatement, principal: RequestPrincipal): boolean {
  if (statement.Principal !== undefined) return principalMatches(statement.Principal, principal);
  if (statement.NotPrincipal !== undefined) return !principalMatches(statement.NotPrincipal, principal);
  return false;
}

/**
 * An AWS principal names an account (`123456789012` or its root ARN: every principal of the account,
 * which its own identity policies must then allow), a role (its sessions), or a session itself.
 */
export function principalMatches(
  element: NonNullable<PolicyStatement['Principal']>,
  principal: RequestPrincipal,
): boolean {
  if (element === '*') return true;
  if (principal.kind === 'service') return list(element.Service).includes(principal.service);
  return list(element.AWS).some(
    (value) =>
      value === '*' ||
      value === principal.accountId ||
      value === `arn:aws:iam::${principal.accountId}:root` ||
      value === principal.arn ||
      (principal.roleArn !== undefined && value === principal.roleArn),
  );
}

function conditionsHold(
  conditions: NonNullable<PolicyStatement['Condition']>,
  context: Map<string, string[]>,
): boolean {
  return Object.entries(conditions).every(([operator, tests]) =>
    Object.entries(tests).every(([key, expected]) =>
      conditionHolds(
        operator,
        context.get(key.toLowerCase()),
        list(expected).map((value) => String(value)),
      ),
    ),
  );
}

function conditionHolds(operator: string, actual: string[] | undefined, expected: string[]): boolean {
  let base = operator;
  let set: 'any' | 'all' | undefined;
  if (base.startsWith('ForAnyValue:')) [set, base] = ['any', base.slice('ForAnyValue:'.length)];
  else if (base.startsWith('ForAllValues:')) [set, base] = ['all', base.slice('ForAllValues:'.length)];
  const ifExists = base.endsWith('IfExists');
  if (ifExists) base = base.slice(0, -'IfExists'.length);

  if (base === 'Null') {
    const wantsAbsent = expected.includes('true');
    return wantsAbsent === (actual === undefined);
  }
  if (actual === undefined || actual.length === 0) {
    if (set === 'all') return true;
    // A key the request does not carry: only IfExists and the negated operators hold.
    return ifExists || (set === undefined && NEGATED.has(base));
  }
  const test = (value: string) => compare(base, value, expected);
  if (set === 'all') return actual.every(test);
  if (set === 'any') return actual.some(test);
  return actual.every(test);
}

const NEGATED = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'ArnNotEquals',
  'ArnNotLike',
  'NumericNotEquals',
]);

function compare(operator: string, actual: string, expected: string[]): boolean {
  switch (operator) {
    case 'StringEquals':
      return expected.includes(actual);
    case 'StringNotEquals':
      return !expected.includes(actual);
    case 'StringEqualsIgnoreCase':
      return expected.some((value) => value.toLowerCase() === actual.toLowerCase());
    case 'StringNotEqualsIgnoreCase':
      return !expected.some((value) => value.toLowerCase() === actual.toLowerCase());
    case 'StringLike':
    case 'ArnLike':
    case 'ArnEquals':
      return expected.some((pattern) => wildcard(pattern, actual, false));
    case 'StringNotLike':
    case 'ArnNotLike':
    case 'ArnNotEquals':
      return !expected.some((pattern) => wildcard(pattern, actual, false));
    case 'Bool':
      return expected.some((value) => value.toLowerCase() === actual.toLowerCase());
    case 'NumericEquals':
      return expected.some((value) => Number(value) === Number(actual));
    case 'NumericNotEquals':
      return !expected.some((value) => Number(value) === Number(actual));
    case 'NumericLessThan':
      return expected.some((value) => Number(actual) < Number(value));
    case 'NumericLessThanEquals':
      return expected.some((value) => Number(actual) <= Number(value));
    case 'NumericGreaterThan':
      return expected.some((value) => Number(actual) > Number(value));
    case 'NumericGreaterThanEquals':
      return expected.some((value) => Number(actual) >= Number(value));
    default:
      return false;
  }
}

/** IAM wildcards: `*` any run of characters (across `:` and `/`, and newlines), `?` one character. */
export function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'si' : 's').test(value);
}

function lowerKeys(context: PolicyRequest['context']): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined) continue;
    map.set(key.toLowerCase(), Array.isArray(value) ? value : [value]);
  }
  return map;
}

function list<T>(value: OneOrMany<T> | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
