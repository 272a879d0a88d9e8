import { AwsServiceError } from '../../http/errors.js';
import type { PutEventsEntry, PutEventsResultEntry } from './types.js';

/**
 * PutEvents' request checks with EventBridge's answers: the whole call fails (400
 * ValidationException) for more than 10 entries or more than 256 KB, and (400
 * SerializationException) for a Time that is not a number; a bad entry fails alone with
 * ErrorCode/ErrorMessage in its result while the others go through.
 */

export const MAX_ENTRIES = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

function describeEntry(entry: PutEventsEntry): string {
  const field = (value: unknown) => (value === undefined ? 'null' : String(value));
  return `PutEventsRequestEntry(time=${field(entry.Time)}, source=${field(entry.Source)}, resources=${entry.Resources ? `[${entry.Resources.join(', ')}]` : 'null'}, detailType=${field(entry.DetailType)}, detail=${field(entry.Detail)}, eventBusName=${field(entry.EventBusName)}, traceHeader=${field(entry.TraceHeader)})`;
}

/** "Calculating PutEvents event entry size": Time counts 14 bytes, then the UTF-8 bytes of each text. */
export function entrySize(entry: PutEventsEntry): number {
  const bytes = (text: unknown) => (typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : 0);
  let size = entry.Time === undefined ? 0 : 14;
  size += bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail);
  for (const resource of entry.Resources ?? []) size += bytes(resource);
  return size;
}

/** Reads the Entries member of a request; throws the ValidationException AWS answers for the list itself. */
export function readEntries(value: unknown): PutEventsEntry[] {
  if (value === undefined || value === null) {
    throw new AwsServiceError(
      400,
      'ValidationException',
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  }
  if (
    !Array.isArray(value) ||
    value.some((entry) => typeof entry !== 'object' || entry === null || Array.isArray(entry))
  ) {
    throw new AwsServiceError(
      400,
      'SerializationException',
      'Entries must be a list of PutEventsRequestEntry objects.',
    );
  }
  const entries = value as PutEventsEntry[];
  for (const entry of entries) readTime(entry.Time);
  if (entries.length < 1 || entries.length > MAX_ENTRIES) {
    const bound = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`;
    throw new AwsServiceError(
      400,
      'ValidationException',
      `1 validation error detected: Value '[${entries.map(describeEntry).join(', ')}]' at 'entries' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  const total = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
  if (total > MAX_REQUEST_BYTES) {
    throw new AwsServiceError(
      400,
      'ValidationException',
      'Total size of the entries in the request is over the limit.',
    );
  }
  return entries;
}

/** The result of an entry EventBridge refuses on its own (missing fields, Detail not a JSON object), or undefined. */
export function entryProblem(entry: PutEventsEntry): PutEventsResultEntry | undefined {
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    const value = entry[field];
    if (typeof value !== 'string' || value === '') {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  if (detailOf(entry) === undefined)
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  const time = readTime(entry.Time);
  if (time !== undefined && !(time >= MIN_TIME_SECONDS && time < END_TIME_SECONDS)) {
    return {
      ErrorCode: 'InvalidArgument',
      ErrorMessage: `Parameter Time is not valid. Reason: ${time} seconds since the epoch is not a time RFC 3339 can write; use one from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z.`,
    };
  }
  if (
    entry.Resources !== undefined &&
    (!Array.isArray(entry.Resources) || entry.Resources.some((r) => typeof r !== 'string'))
  ) {
    return {
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Resources is not valid. Reason: Resources must be a list of strings.',
    };
  }
  return undefined;
}

/** The entry's Detail as an object, or undefined when it is not the JSON text of an object. */
export function detailOf(entry: PutEventsEntry): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(entry.Detail ?? '');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The range of an event's Time: the envelope's `time` is RFC 3339, whose years have four digits.
 * EventBridge documents no bound nor error for a time outside it; failing the entry alone with
 * InvalidArgument ("A specified parameter is not valid") is inferred from its documented per-entry
 * errors, as the request itself is well formed.
 */
const MIN_TIME_SECONDS = Date.parse('0000-01-01T00:00:00Z') / 1000;
const END_TIME_SECONDS = Date.parse('+010000-01-01T00:00:00Z') / 1000;

/**
 * An entry's Time in epoch seconds. On the wire (awsJson 1.1) a timestamp is a JSON number of
 * seconds; anything else fails the whole request with SerializationException, as Smithy's
 * malformed-request protocol tests require of a JSON body's default (epoch-seconds) timestamp: a
 * date string, a number in a string, "Infinity"… In-process callers may pass a Date.
 */
function readTime(time: unknown): number | undefined {
  if (time === undefined || time === null) return undefined;
  if (time instanceof Date) return time.getTime() / 1000;
  if (typeof time === 'number' && Number.isFinite(time)) return time;
  throw new AwsServiceError(
    400,
    'SerializationException',
    `Time must be a timestamp: a JSON number of seconds since the epoch, not ${JSON.stringify(time)}.`,
  );
}

/** The envelope's `time`: the entry's Time, else now; RFC 3339 without fractions, as EventBridge writes it. */
export function eventTime(entry: PutEventsEntry, now: Date): string {
  const time = readTime(entry.Time);
  return new Date(time === undefined ? now.getTime() : time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
