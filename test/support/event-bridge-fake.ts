import type { TaskFake } from './task-fakes.js';

/** One PutEvents entry as the optimized integration sends it (Detail still an object). */
export interface PublishedEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: Record<string, unknown>;
}

/** What the fake bus saw: entries it accepted and PutEvents calls it answered with a failed entry. */
export interface EventBridgeRecord {
  /** Each entry with the putEvents state that sent it. */
  published: (PublishedEntry & { state: string })[];
  rejected: (PublishedEntry & { state: string })[];
}

/** The error Step Functions raises when PutEvents answers FailedEntryCount > 0. */
export const FAILED_ENTRY_ERROR = 'EventBridge.FailedEntry';

/**
 * A local handler for a `arn:aws:states:::events:putEvents` state. It records the entries and
 * answers like PutEvents; for its first `failedEntries` calls it instead answers one failed entry,
 * which the optimized integration turns into the error EventBridge.FailedEntry (Cause: the
 * response). `Infinity` fails every call.
 */
export function putEventsFake(state: string, record: EventBridgeRecord, failedEntries = 0): TaskFake {
  let call = 0;
  return async (input) => {
    const entries = entriesOf(input).map((entry) => ({ ...entry, state }));
    call += 1;
    if (call <= failedEntries) {
      record.rejected.push(...entries);
      const response = {
        FailedEntryCount: entries.length,
        Entries: entries.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'Fake bus refused it' })),
      };
      const error = new Error(JSON.stringify(response));
      error.name = FAILED_ENTRY_ERROR;
      throw error;
    }
    record.published.push(...entries);
    return {
      FailedEntryCount: 0,
      Entries: entries.map((_, index) => ({ EventId: `event-${call}-${index}` })),
    };
  };
}

function entriesOf(input: unknown): PublishedEntry[] {
  const entries = (input as { Entries?: unknown } | null)?.Entries;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new Error(`putEvents input has no Entries: ${JSON.stringify(input)}`);
  }
  return entries as PublishedEntry[];
}
