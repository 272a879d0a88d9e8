/**
 * EventBridge schedule expressions, as the EventBridge User Guide documents them ("Using cron and
 * rate expressions to schedule rules", "Rate expressions reference"):
 *
 * - `rate(value unit)`: a positive whole number and minute | minutes | hour | hours | day | days,
 *   singular for 1 and plural above; it runs first one period after the rule is created.
 * - `cron(Minutes Hours Day-of-month Month Day-of-week Year)`, in UTC: `, - * /` in every field but
 *   Day-of-week; `?`, `L` and `W` in Day-of-month; `?`, `L` and `#` in Day-of-week (1-7 or SUN-SAT,
 *   1 is Sunday); months 1-12 or JAN-DEC; years 1970-2199. One of Day-of-month and Day-of-week must be
 *   `?`, and a `#` Day-of-week holds one expression only.
 */

export type Schedule =
  | { kind: 'rate'; expression: string; periodMs: number }
  | { kind: 'cron'; expression: string; next(after: Date): Date | undefined };

/** The expression is not one EventBridge accepts; `reason` says why. */
export class InvalidScheduleExpressionError extends Error {
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`Parameter ScheduleExpression is not valid: ${expression} (${reason}).`);
    this.name = 'InvalidScheduleExpressionError';
  }
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * Parses a schedule expression; throws InvalidScheduleExpressionError for one EventBridge refuses.
 *
 * @example parseScheduleExpression('cron(0 3 * * ? *)').next(new Date('2026-12-01T04:00:00Z')) // 2026-12-02T03:00Z
 */
export function parseScheduleExpression(expression: string): Schedule {
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) return parseRate(expression, rate[1] as string);
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return parseCron(expression, cron[1] as string);
  throw new InvalidScheduleExpressionError(expression, 'expected rate(value unit) or cron(fields)');
}

function parseRate(expression: string, body: string): Schedule {
  const match = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body);
  if (!match)
    throw new InvalidScheduleExpressionError(expression, 'expected rate(value unit), e.g. rate(5 minutes)');
  const value = Number(match[1]);
  const unit = match[2] as string;
  const singular = unit.replace(/s$/, '');
  if (value < 1) throw new InvalidScheduleExpressionError(expression, 'the value must be a positive number');
  if ((value === 1) !== (unit === singular)) {
    throw new InvalidScheduleExpressionError(
      expression,
      'the unit is singular for a value of 1 and plural above (rate(1 hour), rate(5 hours))',
    );
  }
  return { kind: 'rate', expression, periodMs: value * (UNIT_MS[singular] as number) };
}

interface Field {
  /** Values that match, for the plain fields and the plain parts of the day fields. */
  values: Set<number>;
  any: boolean;
}

interface DayOfMonth extends Field {
  last: boolean;
  lastWeekday: boolean;
  /** Days whose nearest weekday matches (nW). */
  nearestWeekday: number[];
}

interface DayOfWeek extends Field {
  /** Weekdays (1-7) whose last occurrence in the month matches (nL). */
  lastOf: number[];
  /** [weekday, n]: the nth such weekday of the month (d#n). */
  nth: [number, number][];
}

function parseCron(expression: string, body: string): Schedule {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6)
    throw new InvalidScheduleExpressionError(
      expression,
      `a cron expression has 6 fields; this one has ${parts.length}`,
    );
  const fail = (reason: string): never => {
    throw new InvalidScheduleExpressionError(expression, reason);
  };
  const [minuteText, hourText, domText, monthText, dowText, yearText] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const minutes = plainField(minuteText, 0, 59, [], 'Minutes', fail);
  const hours = plainField(hourText, 0, 23, [], 'Hours', fail);
  const months = plainField(monthText, 1, 12, MONTHS, 'Month', fail);
  const years = plainField(yearText, 1970, 2199, [], 'Year', fail);
  if ((domText === '?') === (dowText === '?')) {
    fail('one of Day-of-month and Day-of-week must be ? and the other not');
  }
  const dom = domText === '?' ? undefined : dayOfMonthField(domText, fail);
  const dow = dowText === '?' ? undefined : dayOfWeekField(dowText, fail);

  const dayMatches = (year: number, month: number, day: number): boolean => {
    if (dom) return matchesDayOfMonth(dom, year, month, day);
    return matchesDayOfWeek(dow as DayOfWeek, year, month, day);
  };

  return {
    kind: 'cron',
    expression,
    next(after: Date): Date | undefined {
      // The first whole minute after `after`, then day by day: at most 230 years of days.
      const start = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
      const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
      for (; day.getUTCFullYear() <= 2199; day.setUTCDate(day.getUTCDate() + 1)) {
        const year = day.getUTCFullYear();
        const month = day.getUTCMonth() + 1;
        if (!matches(years, year) || !matches(months, month) || !dayMatches(year, month, day.getUTCDate()))
          continue;
        for (let hour = 0; hour < 24; hour++) {
          if (!matches(hours, hour)) continue;
          for (let minute = 0; minute < 60; minute++) {
            if (!matches(minutes, minute)) continue;
            const at = new Date(day.getTime() + hour * 3_600_000 + minute * 60_000);
            if (at >= start) return at;
          }
        }
      }
      return undefined;
    },
  };
}

function matches(field: Field, value: number): boolean {
  return field.any || field.values.has(value);
}

/** A field of values, ranges, * and increments (a/b, a-b/c, * /b). */
function plainField(
  text: string,
  min: number,
  max: number,
  names: string[],
  label: string,
  fail: (reason: string) => never,
): Field {
  if (text === '*') return { values: new Set(), any: true };
  const values = new Set<number>();
  for (const part of text.split(',')) addPart(part, min, max, names, label, fail, values);
  return { values, any: false };
}

function addPart(
  part: string,
  min: number,
  max: number,
  names: string[],
  label: string,
  fail: (reason: string) => never,
  values: Set<number>,
): void {
  const value = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    const number = named >= 0 ? named + 1 : /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (!(number >= min && number <= max))
      fail(
        `${label} allows ${min}-${max}${names.length ? ` or ${names[0]}-${names.at(-1)}` : ''}; got ${token}`,
      );
    return number;
  };
  const [range, stepText, extra] = part.split('/');
  if (extra !== undefined || range === undefined || range === '')
    fail(`${label} has a malformed part: ${part}`);
  const step =
    stepText === undefined
      ? 1
      : /^\d+$/.test(stepText) && Number(stepText) > 0
        ? Number(stepText)
        : fail(`${label} has a bad increment: ${part}`);
  let from: number;
  let to: number;
  if (range === '*') {
    from = min;
    to = max;
  } else if ((range as string).includes('-')) {
    const [a, b] = (range as string).split('-') as [string, string];
    from = value(a);
    to = value(b);
    if (from > to) fail(`${label} has a range that runs backwards: ${part}`);
  } else {
    from = value(range as string);
    to = stepText === undefined ? from : max;
  }
  for (let v = from; v <= to; v += step) values.add(v);
}

function dayOfMonthField(text: string, fail: (reason: string) => never): DayOfMonth {
  const field: DayOfMonth = {
    values: new Set(),
    any: text === '*',
    last: false,
    lastWeekday: false,
    nearestWeekday: [],
  };
  if (field.any) return field;
  for (const part of text.split(',')) {
    if (part === 'L') field.last = true;
    else if (part === 'LW') field.lastWeekday = true;
    else if (/^\d+W$/.test(part)) {
      const day = Number(part.slice(0, -1));
      if (day < 1 || day > 31) fail(`Day-of-month allows 1-31; got ${part}`);
      field.nearestWeekday.push(day);
    } else addPart(part, 1, 31, [], 'Day-of-month', fail, field.values);
  }
  return field;
}

function dayOfWeekField(text: string, fail: (reason: string) => never): DayOfWeek {
  const field: DayOfWeek = { values: new Set(), any: text === '*', lastOf: [], nth: [] };
  if (field.any) return field;
  const weekday = (token: string): number => {
    const named = DAYS.indexOf(token.toUpperCase());
    const number = named >= 0 ? named + 1 : /^\d$/.test(token) ? Number(token) : Number.NaN;
    if (!(number >= 1 && number <= 7)) fail(`Day-of-week allows 1-7 or SUN-SAT; got ${token}`);
    return number;
  };
  const parts = text.split(',');
  if (text.includes('#') && parts.length > 1) fail('a Day-of-week with # holds one expression only');
  for (const part of parts) {
    if (part === 'L') field.values.add(7);
    else if (/^\w+L$/.test(part)) field.lastOf.push(weekday(part.slice(0, -1)));
    else if (part.includes('#')) {
      const [day, nth] = part.split('#') as [string, string];
      if (!/^[1-5]$/.test(nth)) fail(`Day-of-week # takes 1-5; got ${part}`);
      field.nth.push([weekday(day), Number(nth)]);
    } else if (part.includes('/')) fail(`Day-of-week takes no increments; got ${part}`);
    else addPart(part, 1, 7, DAYS, 'Day-of-week', fail, field.values);
  }
  return field;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 (Sunday) to 7 (Saturday), as EventBridge numbers days. */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function isWeekday(year: number, month: number, day: number): boolean {
  const weekday = weekdayOf(year, month, day);
  return weekday >= 2 && weekday <= 6;
}

/** The weekday nearest to `day` within its month, as Quartz's W does. */
function nearestWeekday(year: number, month: number, day: number): number {
  const last = daysIn(year, month);
  const target = Math.min(day, last);
  const weekday = weekdayOf(year, month, target);
  if (weekday === 7) return target === 1 ? 3 : target - 1;
  if (weekday === 1) return target === last ? target - 2 : target + 1;
  return target;
}

function matchesDayOfMonth(field: DayOfMonth, year: number, month: number, day: number): boolean {
  if (field.any || field.values.has(day)) return true;
  const last = daysIn(year, month);
  if (field.last && day === last) return true;
  if (field.lastWeekday) {
    let candidate = last;
    while (!isWeekday(year, month, candidate)) candidate -= 1;
    if (day === candidate) return true;
  }
  return field.nearestWeekday.some((target) => nearestWeekday(year, month, target) === day);
}

function matchesDayOfWeek(field: DayOfWeek, year: number, month: number, day: number): boolean {
  const weekday = weekdayOf(year, month, day);
  if (field.any || field.values.has(weekday)) return true;
  if (field.lastOf.includes(weekday) && day + 7 > daysIn(year, month)) return true;
  return field.nth.some(([target, nth]) => target === weekday && Math.ceil(day / 7) === nth);
}
