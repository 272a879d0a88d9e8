import { InvalidInputError } from '../shared/errors.js';
import { OUTCOME_DETAIL_TYPES, type OutcomeDetailType, REGISTRAR_SOURCE } from '../shared/event-types.js';
import { printable } from '../shared/text.js';

/**
 * One outcome as the recorder works with it: the event a workflow published on the hub bus
 * (detail-type and detail), when its execution started, and, for a failure before verification, the
 * function the execution's signal named (unverified: it only picks the inventory row).
 */
export interface RecordInput {
  detailType: OutcomeDetailType;
  detail: OutcomeDetail;
  /** The execution's startDate (DescribeExecution): orders the outcomes of one function. */
  executionStartTime: string;
  /** The execution input's functionArn, when the event names no verified function. */
  signalFunctionArn?: string;
  /** The detail as it was published, which the connector's account receives as it is. */
  published?: Record<string, unknown>;
}

/** The fields of the registrar's outcome events the inventory keeps (docs/design.md, Published events). */
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
  /** Why a connector was unregistered: deleted, untagged, relabelled, orphaned. */
  reason?: string;
}

/** An event of the registrar as a rule delivers it: the envelope's account, and what was published. */
export interface RegistrarEvent<T extends string = string> {
  id: string;
  /** The account that put it: the hub's own, or the event is not the registrar's. */
  account: string;
  detailType: T;
  detail: OutcomeDetail;
  /** The detail as it was published. */
  published: Record<string, unknown>;
}

/** An outcome event: one that ends a workflow for one connector. */
export type OutcomeEvent = RegistrarEvent<OutcomeDetailType>;

const RECORDED: readonly string[] = OUTCOME_DETAIL_TYPES;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;
const SHAPE =
  "The rule of the outcome recorder (resources/outcomes.yml) hands it the registrar's outcome events; see functions/record-outcome/input.ts.";

/**
 * Checks the EventBridge event the rule delivers: the registrar's source, one of its outcome types,
 * put by the hub's own account (defense in depth behind the rule's pattern), and a detail whose
 * account, Region and execution are well formed, since they key the inventory row and pick the bus
 * the connector's account hears the outcome on. Throws InvalidInputError naming the field.
 *
 * @example const outcome = parseOutcomeEvent(event, '111111111111');
 */
export function parseOutcomeEvent(event: unknown, hubAccountId: string): OutcomeEvent {
  return parseRegistrarEvent(event, hubAccountId, RECORDED) as OutcomeEvent;
}

/**
 * The same checks for any of the `accepted` detail-types whose detail has the outcome fields (the
 * alert gate's failures, a failed sweep among them).
 */
export function parseRegistrarEvent(
  event: unknown,
  hubAccountId: string,
  accepted: readonly string[],
): RegistrarEvent {
  const fields = objectOf(event, 'The event');
  const source = requireString(fields, 'source');
  if (source !== REGISTRAR_SOURCE) {
    throw new InvalidInputError(`source is "${printable(source)}"; expected ${REGISTRAR_SOURCE}. ${SHAPE}`);
  }
  const account = requireString(fields, 'account');
  if (account !== hubAccountId) {
    throw new InvalidInputError(
      `The event was put by account ${printable(account)}, not by the hub (${hubAccountId}): only the hub's workflows publish outcomes. ${SHAPE}`,
    );
  }
  const detailType = requireString(fields, 'detail-type');
  if (!accepted.includes(detailType)) {
    throw new InvalidInputError(
      `detail-type is "${printable(detailType)}"; expected one of ${accepted.join(', ')}. ${SHAPE}`,
    );
  }
  const published = objectOf(fields.detail, 'detail');
  return {
    id: requireString(fields, 'id'),
    account,
    detailType,
    detail: detailOf(published),
    published,
  };
}

function detailOf(raw: Record<string, unknown>): OutcomeDetail {
  const detail: OutcomeDetail = {
    accountId: matching(raw, 'accountId', ACCOUNT_ID, 'a 12-digit AWS account ID'),
    region: matching(raw, 'region', REGION, 'a Region such as eu-west-1'),
    executionArn: matching(raw, 'executionArn', EXECUTION_ARN, 'a Step Functions execution ARN'),
    connectorLabel: stringOrNull(raw, 'connectorLabel'),
    lambdaArn: stringOrNull(raw, 'lambdaArn'),
  };
  for (const name of ['connectorArn', 'action', 'codeSha256', 'error', 'cause', 'reason'] as const) {
    const value = raw[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string')
      throw new InvalidInputError(`detail.${name} must be a string; got ${kindOf(value)}. ${SHAPE}`);
    detail[name] = value;
  }
  return detail;
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
