/** What the runtime's REPORT lines of one function say, over a range of its log. */
export interface Billed {
  invocations: number;
  billedMs: number;
  /** Billed milliseconds × memory: what Lambda charges for duration. */
  gbSeconds: number;
  coldStarts: number;
}

const REPORT =
  /^REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: (\d+) ms\tMemory Size: (\d+) MB(\tInit Duration)?/;

/** Sums the REPORT lines (Lambda's billing record of each invocation) among log entries. */
export function billedFrom(entries: readonly LogEntry[]): Billed {
  const billed: Billed = { invocations: 0, billedMs: 0, gbSeconds: 0, coldStarts: 0 };
  for (const entry of entries) {
    const match = REPORT.exec(entry.message);
    if (!match) continue;
    const ms = Number(match[1]);
    billed.invocations += 1;
    billed.billedMs += ms;
    billed.gbSeconds += (ms / 1000) * (Number(match[2]) / 1024);
    if (match[3]) billed.coldStarts += 1;
  }
  return billed;
}

import type { LogEntry } from '../../local/index.js';
