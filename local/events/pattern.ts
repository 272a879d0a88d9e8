/**
 * EventBridge event patterns as pure functions: `validatePattern` for PutRule / TestEventPattern
 * (which answer InvalidEventPatternException) and `matchesPattern` for routing PutEvents to rules.
 *
 * Semantics (EventBridge user guide, "Creating event patterns", "Content filtering"; AWS event-ruler):
 * - every field named in the pattern must match (AND), nested objects follow the event's nesting;
 * - a field's array lists alternatives (OR); `$or: [{…}, {…}]` ORs whole sub-patterns;
 * - when the event holds an array, any element may match; objects inside arrays are matched one
 *   element at a time, so two fields never match across different elements (event-ruler's
 *   array-consistent matching);
 * - leaves: exact string / number / true / false / null, prefix, suffix, equals-ignore-case,
 *   wildcard, anything-but, numeric, cidr, exists (see pattern-values.ts);
 * - `exists` looks at leaves only: an object or an empty array at that path counts as absent, and
 *   `null` counts as present. `""` and `null` are different values.
 */

import { isPlainObject } from '../json.js';
import {
  compileLeaf,
  type LeafMatcher,
  PatternSyntaxError,
  RESERVED_IN_OR,
  type Scalar,
} from './pattern-values.js';

/** A parsed event pattern: a JSON object whose leaves are arrays of alternatives. */
export type EventPattern = { readonly [field: string]: unknown };

/** An invalid pattern; `name` is the exception EventBridge answers with. */
export class InvalidEventPatternError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidEventPatternException';
  }
}

interface ObjectMatcher {
  fields: FieldMatcher[];
  /** Each group is one `$or`: at least one branch must match. */
  ors: ObjectMatcher[][];
}

type FieldMatcher = { key: string; object: ObjectMatcher } | { key: string; leaves: LeafMatcher[] };

const compiled = new WeakMap<object, ObjectMatcher>();

/**
 * Checks a pattern the way PutRule does and returns it parsed. Accepts the JSON text the API carries
 * or an already parsed object. Throws InvalidEventPatternError whose message names the problem and
 * where it is, e.g. `Event pattern is not valid. Reason: Empty arrays are not allowed at detail.state`.
 *
 * @example validatePattern('{"source":["aws.lambda"],"detail":{"eventName":[{"prefix":"Create"}]}}')
 */
export function validatePattern(pattern: unknown): EventPattern {
  let parsed = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch (error) {
      throw invalid(`the pattern is not JSON (${(error as Error).message})`, error);
    }
  }
  compile(parsed);
  return parsed as EventPattern;
}

/**
 * True when the event (as EventBridge delivers it: version, id, detail-type, source, account, time,
 * region, resources, detail) matches the pattern. Throws InvalidEventPatternError for an invalid
 * pattern; compiled patterns are cached per pattern object.
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchObject(compile(pattern), event);
}

function invalid(reason: string, cause?: unknown): InvalidEventPatternError {
  return new InvalidEventPatternError(`Event pattern is not valid. Reason: ${reason}`, { cause });
}

function compile(pattern: unknown): ObjectMatcher {
  if (pattern !== null && typeof pattern === 'object') {
    const cached = compiled.get(pattern);
    if (cached) return cached;
  }
  if (!isPlainObject(pattern)) throw invalid('Filter is not an object');
  try {
    const matcher = compileObject(pattern, '', false);
    compiled.set(pattern, matcher);
    return matcher;
  } catch (error) {
    if (error instanceof PatternSyntaxError) throw invalid(error.message, error);
    throw error;
  }
}

function compileObject(pattern: Record<string, unknown>, path: string, insideOr: boolean): ObjectMatcher {
  const matcher: ObjectMatcher = { fields: [], ors: [] };
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new PatternSyntaxError('Empty objects are not allowed', path || '(top level)');
  for (const key of keys) {
    const value = pattern[key];
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') {
      matcher.ors.push(compileOr(value, path, at));
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      throw new PatternSyntaxError(`${key} is Ruler reserved fieldName which cannot be used inside $or.`, at);
    }
    if (Array.isArray(value)) {
      if (value.length === 0) throw new PatternSyntaxError('Empty arrays are not allowed', at);
      matcher.fields.push({ key, leaves: value.map((element, i) => compileLeaf(element, `${at}[${i}]`)) });
    } else if (isPlainObject(value)) {
      matcher.fields.push({ key, object: compileObject(value, at, insideOr) });
    } else {
      throw new PatternSyntaxError(`"${key}" must be an object or an array`, at);
    }
  }
  return matcher;
}

function compileOr(value: unknown, path: string, at: string): ObjectMatcher[] {
  if (!Array.isArray(value)) throw new PatternSyntaxError('It must be an Array followed with $or.', at);
  if (value.length < 2)
    throw new PatternSyntaxError('There must have at least 2 Objects in $or relationship.', at);
  return value.map((branch, i) => {
    if (!isPlainObject(branch)) {
      throw new PatternSyntaxError(
        'Only JSON object is allowed in array of $or relationship.',
        `${at}[${i}]`,
      );
    }
    return compileObject(branch, path, true);
  });
}

const EMPTY: Record<string, unknown> = Object.freeze({});

function matchObject(matcher: ObjectMatcher, value: unknown): boolean {
  const object = isPlainObject(value) ? value : EMPTY;
  return (
    matcher.fields.every((field) =>
      matchField(field, Object.hasOwn(object, field.key) ? object[field.key] : undefined),
    ) && matcher.ors.every((branches) => branches.some((branch) => matchObject(branch, object)))
  );
}

function matchField(field: FieldMatcher, value: unknown): boolean {
  if ('object' in field) {
    const objects = collect(value).objects;
    // No object below this field: only leaves that accept absence (exists: false) can match.
    if (objects.length === 0) return matchObject(field.object, EMPTY);
    return objects.some((object) => matchObject(field.object, object));
  }
  const { scalars } = collect(value);
  return field.leaves.some((leaf) =>
    leaf.kind === 'exists' ? scalars.length > 0 === leaf.exists : scalars.some(leaf.test),
  );
}

/** The leaf values and the objects at a path, arrays (nested too) flattened. */
function collect(value: unknown): { scalars: Scalar[]; objects: Record<string, unknown>[] } {
  const scalars: Scalar[] = [];
  const objects: Record<string, unknown>[] = [];
  const visit = (item: unknown): void => {
    if (item === undefined) return;
    if (Array.isArray(item)) item.forEach(visit);
    else if (isPlainObject(item)) objects.push(item);
    else scalars.push(item as Scalar);
  };
  visit(value);
  return { scalars, objects };
}
