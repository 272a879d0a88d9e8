import { parseTaskLambdaArn } from '../shared/arn.js';
import { AccountMismatchError, InvalidInputError } from '../shared/errors.js';
import { labelProblem } from '../shared/limits.js';
import { printable } from '../shared/text.js';
import { REMOVAL_REASONS as REASONS, type RemovalReason, type UnregisterInput } from '../shared/types.js';

const ACCOUNT_ID = /^\d{12}$/;
const FIX_HINT =
  'The state machine builds this input from VerifyRemoval; if you started the task by hand, pass the fields of functions/shared/types.ts UnregisterInput.';

/**
 * Checks the task input before anything is hashed or sent to AppFlow and returns a copy holding only
 * the known fields. Throws InvalidInputError naming the field, or AccountMismatchError when the
 * Lambda or the connector lives outside the input's account or Region: the registrar never
 * unregisters another account's connector (defense in depth behind VerifyRemoval).
 */
export function parseUnregisterInput(event: unknown): UnregisterInput {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidInputError(`The UnregisterConnector input must be a JSON object. ${FIX_HINT}`);
  }
  const fields = event as Record<string, unknown>;
  const text = (name: string): string => {
    const value = fields[name];
    if (typeof value !== 'string' || value === '') {
      throw new InvalidInputError(`${name} must be a non-empty string. ${FIX_HINT}`);
    }
    return value;
  };

  const executionArn = text('executionArn');
  const accountId = text('accountId');
  if (!ACCOUNT_ID.test(accountId)) {
    throw new InvalidInputError(
      `accountId must be a 12-digit AWS account ID; got "${printable(accountId)}".`,
    );
  }
  const region = text('region');
  const connectorLabel = text('connectorLabel');
  const labelIssue = labelProblem(connectorLabel);
  if (labelIssue) throw new InvalidInputError(`connectorLabel "${printable(connectorLabel)}" ${labelIssue}.`);

  const reason = text('reason');
  if (!(REASONS as readonly string[]).includes(reason)) {
    throw new InvalidInputError(`reason is "${printable(reason)}"; expected one of ${REASONS.join(', ')}.`);
  }
  const registeredAt = text('registeredAt');
  if (Number.isNaN(Date.parse(registeredAt))) {
    throw new InvalidInputError(`registeredAt must be an ISO 8601 time; got "${printable(registeredAt)}".`);
  }

  const lambdaArn = text('lambdaArn');
  const parsed = parseTaskLambdaArn(lambdaArn, FIX_HINT);
  const connectorArn = text('connectorArn');
  // AppFlow's connector ARNs are arn:<partition>:appflow:<Region>:<account>:connector/<label>; only
  // the account and Region are checked, the rest is AppFlow's to choose.
  const connectorPrefix = `arn:${parsed.partition}:appflow:${region}:${accountId}:`;
  if (
    parsed.accountId !== accountId ||
    parsed.region !== region ||
    !connectorArn.startsWith(connectorPrefix)
  ) {
    throw new AccountMismatchError(
      `The input names ${lambdaArn} and connector ${printable(connectorArn)} for account ${accountId}, Region ${printable(region)}: the registrar only unregisters a connector of the account and Region VerifyRemoval checked.`,
    );
  }

  return {
    executionArn,
    accountId,
    region,
    lambdaArn,
    reason: reason as RemovalReason,
    connectorLabel,
    connectorArn,
    registeredAt,
  };
}
