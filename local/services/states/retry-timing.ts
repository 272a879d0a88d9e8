import type { AslRetrier, AslState } from './definition.js';

/**
 * Retry waits of Task states, scaled by a time factor while keeping AWS's shape: IntervalSeconds ×
 * BackoffRate^attempt, capped by MaxDelaySeconds, with FULL jitter (a uniform draw below the cap).
 *
 * aws-local-stepfunctions only takes fixed overrides (one value per retrier, in ms) and then drops
 * backoff and jitter. Its `retryIntervalOverrides` is read at each failure, so the object handed to it
 * here is a live view: the value of a retrier is computed for the attempt about to be retried, from
 * the error the task handler threw (or States.Timeout when the handler had not finished).
 *
 * At scale 1 no override is installed: the interpreter's own timing is AWS's. States that are not
 * local Task handlers (Parallel, Map) keep the interpreter's unscaled timing.
 */

interface Visit {
  calls: number;
  pending: boolean;
  lastError: string | undefined;
  processedCall: number;
  attempts: number[];
  waits: number[] | undefined;
}

export class RetryTiming {
  private readonly visits = new Map<string, Visit>();

  constructor(
    private readonly states: ReadonlyMap<string, AslState>,
    private readonly scale: number,
    private readonly random: () => number,
  ) {}

  /** The value for RunOptions.overrides.retryIntervalOverrides, or undefined for AWS timing. */
  overrides(): Record<string, number[]> | undefined {
    if (this.scale === 1) return undefined;
    return new Proxy({} as Record<string, number[]>, {
      get: (_target, stateName) => (typeof stateName === 'string' ? this.waitsFor(stateName) : undefined),
    });
  }

  /** A new visit of the state: its retriers start again from zero attempts. */
  stateEntered(stateName: string): void {
    const retriers = this.states.get(stateName)?.Retry ?? [];
    this.visits.set(stateName, {
      calls: 0,
      pending: false,
      lastError: undefined,
      processedCall: 0,
      attempts: retriers.map(() => 0),
      waits: undefined,
    });
  }

  /** The task handler of the state was called. */
  attemptStarted(stateName: string): void {
    const visit = this.visits.get(stateName);
    if (visit === undefined) return;
    visit.calls++;
    visit.pending = true;
  }

  /** The task handler ended: with the name of the error it threw, or undefined on success. */
  attemptEnded(stateName: string, errorName: string | undefined): void {
    const visit = this.visits.get(stateName);
    if (visit === undefined) return;
    visit.pending = false;
    visit.lastError = errorName;
  }

  private waitsFor(stateName: string): number[] | undefined {
    const visit = this.visits.get(stateName);
    const retriers = this.states.get(stateName)?.Retry;
    if (visit === undefined || retriers === undefined || visit.calls === 0) return undefined;
    if (visit.processedCall !== visit.calls) {
      // First read after this failure: decide which retrier the interpreter will use, as it does.
      visit.processedCall = visit.calls;
      visit.waits = retriers.map(() => 0);
      const errorName = visit.pending ? 'States.Timeout' : visit.lastError;
      const index =
        errorName === undefined ? -1 : retriers.findIndex((retrier) => matches(retrier, errorName));
      const retrier = retriers[index];
      const attempt = visit.attempts[index] ?? 0;
      if (retrier !== undefined && attempt < (retrier.MaxAttempts ?? 3)) {
        visit.waits[index] = this.waitMs(retrier, attempt);
        visit.attempts[index] = attempt + 1;
      }
    }
    return visit.waits;
  }

  private waitMs(retrier: AslRetrier, attempt: number): number {
    const interval = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempt;
    const capped = Math.min(interval, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
    const jittered = retrier.JitterStrategy === 'FULL' ? this.random() * capped : capped;
    return jittered * 1000 * this.scale;
  }
}

/** The interpreter's matching: the name, States.ALL, or States.TaskFailed for anything but a timeout. */
function matches(retrier: AslRetrier, errorName: string): boolean {
  return retrier.ErrorEquals.some(
    (name) =>
      name === errorName ||
      name === 'States.ALL' ||
      (name === 'States.TaskFailed' && errorName !== 'States.Timeout'),
  );
}
