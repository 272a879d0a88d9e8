import { AwsServiceError } from '../../http/errors.js';
import { allows, type PolicyStatement as IamStatement, type PolicyRequest } from '../../iam/policy.js';
import { principalOf as principalOfCaller } from '../../iam/roles.js';
import type { Caller, DeployedFunction } from '../../types.js';
import type { PolicyStatement } from '../../world/schema.js';
import { invalidParameter, validation } from './errors.js';

/** Lambda's limit on a function's resource policy, in bytes. */
export const MAX_POLICY_BYTES = 20_480;

const STATEMENT_ID = /^[a-zA-Z0-9-_.]{1,100}$/;
const ACTION = /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/;
const ACCOUNT = /^\d{12}$/;

/** AddPermission's input, as the SDK sends it in the body. */
export interface PermissionInput {
  StatementId?: unknown;
  Action?: unknown;
  Principal?: unknown;
  SourceArn?: unknown;
  SourceAccount?: unknown;
  EventSourceToken?: unknown;
  PrincipalOrgID?: unknown;
  FunctionUrlAuthType?: unknown;
  RevisionId?: unknown;
}

/** The Policy string GetPolicy answers: the function's statements in Lambda's policy document. */
export function policyDocument(fn: DeployedFunction): string {
  return JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: fn.policy });
}

/**
 * The statement Lambda stores for an AddPermission call: the principal as a Service or AWS principal,
 * and SourceArn, SourceAccount, PrincipalOrgID, EventSourceToken and FunctionUrlAuthType as
 * conditions. Invalid input answers Lambda's ValidationException or InvalidParameterValueException.
 */
export function permissionStatement(
  fn: DeployedFunction,
  input: PermissionInput,
  qualifier?: string,
): PolicyStatement {
  const sid = requiredText(input.StatementId, 'statementId');
  if (!STATEMENT_ID.test(sid))
    validationFailure(
      sid,
      'statementId',
      'Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)',
    );
  const action = requiredText(input.Action, 'action');
  if (!ACTION.test(action))
    validationFailure(
      action,
      'action',
      'Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])',
    );
  const principal = principalOf(requiredText(input.Principal, 'principal'));

  const condition: Record<string, Record<string, string>> = {};
  const add = (operator: string, key: string, value: unknown) => {
    if (value === undefined || value === null) return;
    if (typeof value !== 'string' || value === '')
      validationFailure(String(value), key, 'Member must be a non-empty string');
    condition[operator] = { ...condition[operator], [key]: value as string };
  };
  add('StringEquals', 'AWS:SourceAccount', input.SourceAccount);
  add('StringEquals', 'aws:PrincipalOrgID', input.PrincipalOrgID);
  add('StringEquals', 'lambda:EventSourceToken', input.EventSourceToken);
  add('StringEquals', 'lambda:FunctionUrlAuthType', input.FunctionUrlAuthType);
  add('ArnLike', 'AWS:SourceArn', input.SourceArn);

  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: principal,
    Action: action,
    Resource: qualifier ? `${fn.arn}:${qualifier}` : fn.arn,
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}

/** Refuses a policy that would outgrow Lambda's limit. */
export function checkPolicySize(statements: PolicyStatement[]): void {
  const size = Buffer.byteLength(
    JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements }),
  );
  if (size > MAX_POLICY_BYTES) {
    throw new AwsServiceError(
      400,
      'PolicyLengthExceededException',
      `The final policy size (${size}) is bigger than the limit (${MAX_POLICY_BYTES}).`,
    );
  }
}

// Lambda accepts an account id, an IAM ARN, a service principal or *.
function principalOf(principal: string): PolicyStatement['Principal'] {
  if (ACCOUNT.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (principal === '*' || principal.startsWith('arn:aws:iam::') || principal.startsWith('arn:aws:sts::')) {
    return { AWS: principal };
  }
  if (/^[a-z0-9.-]+\.amazonaws\.com$/.test(principal)) return { Service: principal };
  throw invalidParameter('The provided principal was invalid. Please check the principal and try again.');
}

/**
 * Whether a principal of another account may call `lambda:<action>` on the function: the function's
 * resource policy evaluated by IAM's rules (local/iam), an explicit Deny winning.
 */
export function allowsCaller(fn: DeployedFunction, caller: Caller, action: string): boolean {
  return allowedOnFunction(fn, {
    action: `lambda:${action}`,
    principal: principalOfCaller(caller),
    context: {
      'aws:PrincipalAccount': caller.accountId,
      'aws:PrincipalArn': caller.roleArn ?? caller.principalArn,
    },
  });
}

/** The request context AWS evaluates a service principal's invocation in. */
export interface ServiceInvocation {
  /** appflow.amazonaws.com */
  service: string;
  sourceAccount?: string;
  sourceArn?: string;
}

/**
 * Whether the resource policy lets an AWS service invoke the function in this context (the
 * aws:SourceAccount and aws:SourceArn the service sends). AppFlow invokes connectors this way.
 *
 * @example allowsServiceInvoke(fn, { service: 'appflow.amazonaws.com', sourceAccount: '111111111111', sourceArn: 'arn:aws:appflow:eu-west-1:111111111111:connector/x' })
 */
export function allowsServiceInvoke(fn: DeployedFunction, invocation: ServiceInvocation): boolean {
  return allowedOnFunction(fn, {
    action: 'lambda:InvokeFunction',
    principal: { kind: 'service', service: invocation.service },
    context: { 'aws:SourceAccount': invocation.sourceAccount, 'aws:SourceArn': invocation.sourceArn },
  });
}

// A statement may name the function or its $LATEST version.
function allowedOnFunction(fn: DeployedFunction, request: Omit<PolicyRequest, 'resource'>): boolean {
  const statements = fn.policy as unknown as IamStatement[];
  return (
    allows(statements, { ...request, resource: fn.arn }) ||
    allows(statements, { ...request, resource: `${fn.arn}:$LATEST` })
  );
}

function requiredText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw validation(String(value ?? 'null'), field, 'Member must not be null');
  }
  return value;
}

function validationFailure(value: string, field: string, constraint: string): never {
  throw validation(value, field, constraint);
}
