import type { OutcomeDetail } from '../record-outcome/input.js';
import { functionNameIn } from '../record-outcome/row.js';
import { NO_FUNCTION } from '../shared/inventory.js';
import { printable } from '../shared/text.js';

/** Every alert window item's `id` starts with it; nothing else in the hub's table does. */
export const ALERT_PREFIX = 'alert#';

/**
 * The window a failure counts in: its account, Region, function and error. The function is the one
 * VerifyFunction validated; a failure before verification names none and counts under NO_FUNCTION,
 * so a flood of signals naming made-up functions folds into one window instead of one each. The
 * error is escaped and cut, as it comes from a Lambda error payload.
 *
 * @example alertKey(detail) // 'alert#222222222222#eu-west-1#sales-connector#MissingAppFlowPermissionError'
 */
export function alertKey(detail: OutcomeDetail): string {
  const { accountId, region, lambdaArn } = detail;
  const functionName =
    (lambdaArn === null ? undefined : functionNameIn(lambdaArn, accountId, region)) ?? NO_FUNCTION;
  return `${ALERT_PREFIX}${accountId}#${region}#${functionName}#${printable(detail.error ?? 'unknown', 100)}`;
}
