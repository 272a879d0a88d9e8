import { OperatorError } from './errors.js';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Reads `--since`: a duration back from now (30m, 12h, 7d, 2w) or an ISO 8601 date and time.
 *
 * @example sinceOf('7d', new Date('2025-03-14T00:00:00Z')) // 2025-03-07T00:00:00.000Z
 */
export function sinceOf(text: string, now: Date): Date {
  const duration = /^(\d+)([mhdw])$/.exec(text.trim());
  if (duration) {
    const [, amount = '0', unit = 'd'] = duration;
    return new Date(now.getTime() - Number(amount) * (UNITS[unit] ?? 0));
  }
  const date = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(date)) return new Date(date);
  throw new OperatorError(
    `--since ${text}: expected a duration such as 30m, 12h, 7d or 2w, or a date such as 2025-03-14T09:00:00Z`,
  );
}

/** How long ago, in the largest unit that fits: "42s ago", "5m ago", "3h ago", "2d ago". */
export function ago(iso: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86_400)}d ago`;
}
