/**
 * An execution's history as GetExecutionHistory returns it: events numbered from 1, each pointing at
 * the one before, except the first state's entry, which points at 0 like ExecutionStarted (the
 * sample histories of the Step Functions Developer Guide and histories recorded from AWS: id 2,
 * previousEventId 0), with the details member AWS names after the event type
 * (TaskStateEntered → stateEnteredEventDetails, LambdaFunctionFailed → lambdaFunctionFailedEventDetails).
 */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

function detailsMember(type: string): string {
  if (type.endsWith('StateEntered') && !type.startsWith('Map') && !type.startsWith('Parallel')) {
    return 'stateEnteredEventDetails';
  }
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  if (type === 'MapStateEntered' || type === 'ParallelStateEntered') return 'stateEnteredEventDetails';
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}

function firstStateEntered(previous: HistoryEvent, type: string): boolean {
  return previous.type === 'ExecutionStarted' && type.endsWith('StateEntered');
}

export class ExecutionHistory {
  readonly events: HistoryEvent[] = [];

  constructor(private readonly now: () => Date) {}

  /** Appends an event; `details` goes under the member AWS uses for this type. */
  add(type: string, details?: Record<string, unknown>): HistoryEvent {
    const previous = this.events.at(-1);
    const event: HistoryEvent = {
      timestamp: this.now(),
      type,
      id: (previous?.id ?? 0) + 1,
      previousEventId: previous === undefined || firstStateEntered(previous, type) ? 0 : previous.id,
      ...(details !== undefined ? { [detailsMember(type)]: details } : {}),
    };
    this.events.push(event);
    return event;
  }
}

/** The JSON text of a state's data, and AWS's note that it was not truncated. */
export function data(value: unknown, member: 'input' | 'output'): Record<string, unknown> {
  return { [member]: JSON.stringify(value ?? null), [`${member}Details`]: { truncated: false } };
}
