import { AwsServiceError } from '../../http/errors.js';
import type { PutEventsEntry, PutEventsResultEntry } from './types.js';

/**
 * PutEvents' request checks with EventBridge's answers: the whole call fails (400
 * ValidationException) for more than 10 entries or more than 256 KB; a bad entry fails alone with
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

/** The envelope's `time`: the entry's Time, else now; RFC 3339 without fractions, as EventBridge writes it. */
export function eventTime(entry: PutEventsEntry, now: Date): string {
  let time = now;
  if (entry.Time instanceof Date) time = entry.Time;
  else if (typeof entry.Time === 'number') time = new Date(entry.Time * 1000);
  else if (typeof entry.Time === 'string' && !Number.isNaN(Date.parse(entry.Time)))
    time = new Date(entry.Time);
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
