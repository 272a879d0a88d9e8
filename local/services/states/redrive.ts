import type { AslState } from './definition.js';
import type { ExecutionRecord } from './execution.js';

/**
 * RedriveExecution as the Step Functions Developer Guide ("Restarting state machine executions with
 * redrive") and the API reference describe it: an unsuccessful Standard execution continues from
 * the state that did not complete, with the input that state received, under the same ARN; the
 * states that completed are not run again.
 */

/** "Redrivable period refers to the time during which you can redrive": 14 days from the end. */
export const REDRIVABLE_PERIOD_MS = 14 * 24 * 3600 * 1000;
/** A Standard execution's maximum open time: one year. */
export const MAX_OPEN_TIME_MS = 365 * 24 * 3600 * 1000;
/** The history must hold fewer than 24,999 events, to fit ExecutionRedriven and one more. */
export const MAX_REDRIVE_HISTORY = 24_999;
/** RedriveExecution answers the last 10 client tokens again, for 15 minutes after first use. */
export const CLIENT_TOKENS_KEPT = 10;
export const CLIENT_TOKEN_TTL_MS = 15 * 60 * 1000;

export type RedriveStatus = 'REDRIVABLE' | 'NOT_REDRIVABLE' | 'REDRIVABLE_BY_MAP_RUN';

/**
 * DescribeExecution's redriveStatus and, when NOT_REDRIVABLE, redriveStatusReason: the reasons are
 * the API reference's own sentences (DescribeExecution, redriveStatusReason).
 */
export function redriveEligibility(
  record: ExecutionRecord,
  now: Date,
): { redriveStatus: RedriveStatus; redriveStatusReason?: string } {
  const refused = (reason: string) => ({
    redriveStatus: 'NOT_REDRIVABLE' as const,
    redriveStatusReason: reason,
  });
  if (record.status === 'RUNNING') return refused('Execution is RUNNING and cannot be redriven');
  if (record.status === 'SUCCEEDED') return refused('Execution is SUCCEEDED and cannot be redriven');
  if (record.history.length >= MAX_REDRIVE_HISTORY) return refused('Execution history event limit exceeded');
  if (now.getTime() - record.startDate.getTime() >= MAX_OPEN_TIME_MS) {
    return refused('Execution has exceeded the max execution time');
  }
  const stoppedAt = record.stopDate?.getTime() ?? now.getTime();
  if (now.getTime() - stoppedAt > REDRIVABLE_PERIOD_MS)
    return refused('Execution redrivable period exceeded');
  return { redriveStatus: 'REDRIVABLE' };
}

/** Where a redrive continues: a top-level state and the input it is entered with. */
export interface ResumePoint {
  stateName: string;
  input: unknown;
}

/**
 * Follows the top-level states of an attempt to know where a redrive continues: a state entered
 * and not exited (the Task that failed, was running when the execution was stopped or timed out,
 * or the Fail state, which "reenters the Fail state and fails again"); after a state exited, the
 * state it names in Next with its output (a Pass state "is exited and isn't executed on redrive");
 * a Choice that exited is evaluated again ("Reevaluates the Choice state rules").
 */
export class ResumeTracker {
  point: ResumePoint | undefined;

  constructor(private readonly states: Readonly<Record<string, AslState>>) {}

  entered(stateName: string, input: unknown): void {
    if (Object.hasOwn(this.states, stateName)) this.point = { stateName, input };
  }

  exited(stateName: string, output: unknown): void {
    const state = Object.hasOwn(this.states, stateName) ? this.states[stateName] : undefined;
    if (state === undefined || state.Type === 'Choice') return;
    this.point = state.Next === undefined ? undefined : { stateName: state.Next, input: output };
  }
}

/** Why the local stack cannot redrive from this point, or undefined when it can. */
export function redriveRefusal(
  states: Readonly<Record<string, AslState>>,
  point: ResumePoint,
): string | undefined {
  const state = states[point.stateName];
  if (state?.Type !== 'Parallel' && state?.Type !== 'Map') return undefined;
  // AWS redrives only the failed branches or iterations; the interpreter can only run a state whole.
  return `The local Step Functions cannot redrive an execution that failed inside the ${state.Type} state ${point.stateName}: AWS reruns only its unsuccessful ${state.Type === 'Map' ? 'iterations' : 'branches'}, which the local interpreter cannot resume. Start a new execution instead.`;
}

/** The name of the entry state redriveDefinition adds, unused by the definition. */
export function entryStateName(states: Readonly<Record<string, AslState>>): string {
  let name = 'LocalStack.RedriveEntry';
  while (Object.hasOwn(states, name)) name = `${name}_`;
  return name;
}

/**
 * The definition an attempt after a redrive runs: the same states, entered through a Pass state
 * that hands the resumed state its recorded input. The interpreter is run with the execution's own
 * input, so $$.Execution.Input stays what StartExecution was given, and the state machine's
 * TimeoutSeconds counts again from the redrive, as AWS resets it.
 */
export function redriveDefinition<D extends { StartAt: string; States: Record<string, unknown> }>(
  definition: D,
  point: ResumePoint,
  entry: string,
): D {
  return {
    ...definition,
    StartAt: entry,
    States: {
      ...definition.States,
      [entry]: { Type: 'Pass', Result: point.input ?? null, Next: point.stateName },
    },
  };
}
