/** The parts of an ASL state the local Step Functions reads. */
export interface AslRetrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'NONE' | 'FULL';
}

export interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Resource?: string;
  Retry?: AslRetrier[];
  TimeoutSeconds?: number;
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
  CausePath?: string;
  Branches?: { States: Record<string, AslState> }[];
  Iterator?: { States: Record<string, AslState> };
  ItemProcessor?: { States: Record<string, AslState> };
}

/** What a Task state's Resource calls, and so how the local stack runs it. */
export type TaskResource =
  | { kind: 'lambda'; functionArn: string }
  | { kind: 'lambda-invoke' }
  | { kind: 'events-put' }
  | { kind: 'states-start' }
  | { kind: 'unsupported' };

const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9-_]+(:[A-Za-z0-9-_$]+)?$/;

export function taskResource(resource: string): TaskResource {
  if (FUNCTION_ARN.test(resource)) return { kind: 'lambda', functionArn: resource };
  if (/^arn:aws[a-z-]*:states:::lambda:invoke$/.test(resource)) return { kind: 'lambda-invoke' };
  if (/^arn:aws[a-z-]*:states:::events:putEvents$/.test(resource)) return { kind: 'events-put' };
  // Fire and forget only: the .sync and waitForTaskToken variants wait, and no workflow here does.
  if (/^arn:aws[a-z-]*:states:::states:startExecution$/.test(resource)) return { kind: 'states-start' };
  return { kind: 'unsupported' };
}

/**
 * Every state of a definition by name, nested Parallel branches and Map processors included
 * (aws-local-stepfunctions keys its overrides by state name across them).
 */
export function allStates(definition: { States?: Record<string, AslState> }): Map<string, AslState> {
  const states = new Map<string, AslState>();
  const visit = (machine: { States?: Record<string, AslState> } | undefined) => {
    for (const [name, state] of Object.entries(machine?.States ?? {})) {
      states.set(name, state);
      for (const branch of state.Branches ?? []) visit(branch);
      visit(state.Iterator);
      visit(state.ItemProcessor);
    }
  };
  visit(definition);
  return states;
}
