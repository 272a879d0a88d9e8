import { InvalidInputError } from './errors.js';
import { printable } from './text.js';
import type { TriggerKind, VerifyInput } from './types.js';

const TRIGGER_KINDS: readonly TriggerKind[] = ['cloudtrail', 'cloudformation', 'pipeline', 'sweep'];
/** An AWS account ID, and a Region's name: what every task input's accountId and region must be. */
export const ACCOUNT_ID = /^\d{12}$/;
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The input once checked; hints are reduced to the values a pipeline actually gave. */
export interface ValidInput extends Omit<VerifyInput, 'hints'> {
  hints: { connectorLabel?: string; description?: string };
}

/**
 * Checks the task input the state machine hands VerifyFunction (functions/shared/types.ts
 * VerifyInput) and throws InvalidInputError naming the first field that is missing or mistyped.
 * Empty-string and null hints count as absent: an input transformer cannot leave a field out.
 */
export function parseVerifyInput(event: unknown): ValidInput {
  const input = record(event, 'the input');
  const accountId = matching(input.accountId, 'accountId', ACCOUNT_ID, 'a 12-digit AWS account ID');
  const region = matching(input.region, 'region', REGION, 'an AWS Region such as eu-west-1');
  const functionArn = text(input.functionArn, 'functionArn');
  const executionArn = text(input.executionArn, 'executionArn');

  const trigger = record(input.trigger, 'trigger');
  const kind = text(trigger.kind, 'trigger.kind');
  if (!(TRIGGER_KINDS as readonly string[]).includes(kind)) {
    throw new InvalidInputError(
      `trigger.kind is "${printable(kind)}"; expected one of ${TRIGGER_KINDS.join(', ')}.`,
    );
  }

  return {
    accountId,
    region,
    functionArn,
    executionArn,
    trigger: {
      kind: kind as TriggerKind,
      eventId: text(trigger.eventId, 'trigger.eventId'),
      name: text(trigger.name, 'trigger.name'),
      time: text(trigger.time, 'trigger.time'),
    },
    hints: parseHints(input.hints),
  };
}

/**
 * The correlation keys of a raw event, for the logger, before it is validated: a refused event is
 * still traceable to its execution.
 */
export function correlationKeys(event: unknown): { executionArn?: string; functionArn?: string } {
  if (typeof event !== 'object' || event === null) return {};
  const { executionArn, functionArn } = event as Record<string, unknown>;
  return {
    ...(typeof executionArn === 'string' ? { executionArn } : {}),
    ...(typeof functionArn === 'string' ? { functionArn } : {}),
  };
}

function parseHints(value: unknown): ValidInput['hints'] {
  if (value === null || value === undefined) return {};
  const hints = record(value, 'hints');
  const connectorLabel = optionalText(hints.connectorLabel, 'hints.connectorLabel');
  const description = optionalText(hints.description, 'hints.description');
  return {
    ...(connectorLabel === undefined ? {} : { connectorLabel }),
    ...(description === undefined ? {} : { description }),
  };
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError(`${field} must be an object; got ${kindOf(value)}. ${SHAPE}`);
  }
  return value as Record<string, unknown>;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidInputError(`${field} must be a non-empty string; got ${kindOf(value)}. ${SHAPE}`);
  }
  return value;
}

function optionalText(value: unknown, field: string): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new InvalidInputError(`${field} must be a string or null; got ${kindOf(value)}. ${SHAPE}`);
  }
  return value;
}

function matching(value: unknown, field: string, pattern: RegExp, expected: string): string {
  const found = text(value, field);
  if (!pattern.test(found)) {
    throw new InvalidInputError(`${field} is "${printable(found)}"; expected ${expected}. ${SHAPE}`);
  }
  return found;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (value === '') return 'an empty string';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

const SHAPE =
  'The state machine passes { accountId, region, functionArn, hints, trigger: { kind, eventId, name, time }, executionArn }; check the rule input transformer that started this execution.';
