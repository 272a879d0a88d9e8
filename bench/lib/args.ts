/** `--name value` from the command line as a number, or the default. */
export function numberArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  // Infinity is a number here (--per-function Infinity lifts the cap).
  if (Number.isNaN(value)) throw new Error(`--${name} needs a number; got ${process.argv[at + 1]}`);
  return value;
}

/** Whether `--name` is on the command line. */
export function flagArg(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

/** `--name value` from the command line, or the default. */
export function stringArg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : (process.argv[at + 1] ?? fallback);
}
