import { InvalidInputError } from '../shared/errors.js';
import { DetailType } from '../shared/event-types.js';
import { printable } from '../shared/text.js';

/**
 * What the state machine hands RecordOutcome: the event it has just published on the hub bus
 * (detail-type and detail, built by the same Parameters), when the execution started, and, on the
 * failure path, the function the signal named (unverified: it only picks the inventory row).
 */
export interface RecordInput {
  detailType: RecordedDetailType;
  detail: OutcomeDetail;
  /** $$.Execution.StartTime: orders the outcomes of one function. */
  executionStartTime: string;
  /** $$.Execution.Input.functionArn, on the failure path only. */
  signalFunctionArn?: string;
}

export type RecordedDetailType =
  | typeof DetailType.ConnectorRegistered
  | typeof DetailType.ConnectorRegistrationFailed;

/** The fields of ConnectorRegistered and ConnectorRegistrationFailed the inventory keeps. */
export interface OutcomeDetail {
  accountId: string;
  region: string;
  executionArn: string;
  connectorLabel: string | null;
  lambdaArn: string | null;
  connectorArn?: string;
  action?: string;
  codeSha256?: string;
  error?: string;
  cause?: string;
}

const RECORDED: readonly string[] = [DetailType.ConnectorRegistered, DetailType.ConnectorRegistrationFailed];
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
const SHAPE =
  'The state machine builds this input (statemachine/register-connector.asl.json, the Record states); see functions/record-outcome/input.ts.';

/**
 * Checks the task input and returns a copy holding only the known fields. Throws InvalidInputError
 * naming the field: the account and Region key the inventory row and pick the bus the connector's
 * account hears the outcome on, so they must be exactly what VerifyFunction or the envelope gave.
 *
 * @example const input = parseRecordInput(event);
 */
export function parseRecordInput(event: unknown): RecordInput {
  const fields = objectOf(event, 'The RecordOutcome input');
  const detailType = requireString(fields, 'detailType');
  if (!RECORDED.includes(detailType)) {
    throw new InvalidInputError(
      `detailType is "${printable(detailType)}"; expected one of ${RECORDED.join(', ')}. ${SHAPE}`,
    );
  }
  const executionStartTime = requireString(fields, 'executionStartTime');
  if (!ISO_DATE_TIME.test(executionStartTime)) {
    throw new InvalidInputError(
      `executionStartTime must be an ISO 8601 date and time; got "${printable(executionStartTime)}". ${SHAPE}`,
    );
  }
  const raw = objectOf(fields.detail, 'detail');
  const detail: OutcomeDetail = {
    accountId: matching(raw, 'accountId', ACCOUNT_ID, 'a 12-digit AWS account ID'),
    region: matching(raw, 'region', REGION, 'a Region such as eu-west-1'),
    executionArn: requireString(raw, 'executionArn'),
    connectorLabel: stringOrNull(raw, 'connectorLabel'),
    lambdaArn: stringOrNull(raw, 'lambdaArn'),
  };
  for (const name of ['connectorArn', 'action', 'codeSha256', 'error', 'cause'] as const) {
    const value = raw[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string')
      throw new InvalidInputError(`detail.${name} must be a string; got ${kindOf(value)}. ${SHAPE}`);
    detail[name] = value;
  }
  const signal = fields.signalFunctionArn;
  return {
    detailType: detailType as RecordedDetailType,
    detail,
    executionStartTime,
    ...(typeof signal === 'string' ? { signalFunctionArn: signal } : {}),
  };
}

function objectOf(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError(`${what} must be a JSON object; got ${kindOf(value)}. ${SHAPE}`);
  }
  return value as Record<string, unknown>;
}

function requireString(fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  if (typeof value !== 'string' || value === '') {
    throw new InvalidInputError(`${name} must be a non-empty string; got ${kindOf(value)}. ${SHAPE}`);
  }
  return value;
}

function matching(fields: Record<string, unknown>, name: string, pattern: RegExp, expected: string): string {
  const value = requireString(fields, name);
  if (!pattern.test(value))
    throw new InvalidInputError(`detail.${name} is "${printable(value)}"; expected ${expected}. ${SHAPE}`);
  return value;
}

function stringOrNull(fields: Record<string, unknown>, name: string): string | null {
  const value = fields[name];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string')
    throw new InvalidInputError(`detail.${name} must be a string or null; got ${kindOf(value)}. ${SHAPE}`);
  return value;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
