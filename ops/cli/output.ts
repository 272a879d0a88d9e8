/** Where a command writes: the report on stdout, progress on stderr only when a person watches it. */
export interface Output {
  /** The report (text or JSON). */
  write(text: string): void;
  /** A progress line, replaced by the next one; nothing at all unless stderr is a terminal. */
  progress(text: string): void;
  /** Ends the progress line, if one is shown. */
  doneProgress(): void;
}

interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * The output of a command: progress goes to stderr only when it is a terminal, so a pipe or a log
 * reads the report alone and no spinner residue.
 *
 * @example const output = outputTo(process.stdout, process.stderr)
 */
export function outputTo(stdout: Stream, stderr: Stream): Output {
  let showing = false;
  return {
    write: (text) => {
      stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    progress: (text) => {
      if (!stderr.isTTY) return;
      stderr.write(`\r\x1b[2K${text}`);
      showing = true;
    },
    doneProgress: () => {
      if (!showing) return;
      stderr.write('\r\x1b[2K');
      showing = false;
    },
  };
}

const FRAMES = ['|', '/', '-', '\\'];

/** A spinner frame for the n-th poll. */
export function spinner(n: number): string {
  return FRAMES[n % FRAMES.length] as string;
}
