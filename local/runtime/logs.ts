/** One line a function wrote, or one the runtime wrote about it (START, END, REPORT). */
export interface LogEntry {
  /** ISO 8601, when the runtime received the line. */
  time: string;
  functionArn: string;
  environmentId?: string;
  /** The invocation the environment was serving (or last served) when the line arrived. */
  requestId?: string;
  message: string;
}

export interface LogFilter {
  requestId?: string;
  environmentId?: string;
}

/**
 * Per-function log buffers, each a ring of the latest `capacity` lines, so a long benchmark cannot
 * grow memory without bound while the CLI and tests can still read what a function printed.
 */
export class LogBuffer {
  private readonly rings = new Map<string, { lines: LogEntry[]; next: number }>();

  constructor(private readonly capacity = 1000) {}

  append(entry: LogEntry): void {
    let ring = this.rings.get(entry.functionArn);
    if (!ring) {
      ring = { lines: [], next: 0 };
      this.rings.set(entry.functionArn, ring);
    }
    if (ring.lines.length < this.capacity) {
      ring.lines.push(entry);
    } else {
      ring.lines[ring.next] = entry;
      ring.next = (ring.next + 1) % this.capacity;
    }
  }

  /** The function's lines, oldest first. */
  entries(functionArn: string, filter: LogFilter = {}): LogEntry[] {
    const ring = this.rings.get(functionArn);
    if (!ring) return [];
    const ordered = [...ring.lines.slice(ring.next), ...ring.lines.slice(0, ring.next)];
    return ordered.filter(
      (entry) =>
        (filter.requestId === undefined || entry.requestId === filter.requestId) &&
        (filter.environmentId === undefined || entry.environmentId === filter.environmentId),
    );
  }
}

/**
 * Splits a stream of text chunks into lines, holding a partial last line until its end arrives.
 * Lambda's runtime writes a multi-line message as one entry with \r for its line breaks; they are
 * turned back into \n here.
 */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let partial = '';
  return {
    push(chunk) {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) onLine(line.replace(/\r/g, '\n'));
    },
    flush() {
      if (partial) onLine(partial.replace(/\r/g, '\n'));
      partial = '';
    },
  };
}
