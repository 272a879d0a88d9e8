import { parseFunctionArn } from '../shared/arn.js';
import { NO_FUNCTION } from '../shared/inventory.js';
import type { RecordInput } from './input.js';

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Long enough for every message the handlers write (the add-permission command included). */
const MESSAGE_MAX = 2000;

/**
 * The inventory row an outcome belongs to: the function VerifyFunction validated, else the one the
 * signal named when it names a function of the event's own account and Region (a CloudFormation
 * signal names it bare), else the account's and Region's NO_FUNCTION row. The signal is never
 * trusted further than that: it picks a row of its own account, and nothing is read from it.
 *
 * @example rowOf(input) // { functionName: 'sales-connector', lambdaArn: 'arn:aws:lambda:…' }
 */
export function rowOf(input: RecordInput): { functionName: string; lambdaArn?: string } {
  const { accountId, region, lambdaArn } = input.detail;
  if (lambdaArn !== null) {
    const verified = functionNameIn(lambdaArn, accountId, region);
    if (verified !== undefined) return { functionName: verified, lambdaArn };
  }
  const signal = input.signalFunctionArn;
  if (signal === undefined) return { functionName: NO_FUNCTION };
  if (FUNCTION_NAME.test(signal)) return { functionName: signal };
  return { functionName: functionNameIn(signal, accountId, region) ?? NO_FUNCTION };
}

/** The name of the function an ARN names, if it is one of the given account and Region. */
export function functionNameIn(arn: string, accountId: string, region: string): string | undefined {
  try {
    const parsed = parseFunctionArn(arn);
    return parsed.accountId === accountId && parsed.region === region ? parsed.functionName : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The message of a failure's cause: a Lambda task's cause is the JSON text of its error payload,
 * whose errorMessage is the handler's own (it names the fix); Step Functions' own causes are text.
 */
export function messageOf(cause: string | undefined): string | undefined {
  if (cause === undefined || cause === '') return undefined;
  let message = cause;
  try {
    const payload = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof payload?.errorMessage === 'string') message = payload.errorMessage;
  } catch {
    // Not a Lambda error payload: keep the cause as it is.
  }
  return message.length > MESSAGE_MAX
    ? `${message.slice(0, MESSAGE_MAX)}...(${message.length} chars)`
    : message;
}

/** The partition an ARN names (arn:<partition>:…). */
export function partitionOf(arn: string): string {
  return arn.split(':')[1] || 'aws';
}
