import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import { call } from './errors.js';
import { messageOfCause, regionOfArn } from './executions.js';

/** One line of `registrar history`. */
export interface HistoryStep {
  /** Milliseconds since the execution started. */
  offsetMs: number;
  /** The state it happened in (none for the execution's own events). */
  state?: string;
  /** What happened: entered, attempt (a retry begins), failed, redriven, started, succeeded, … */
  what: string;
  error?: string;
  message?: string;
}

const FAILURES = new Set(['LambdaFunctionFailed', 'LambdaFunctionTimedOut', 'TaskFailed', 'TaskTimedOut']);
const SCHEDULED = new Set(['LambdaFunctionScheduled', 'TaskScheduled']);
const ENDED: Record<string, string> = {
  ExecutionSucceeded: 'succeeded',
  ExecutionFailed: 'failed',
  ExecutionAborted: 'aborted',
  ExecutionTimedOut: 'timed out',
};

/**
 * Reads an execution's whole history (GetExecutionHistory, page by page) and keeps what a person
 * follows: each state entered, each failed attempt with its error and message, each retry, each
 * redrive, and how the execution ended.
 *
 * @example const steps = await executionHistory(sfn, executionArn)
 */
export async function executionHistory(
  sfn: SFNClient,
  executionArn: string,
  endpointUrl?: string,
): Promise<HistoryStep[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call(
      () =>
        sfn.send(
          new GetExecutionHistoryCommand({
            executionArn,
            maxResults: 1000,
            includeExecutionData: false,
            ...(nextToken ? { nextToken } : {}),
          }),
        ),
      { operation: 'GetExecutionHistory', region: regionOfArn(executionArn), endpointUrl },
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return stepsOf(events);
}

/** The steps of a history, in order. */
export function stepsOf(events: readonly HistoryEvent[]): HistoryStep[] {
  const start = events[0]?.timestamp?.getTime() ?? 0;
  const steps: HistoryStep[] = [];
  let state: string | undefined;
  let attempts = 0;
  let failedLast = false;
  // The execution's end repeats the cause of the failure before it: said once is enough.
  let lastMessage: string | undefined;
  for (const event of events) {
    const type = event.type ?? '';
    const offsetMs = (event.timestamp?.getTime() ?? start) - start;
    const entered = event.stateEnteredEventDetails?.name;
    if (type === 'ExecutionStarted') steps.push({ offsetMs, what: 'started' });
    else if (type === 'ExecutionRedriven') {
      steps.push({ offsetMs, what: `redriven (${event.executionRedrivenEventDetails?.redriveCount ?? 1})` });
    } else if (entered !== undefined && type.endsWith('StateEntered')) {
      state = entered;
      attempts = 0;
      failedLast = false;
      steps.push({ offsetMs, state, what: 'entered' });
    } else if (SCHEDULED.has(type)) {
      attempts += 1;
      if (failedLast) steps.push({ offsetMs, ...(state ? { state } : {}), what: `attempt ${attempts}` });
      failedLast = false;
    } else if (FAILURES.has(type)) {
      const details = failureDetailsOf(event);
      const message = messageOfCause(details.cause);
      lastMessage = message;
      failedLast = true;
      steps.push({
        offsetMs,
        ...(state ? { state } : {}),
        what: `attempt ${Math.max(attempts, 1)} failed`,
        ...(details.error ? { error: details.error } : {}),
        ...(message ? { message } : {}),
      });
    } else if (type in ENDED) {
      const details = failureDetailsOf(event);
      const message = messageOfCause(details.cause);
      steps.push({
        offsetMs,
        what: `execution ${ENDED[type]}`,
        ...(details.error ? { error: details.error } : {}),
        ...(message && message !== lastMessage ? { message } : {}),
      });
    }
  }
  return steps;
}

function failureDetailsOf(event: HistoryEvent): { error?: string; cause?: string } {
  return (
    event.lambdaFunctionFailedEventDetails ??
    event.lambdaFunctionTimedOutEventDetails ??
    event.taskFailedEventDetails ??
    event.taskTimedOutEventDetails ??
    event.executionFailedEventDetails ??
    event.executionAbortedEventDetails ??
    event.executionTimedOutEventDetails ??
    {}
  );
}

/** The terminal form: one step a line, the time since the start first. */
export function formatHistory(executionArn: string, steps: readonly HistoryStep[]): string {
  const width = Math.max(0, ...steps.map((step) => (step.state ?? '').length));
  const lines = steps.map((step) => {
    const when = `+${(step.offsetMs / 1000).toFixed(3)}s`.padStart(10);
    const error = step.error ? `: ${step.error}${step.message ? `: ${step.message}` : ''}` : '';
    return `${when}  ${(step.state ?? '').padEnd(width)}  ${step.what}${error}`;
  });
  return [executionArn, ...lines].join('\n');
}
