import { GetPolicyCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { MissingAppFlowPermissionError } from '../shared/errors.js';
import { printable } from '../shared/text.js';

export const APPFLOW_PRINCIPAL = 'appflow.amazonaws.com';
export const STATEMENT_ID = 'AppFlowConnectorInvoke';

/** The function whose resource policy is checked. */
export interface PolicyTarget {
  /** Unqualified. */
  lambdaArn: string;
  accountId: string;
  region: string;
  partition: string;
}

/** The outcome of reading a resource policy. */
export type PolicyVerdict =
  | { sufficient: true; statementId: string | undefined; hasSourceArn: boolean }
  | { sufficient: false; reason: string; conflictingStatementId?: string };

/** Something to tell about a policy that lets AppFlow in but is looser than it should be. */
export type PolicyWarn = (message: string, fields: Record<string, unknown>) => void;

/**
 * Checks that the function's resource policy lets AppFlow invoke it for this account only, and
 * throws MissingAppFlowPermissionError with the exact `aws lambda add-permission` command that
 * fixes it otherwise. A policy without AWS:SourceArn passes with a warning. Other SDK errors are
 * rethrown unchanged.
 */
export async function checkAppFlowPermission(
  lambda: LambdaClient,
  target: PolicyTarget,
  warn: PolicyWarn,
): Promise<void> {
  let policy: string | undefined;
  try {
    ({ Policy: policy } = await lambda.send(new GetPolicyCommand({ FunctionName: target.lambdaArn })));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    const verdict = { sufficient: false, reason: 'it has no resource policy' } as const;
    throw new MissingAppFlowPermissionError(missingMessage(target, verdict), { cause: error });
  }

  const verdict = evaluatePolicy(policy, target.accountId);
  if (!verdict.sufficient) throw new MissingAppFlowPermissionError(missingMessage(target, verdict));
  if (!verdict.hasSourceArn) {
    warn(
      'AppFlow may invoke the connector from any of its resources in this account: no AWS:SourceArn condition',
      {
        lambdaArn: target.lambdaArn,
        statementId: verdict.statementId,
        suggestedSourceArn: sourceArnFor(target),
      },
    );
  }
}

/**
 * Reads a resource policy document (JSON text, as GetPolicy returns it) and says whether one of
 * its statements lets appflow.amazonaws.com call lambda:InvokeFunction on behalf of `accountId`
 * only (StringEquals AWS:SourceAccount = accountId, the confused-deputy guard). Never throws on
 * malformed JSON: a policy that cannot be read grants nothing.
 */
export function evaluatePolicy(policy: string | undefined, accountId: string): PolicyVerdict {
  let document: unknown;
  try {
    document = JSON.parse(policy ?? '');
  } catch {
    return { sufficient: false, reason: 'its resource policy is not valid JSON' };
  }
  const statements = asArray(field(document, 'Statement')).filter(isObject);

  const forAppFlow = statements.filter(
    (statement) =>
      field(statement, 'Effect') === 'Allow' &&
      asArray(field(field(statement, 'Principal'), 'Service')).includes(APPFLOW_PRINCIPAL) &&
      asArray(field(statement, 'Action')).some(
        (action) =>
          typeof action === 'string' && ['lambda:invokefunction', 'lambda:*'].includes(action.toLowerCase()),
      ),
  );

  for (const statement of forAppFlow) {
    const accounts = conditionValues(statement, 'StringEquals', 'aws:SourceAccount');
    if (accounts.length > 0 && accounts.every((account) => account === accountId)) {
      return {
        sufficient: true,
        statementId: sid(statement),
        hasSourceArn: hasConditionKey(statement, 'aws:SourceArn'),
      };
    }
  }

  const first = forAppFlow[0];
  if (!first) {
    return {
      sufficient: false,
      reason: `no statement of its resource policy allows ${APPFLOW_PRINCIPAL} to call lambda:InvokeFunction`,
      ...conflict(statements),
    };
  }
  const accounts = conditionValues(first, 'StringEquals', 'aws:SourceAccount');
  // The Sid and the condition values are the function owner's words: escaped for the alert.
  const statement = `statement ${printable(sid(first) ?? '(no Sid)')}`;
  const reason =
    accounts.length === 0
      ? `${statement} allows ${APPFLOW_PRINCIPAL} without a StringEquals AWS:SourceAccount condition, so AppFlow in any account could invoke it (confused deputy)`
      : `${statement} allows ${APPFLOW_PRINCIPAL} for AWS:SourceAccount ${printable(accounts.map(String).join(', '))}, not ${accountId} alone`;
  return { sufficient: false, reason, ...conflict(statements) };
}

/** The message of MissingAppFlowPermissionError: why, and the command that fixes it. */
export function missingMessage(
  target: PolicyTarget,
  verdict: Extract<PolicyVerdict, { sufficient: false }>,
): string {
  const grant = addPermissionCommand(target);
  const fix = verdict.conflictingStatementId
    ? `Replace statement ${STATEMENT_ID}: aws lambda remove-permission --function-name ${target.lambdaArn} --statement-id ${STATEMENT_ID} --region ${target.region} && ${grant}`
    : `Allow AppFlow of account ${target.accountId}, and only it, to invoke it: ${grant}`;
  return `AppFlow cannot invoke ${target.lambdaArn}: ${verdict.reason}. ${fix}`;
}

/** The command that grants AppFlow in this account, and only it, the right to invoke the connector. */
export function addPermissionCommand(target: PolicyTarget): string {
  return `aws lambda add-permission --function-name ${target.lambdaArn} --statement-id ${STATEMENT_ID} --action lambda:InvokeFunction --principal ${APPFLOW_PRINCIPAL} --source-account ${target.accountId} --source-arn '${sourceArnFor(target)}' --region ${target.region}`;
}

function sourceArnFor(target: PolicyTarget): string {
  return `arn:${target.partition}:appflow:${target.region}:${target.accountId}:*`;
}

function conflict(statements: readonly object[]): { conflictingStatementId?: string } {
  return statements.some((statement) => sid(statement) === STATEMENT_ID)
    ? { conflictingStatementId: STATEMENT_ID }
    : {};
}

// IAM matches condition operators and keys case-insensitively.
function conditionValues(statement: object, operator: string, key: string): unknown[] {
  const byOperator = entry(field(statement, 'Condition'), operator);
  return asArray(entry(byOperator, key));
}

/** Whether any condition operator (ArnLike, ArnEquals, StringEquals…) constrains `key`. */
function hasConditionKey(statement: object, key: string): boolean {
  const condition = field(statement, 'Condition');
  if (!isObject(condition)) return false;
  return Object.values(condition).some((byOperator) => asArray(entry(byOperator, key)).length > 0);
}

function entry(value: unknown, name: string): unknown {
  if (!isObject(value)) return undefined;
  const lower = name.toLowerCase();
  const found = Object.entries(value).find(([key]) => key.toLowerCase() === lower);
  return found?.[1];
}

function sid(statement: object): string | undefined {
  const value = field(statement, 'Sid');
  return typeof value === 'string' ? value : undefined;
}

function field(value: unknown, name: string): unknown {
  return isObject(value) ? (value as Record<string, unknown>)[name] : undefined;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
