/**
 * EventBridge input transformers as pure functions ("Amazon EventBridge input transformation",
 * predefined variables and "Common issues with transforming input"):
 *
 * - InputPathsMap names values of the event by JSON path (json-path.ts); `<name>` in InputTemplate
 *   is replaced by the value. Placeholders naming no variable stay as they are.
 * - Outside a JSON string a placeholder becomes the value's JSON: strings are quoted for you,
 *   objects, arrays, numbers, booleans and null go in bare.
 * - Inside a JSON string (`"id-<id>"`) a string goes in as it is, NOT escaped: a quote or a newline
 *   in the value breaks the JSON. Objects and arrays go in with their quotes removed
 *   (`"Detail is {key1:value1}"`); numbers, booleans and null as their JSON text.
 * - A path that finds nothing creates no variable: its placeholder is replaced by nothing, which
 *   leaves `""` inside quotes and, bare, usually invalid JSON.
 * - Predefined: <aws.events.rule-arn>, <aws.events.rule-name>, <aws.events.event.ingestion-time>
 *   (strings), <aws.events.event> (the event without `detail`) and <aws.events.event.json> (the whole
 *   event); the last two are never escaped, so they only work as JSON values.
 *
 * The targets of this project (state machines) take JSON input, so a result that is not valid JSON
 * throws InputTransformationError: the service reports it as a failed invocation and the target
 * gets nothing, as in AWS.
 */
import type { BusEvent } from '../types.js';
import { readPath } from './json-path.js';

/** A target's InputTransformer, as PutTargets takes it. */
export interface InputTransformer {
  InputPathsMap?: Record<string, string>;
  InputTemplate: string;
}

/** What EventBridge knows about the delivery, for the predefined variables. */
export interface TransformContext {
  ruleName: string;
  ruleArn: string;
  /** ISO 8601 time the bus received the event. */
  ingestionTime: string;
}

/** The transformed input is not valid JSON: the target is not invoked. */
export class InputTransformationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InputTransformationError';
  }
}

/** An InputTransformer PutTargets must refuse; `name` is the exception EventBridge answers with. */
export class InvalidInputTransformerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}

const PREDEFINED = [
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event.ingestion-time',
  'aws.events.event',
  'aws.events.event.json',
];
/** Predefined variables whose JSON goes in unescaped even inside a string. */
const RAW_JSON = new Set(['aws.events.event', 'aws.events.event.json']);
const MAX_VARIABLES = 100;
const PLACEHOLDER_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Checks an InputTransformer the way PutTargets does (shape, at most 100 variables, no predefined
 * names) and returns it typed. Paths are not checked: EventBridge does not either.
 */
export function validateInputTransformer(value: unknown): InputTransformer {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidInputTransformerError('InputTransformer must be an object with an InputTemplate.');
  }
  const { InputPathsMap: paths, InputTemplate: template } = value as Record<string, unknown>;
  if (typeof template !== 'string') {
    throw new InvalidInputTransformerError('InputTransformer.InputTemplate must be a string.');
  }
  if (paths === undefined) return { InputTemplate: template };
  if (paths === null || typeof paths !== 'object' || Array.isArray(paths)) {
    throw new InvalidInputTransformerError(
      'InputTransformer.InputPathsMap must be a map of names to JSON paths.',
    );
  }
  const entries = Object.entries(paths);
  if (entries.length > MAX_VARIABLES) {
    throw new InvalidInputTransformerError(
      `InputPathsMap has ${entries.length} variables; EventBridge allows at most ${MAX_VARIABLES}.`,
    );
  }
  for (const [name, path] of entries) {
    if (PREDEFINED.includes(name)) {
      throw new InvalidInputTransformerError(
        `InputPathsMap may not define "${name}": it is a predefined variable; use <${name}> directly.`,
      );
    }
    if (typeof path !== 'string') {
      throw new InvalidInputTransformerError(
        `InputPathsMap.${name} must be a JSON path string such as "$.detail".`,
      );
    }
  }
  return { InputPathsMap: paths as Record<string, string>, InputTemplate: template };
}

/**
 * Applies an input transformer to a matched event and returns the (minified) JSON text the target
 * receives. Throws InputTransformationError when the result is not valid JSON.
 *
 * @example
 * applyInputTransformer(
 *   { InputPathsMap: { id: '$.id' }, InputTemplate: '{"eventId": "<id>", "rule": <aws.events.rule-name>}' },
 *   event,
 *   { ruleName: 'r', ruleArn: 'arn:aws:events:eu-west-1:111111111111:rule/r', ingestionTime: event.time },
 * ) // '{"eventId":"…","rule":"r"}'
 */
export function applyInputTransformer(
  transformer: InputTransformer,
  event: BusEvent,
  context: TransformContext,
): string {
  const variables = resolveVariables(transformer, event, context);
  const text = substitute(transformer.InputTemplate, variables);
  try {
    return JSON.stringify(JSON.parse(text));
  } catch (error) {
    throw new InputTransformationError(
      `Rule ${context.ruleName}: the transformed input is not valid JSON (${(error as Error).message}), so the ` +
        'target was not invoked. A value inserted inside quotes is not escaped: put the placeholder bare ' +
        `(without quotes) or make sure the event value has no quotes or newlines. Transformed input: ${text}`,
      { cause: error },
    );
  }
}

type Variables = Map<string, { value: unknown } | undefined>;

function resolveVariables(
  transformer: InputTransformer,
  event: BusEvent,
  context: TransformContext,
): Variables {
  const variables: Variables = new Map();
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    const result = readPath(event, path);
    variables.set(name, result.found ? { value: result.value } : undefined);
  }
  const { detail: _detail, ...withoutDetail } = event;
  variables.set('aws.events.rule-arn', { value: context.ruleArn });
  variables.set('aws.events.rule-name', { value: context.ruleName });
  variables.set('aws.events.event.ingestion-time', { value: context.ingestionTime });
  variables.set('aws.events.event', { value: withoutDetail });
  variables.set('aws.events.event.json', { value: event });
  return variables;
}

/** Replaces placeholders, knowing for each whether it stands inside a JSON string of the template. */
function substitute(template: string, variables: Variables): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const char = template[i] as string;
    if (char === '<') {
      const close = template.indexOf('>', i + 1);
      const name = close > i ? template.slice(i + 1, close) : '';
      if (PLACEHOLDER_NAME.test(name) && variables.has(name)) {
        out += render(name, variables.get(name), inString);
        i = close;
        continue;
      }
    }
    if (inString && char === '\\') {
      out += template.slice(i, i + 2);
      i++;
      continue;
    }
    if (char === '"') inString = !inString;
    out += char;
  }
  return out;
}

function render(name: string, variable: { value: unknown } | undefined, inString: boolean): string {
  if (variable === undefined) return '';
  const { value } = variable;
  if (!inString) return JSON.stringify(value) ?? '';
  if (typeof value === 'string') return value;
  const json = JSON.stringify(value) ?? '';
  if (value !== null && typeof value === 'object' && !RAW_JSON.has(name)) return json.replaceAll('"', '');
  return json;
}
