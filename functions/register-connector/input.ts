import { parseTaskLambdaArn } from '../shared/arn.js';
import { AccountMismatchError, InvalidInputError } from '../shared/errors.js';
import { descriptionProblem, labelProblem } from '../shared/limits.js';
import { printable } from '../shared/text.js';
import type { RegisterInput } from '../shared/types.js';

const ACCOUNT_ID = /^\d{12}$/;
// Lambda's LastModified (2024-05-01T12:00:00.000+0000) and plain ISO 8601 both start like this.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
// The state machine passes the function's CodeSha256: base64 of 32 bytes. Bounded so a runaway
// value cannot bloat the idempotency record or the clientToken material.
const CODE_SHA256_MAX = 128;

const FIX_HINT =
  'The state machine builds this input from VerifyFunction; if you started the task by hand, pass the fields of functions/shared/types.ts RegisterInput.';

/**
 * Checks the task input before anything is hashed or sent to AppFlow, and returns a copy holding
 * only the known fields. Throws InvalidInputError naming the field, or AccountMismatchError when the
 * Lambda lives outside the event's account or Region: AppFlow must never be pointed at another
 * account's function (defense in depth behind VerifyFunction).
 *
 * @example const input = parseRegisterInput(event); // throws before any AWS call on bad input
 */
export function parseRegisterInput(event: unknown): RegisterInput {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidInputError(
      `The RegisterConnector input must be a JSON object; got ${kindOf(event)}. ${FIX_HINT}`,
    );
  }
  const fields = event as Record<string, unknown>;

  const executionArn = requireString(fields, 'executionArn');
  const accountId = requireString(fields, 'accountId');
  if (!ACCOUNT_ID.test(accountId)) {
    throw new InvalidInputError(
      `accountId must be a 12-digit AWS account ID; got "${printable(accountId)}". ${FIX_HINT}`,
    );
  }
  const region = requireString(fields, 'region');

  const connectorLabel = requireString(fields, 'connectorLabel');
  const labelIssue = labelProblem(connectorLabel);
  if (labelIssue) {
    throw new InvalidInputError(
      `connectorLabel "${printable(connectorLabel)}" ${labelIssue}. Fix the appflow:connector-label tag of the function.`,
    );
  }

  const description = fields.description;
  if (description !== null && typeof description !== 'string') {
    throw new InvalidInputError(
      `description must be a string or null; got ${kindOf(description)}. ${FIX_HINT}`,
    );
  }
  const descriptionIssue = description === null ? undefined : descriptionProblem(description);
  if (descriptionIssue) {
    throw new InvalidInputError(
      `description ${descriptionIssue}. Fix the appflow:connector-description tag of the function.`,
    );
  }

  const lambdaArn = requireString(fields, 'lambdaArn');
  checkLambdaArn(lambdaArn, accountId, region);

  const codeSha256 = requireString(fields, 'codeSha256');
  if (codeSha256.length > CODE_SHA256_MAX) {
    throw new InvalidInputError(
      `codeSha256 is ${codeSha256.length} characters long; Lambda's CodeSha256 is 44. ${FIX_HINT}`,
    );
  }

  const lastModified = requireString(fields, 'lastModified');
  if (!ISO_DATE_TIME.test(lastModified) || Number.isNaN(Date.parse(lastModified))) {
    throw new InvalidInputError(
      `lastModified must be an ISO 8601 date and time such as 2024-05-01T12:00:00.000+0000; got "${printable(lastModified)}". ${FIX_HINT}`,
    );
  }

  return {
    executionArn,
    accountId,
    region,
    connectorLabel,
    description,
    lambdaArn,
    codeSha256,
    lastModified,
  };
}

function checkLambdaArn(lambdaArn: string, accountId: string, region: string): void {
  const parsed = parseTaskLambdaArn(lambdaArn, FIX_HINT);
  if (parsed.accountId !== accountId || parsed.region !== region) {
    throw new AccountMismatchError(
      `lambdaArn ${lambdaArn} is in account ${parsed.accountId}, Region ${parsed.region}, but the deploy signal came from account ${accountId}, Region ${printable(region)}. The registrar only registers a function in its own account and Region; deploy the connector there, or check what sent this event.`,
    );
  }
}

function requireString(fields: Record<string, unknown>, name: keyof RegisterInput): string {
  const value = fields[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidInputError(`${name} must be a non-empty string; got ${kindOf(value)}. ${FIX_HINT}`);
  }
  return value;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.trim() === '' ? 'an empty string' : 'a string';
  return typeof value;
}
