import type { PolicyStatement } from '../../world/schema.js';

/**
 * Whether a function's resource policy lets an AWS service principal invoke it, evaluated as IAM
 * does for a resource policy: an explicit Deny wins, else some Allow must match the principal,
 * action, resource and every condition. Covers the condition operators resource policies on Lambda
 * use (String*, Arn*, with IfExists); an operator it does not know matches nothing, so a policy it
 * cannot read grants nothing.
 */

export interface ServiceInvoke {
  /** appflow.amazonaws.com */
  servicePrincipal: string;
  functionArn: string;
  /** Condition keys the service sends: AWS:SourceAccount, AWS:SourceArn. */
  context: Record<string, string>;
}

type Statement = Omit<PolicyStatement, 'Principal' | 'Action' | 'Resource' | 'Condition'> & {
  Principal: PolicyStatement['Principal'] | '*';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
};

export function allowsServiceInvoke(policy: readonly PolicyStatement[], invoke: ServiceInvoke): boolean {
  const matching = (policy as readonly Statement[]).filter((statement) => applies(statement, invoke));
  if (matching.some((statement) => statement.Effect === 'Deny')) return false;
  return matching.some((statement) => statement.Effect === 'Allow');
}

function applies(statement: Statement, invoke: ServiceInvoke): boolean {
  return (
    principalMatches(statement.Principal, invoke.servicePrincipal) &&
    list(statement.Action).some((action) => glob(action.toLowerCase(), 'lambda:invokefunction')) &&
    list(statement.Resource).some(
      (resource) => glob(resource, invoke.functionArn) || glob(resource, `${invoke.functionArn}:$LATEST`),
    ) &&
    conditionsHold(statement.Condition, invoke.context)
  );
}

function principalMatches(principal: Statement['Principal'], service: string): boolean {
  if (principal === '*') return true;
  if (list(principal.AWS).includes('*')) return true;
  return list(principal.Service).includes(service);
}

function conditionsHold(condition: Statement['Condition'], context: Record<string, string>): boolean {
  if (condition === undefined) return true;
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) =>
      holds(operator, contextValue(context, key), list(expected)),
    ),
  );
}

function holds(operator: string, actual: string | undefined, expected: string[]): boolean {
  const ifExists = operator.endsWith('IfExists');
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  if (actual === undefined) return ifExists || base.includes('Not');
  switch (base) {
    case 'StringEquals':
    case 'ArnEquals':
      return expected.includes(actual);
    case 'StringEqualsIgnoreCase':
      return expected.some((value) => value.toLowerCase() === actual.toLowerCase());
    case 'StringLike':
    case 'ArnLike':
      return expected.some((pattern) => glob(pattern, actual));
    case 'StringNotEquals':
    case 'ArnNotEquals':
      return !expected.includes(actual);
    case 'StringNotLike':
    case 'ArnNotLike':
      return !expected.some((pattern) => glob(pattern, actual));
    default:
      return false;
  }
}

// Condition keys are case-insensitive in IAM (AWS:SourceAccount = aws:sourceaccount).
function contextValue(context: Record<string, string>, key: string): string | undefined {
  const lower = key.toLowerCase();
  return Object.entries(context).find(([name]) => name.toLowerCase() === lower)?.[1];
}

/** IAM wildcards: * any run of characters, ? one character. */
function glob(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
