import '../../local/index.js';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { type AslDefinition, loadAsl, PUBLISH_STATES, type PublishState, statesOf } from './asl.js';
import { type EventBridgeRecord, putEventsFake } from './event-bridge-fake.js';
import { fixtures } from './fixtures.js';
import { answering, scripted, type TaskFake } from './task-fakes.js';

type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** The execution the tests run as; the ASL reads it from the Context Object ($$.Execution.Id). */
export const EXECUTION_ARN =
  'arn:aws:states:eu-west-1:111122223333:execution:appflow-connector-registrar:0b6f3d0e-5d7a-4a43-9d2c-1f2e3a4b5c6d';

export interface WorkflowOptions {
  /** The workflow input; the workflow-input fixture by default. */
  input?: unknown;
  /** VerifyFunction's fake; answers the verified-connector fixture by default. */
  verify?: TaskFake;
  /** RegisterConnector's fake; answers the registration fixture by default. */
  register?: TaskFake;
  /** How many PutEvents calls of each publish state answer a failed entry first (Infinity: all). */
  failedEntries?: Partial<Record<PublishState, number>>;
  /** Another definition than the ASL file (a variant a test builds). */
  definition?: AslDefinition;
}

/** A state that failed, as the execution history records it (StateFailed). */
export interface StateFailure {
  state: string;
  error: string;
  cause: unknown;
}

/** What one execution did, read from the interpreter's event log and the fakes. */
export interface WorkflowRun {
  status: 'SUCCEEDED' | 'FAILED';
  /** The execution output when it succeeded. */
  output: unknown;
  /** Error and Cause of the execution when it failed. */
  error: string | undefined;
  cause: unknown;
  /** The states entered, in order (a retried state appears once). */
  path: string[];
  /** StateRetried events per state. */
  retries: Record<string, number>;
  /** Calls of each Task state's handler (first attempt and retries). */
  attempts: Record<string, number>;
  /** What each Task state's handler was called with, per call: the Parameters mapping at work. */
  taskInputs: Record<string, unknown[]>;
  failures: StateFailure[];
  published: EventBridgeRecord['published'];
  rejected: EventBridgeRecord['rejected'];
  events: EventLog[];
}

/**
 * Runs the registration state machine in aws-local-stepfunctions with local handlers for every
 * Task state, no pause between retries, and the Context Object of a real execution, then reports
 * what happened. Nothing reaches AWS: every Task state is overridden.
 *
 * @example
 * const run = await runWorkflow({ register: failingTimes(2, 'ThrottlingException', fixtures.registration()) });
 * expect(run.attempts.RegisterConnector).toBe(3);
 */
export async function runWorkflow(options: WorkflowOptions = {}): Promise<WorkflowRun> {
  return runStateMachine({
    definition: options.definition ?? loadAsl(),
    input: options.input ?? fixtures.workflowInput(),
    lambdaTasks: {
      VerifyFunction: options.verify ?? scripted(answering(fixtures.verifiedConnector())),
      RegisterConnector: options.register ?? scripted(answering(fixtures.registration())),
    },
    publishStates: PUBLISH_STATES,
    ...(options.failedEntries ? { failedEntries: options.failedEntries } : {}),
  });
}

/** What runStateMachine runs: a definition, its input, a fake per Lambda task and its putEvents states. */
export interface StateMachineOptions {
  definition: AslDefinition;
  input: unknown;
  lambdaTasks: Record<string, TaskFake>;
  publishStates: readonly string[];
  /** How many PutEvents calls of each publish state answer a failed entry first (Infinity: all). */
  failedEntries?: Partial<Record<string, number>>;
}

/**
 * Runs any of the project's state machines as runWorkflow does: a fake for every Lambda task, the
 * putEvents fake for every publish state, no pause between retries (in Map iterations too).
 */
export async function runStateMachine(options: StateMachineOptions): Promise<WorkflowRun> {
  const { definition, input } = options;
  const record: EventBridgeRecord = { published: [], rejected: [] };
  const attempts: Record<string, number> = {};
  const taskInputs: Record<string, unknown[]> = {};

  const fakes: Record<string, TaskFake> = { ...options.lambdaTasks };
  for (const state of options.publishStates) {
    fakes[state] = putEventsFake(state, record, options.failedEntries?.[state] ?? 0);
  }
  const handlers = Object.fromEntries(
    Object.entries(fakes).map(([state, fake]) => [
      state,
      async (taskInput: unknown) => {
        attempts[state] = (attempts[state] ?? 0) + 1;
        taskInputs[state] = [...(taskInputs[state] ?? []), structuredClone(taskInput)];
        return fake(taskInput);
      },
    ]),
  );
  assertEveryTaskOverridden(definition, Object.keys(handlers));

  const machine = machineFor(definition);
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      retryIntervalOverrides: Object.fromEntries(statesOf(definition).map(([state]) => [state, 0])),
    },
    context: { Execution: { Id: EXECUTION_ARN, Name: EXECUTION_ARN.split(':').pop() } },
  });
  const events: EventLog[] = [];
  const collected = (async () => {
    for await (const event of execution.eventLogs) events.push(event);
  })();

  let output: unknown;
  let status: WorkflowRun['status'] = 'SUCCEEDED';
  try {
    output = await execution.result;
  } catch (error) {
    if (!(error instanceof ExecutionError)) throw error;
    status = 'FAILED';
  }
  await collected;

  const failed = events.find((event) => event.type === 'ExecutionFailed');
  return {
    status,
    output,
    error: failed?.type === 'ExecutionFailed' ? failed.Error : undefined,
    cause: failed?.type === 'ExecutionFailed' ? failed.Cause : undefined,
    path: events.flatMap((event) => (event.type === 'StateEntered' ? [event.state.name] : [])),
    retries: countBy(events.flatMap((event) => (event.type === 'StateRetried' ? [event.state.name] : []))),
    attempts,
    taskInputs,
    failures: events.flatMap((event) =>
      event.type === 'StateFailed'
        ? [{ state: event.state.name, error: event.Error, cause: event.Cause }]
        : [],
    ),
    published: record.published,
    rejected: record.rejected,
    events,
  };
}

// Building a StateMachine validates the definition with asl-validator, about half a second each time;
// one validated machine per definition text serves every run (the interpreter keeps no state
// between runs).
const machines = new Map<string, StateMachine>();

function machineFor(definition: AslDefinition): StateMachine {
  const key = JSON.stringify(definition);
  let machine = machines.get(key);
  if (!machine) {
    machine = new StateMachine(definition as unknown as StateMachineDefinition);
    machines.set(key, machine);
  }
  return machine;
}

// A Task state without an override would call the real Lambda service: refuse to run instead.
function assertEveryTaskOverridden(definition: AslDefinition, overridden: string[]): void {
  const missing = statesOf(definition)
    .filter(([name, state]) => state.Type === 'Task' && !overridden.includes(name))
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new Error(`Task states without a local handler: ${missing.join(', ')}. Add a fake to the runner.`);
  }
}

function countBy(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}
