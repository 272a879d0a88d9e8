import './polyfill.js';
import { randomBytes } from 'node:crypto';
import type { DeployedStateMachine } from '../../deploy/resources.js';
import type { RoleRegistry } from '../../iam/roles.js';
import type { Caller, FunctionRuntime } from '../../types.js';
import type { EventPublisher, ExecutionStarter } from '../events/types.js';
import type { AslState, TaskResource } from './definition.js';
import { data, ExecutionHistory, type HistoryEvent } from './history.js';
import { ExecutionTimeoutError, type RunOptions, StateMachine } from './interpreter.js';
import { type DataLimitExceededError, exceedsPayloadQuota, resultOverQuota } from './payload-quota.js';
import {
  CLIENT_TOKEN_TTL_MS,
  CLIENT_TOKENS_KEPT,
  entryStateName,
  type ResumePoint,
  ResumeTracker,
  redriveDefinition,
  redriveRefusal,
} from './redrive.js';
import { RetryTiming } from './retry-timing.js';
import { type TaskAttempt, type TaskHandler, type TaskObserver, taskHandler } from './tasks.js';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** An execution as DescribeExecution reports it, plus what the local stack counts. */
export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  /** JSON text, as given to StartExecution. */
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
  /** Who started it (principal ARN). */
  startedBy: string;
  history: readonly HistoryEvent[];
  /** States entered. */
  transitions: number;
  /** Invocations the function runtime admitted (throttled ones are not invocations). */
  lambdaInvocations: number;
  /** Retries made by Retry fields. */
  retries: number;
  /** Successful RedriveExecution calls. */
  redriveCount: number;
  /** The last redrive. */
  redriveDate?: Date;
}

/** A state machine ready to run: its interpreter and how each Task state runs. */
export interface PreparedMachine {
  machine: DeployedStateMachine;
  accountId: string;
  region: string;
  interpreter: StateMachine;
  states: ReadonlyMap<string, AslState>;
  tasks: ReadonlyMap<string, TaskResource>;
}

export interface RunDependencies {
  runtime: FunctionRuntime;
  events: EventPublisher;
  timeScale: number;
  now: () => Date;
  random: () => number;
  /** The roles of the deployed templates: the state machine's role may do only what they allow. */
  roles?: RoleRegistry;
  /** This Step Functions, for arn:aws:states:::states:startExecution tasks. */
  executions?: ExecutionStarter;
}

/** An event of the interpreter's eventLogs (its EventLog type is not exported). */
interface InterpreterEvent {
  type: string;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  output?: unknown;
  Error?: string;
  Cause?: unknown;
}

/** A task attempt, with the run it belongs to. */
type RunAttempt = TaskAttempt & { resource?: string; resourceType?: string; generation: number };

/** The definition as the interpreter takes it. */
type Definition = ConstructorParameters<typeof StateMachine>[0];

/**
 * One execution, run by aws-local-stepfunctions with the Task states overridden (tasks.ts), its
 * history written as Step Functions writes it from the interpreter's event log and the task
 * handlers' own events. Task handlers yield once before recording, so every interpreter event
 * dispatched before them (TaskStateEntered…) is already in the history.
 *
 * The interpreter has no payload quota: a state whose output is over it fails the execution here,
 * with States.DataLimitExceeded, when its StateExited event is read. That is before the next Task
 * state does anything (it yields first, then finds the execution failed); the states in between
 * (Pass, Choice) act on nothing.
 *
 * The interpreter cannot resume a run, so a redrive is a new run of the same states entered at the
 * state where the last one stopped (redrive.ts), appending to the same record and history.
 */
export class ExecutionRun implements TaskObserver {
  readonly record: ExecutionRecord;
  private current: Promise<ExecutionRecord>;
  private readonly history: ExecutionHistory;
  private timing: RetryTiming;
  private readonly openAttempts = new Map<string, RunAttempt>();
  /** Counts the runs: an attempt of an earlier run (a timed-out task answering late) is ignored. */
  private generation = 0;
  private abortExecution: () => void = () => {};
  private stopRequest: { error?: string; cause?: string } | undefined;
  /** Set when a state's output went over the payload quota: the execution failed there. */
  private dataLimit: DataLimitExceededError | undefined;
  private lastEntered: string | undefined;
  private finished = false;
  /** Where this run's events begin in the history (after ExecutionRedriven for a redrive). */
  private runStart = 0;
  /** The Pass state a redriven run enters through; its events are not Step Functions'. */
  private entryState: string | undefined;
  private readonly resume: ResumeTracker;
  private readonly redriveTokens: { token: string; firstUsed: Date; redriveDate: Date }[] = [];
  /** True once the interpreter has returned and the record is final. */
  ended = false;

  constructor(
    private readonly prepared: PreparedMachine,
    start: { executionArn: string; name: string; input: string; startedBy: string },
    private readonly deps: RunDependencies,
  ) {
    this.history = new ExecutionHistory(deps.now);
    this.timing = new RetryTiming(prepared.states, deps.timeScale, deps.random);
    this.resume = new ResumeTracker(this.topLevelStates());
    this.record = {
      executionArn: start.executionArn,
      stateMachineArn: prepared.machine.arn,
      name: start.name,
      status: 'RUNNING',
      input: start.input,
      startDate: deps.now(),
      startedBy: start.startedBy,
      history: this.history.events,
      transitions: 0,
      lambdaInvocations: 0,
      retries: 0,
      redriveCount: 0,
    };
    this.current = this.run(prepared.interpreter);
  }

  /** Resolves when the latest run (the start, or the last redrive) has ended. */
  get done(): Promise<ExecutionRecord> {
    return this.current;
  }

  /** The redriveDate a RedriveExecution with this client token already answered, within its 15 minutes. */
  redrivenWith(clientToken: string | undefined, now: Date): Date | undefined {
    if (clientToken === undefined) return undefined;
    return this.redriveTokens.find(
      (used) => used.token === clientToken && now.getTime() - used.firstUsed.getTime() <= CLIENT_TOKEN_TTL_MS,
    )?.redriveDate;
  }

  /** Where a redrive would continue, and why the local stack could not do it (Parallel, Map). */
  redrivePoint(): { point: ResumePoint; refusal?: string } {
    const point = this.resume.point ?? {
      stateName: (this.prepared.machine.definition as { StartAt: string }).StartAt,
      input: JSON.parse(this.record.input),
    };
    const refusal = redriveRefusal(this.topLevelStates(), point);
    return refusal === undefined ? { point } : { point, refusal };
  }

  /**
   * RedriveExecution, once the service has found the execution redrivable and its last run ended:
   * appends ExecutionRedriven and runs again from the state that did not complete, with the input
   * it received; retry counts start afresh, as on AWS.
   */
  redrive(clientToken: string | undefined): Date {
    const { point } = this.redrivePoint();
    const now = this.deps.now();
    this.record.redriveCount++;
    this.record.redriveDate = now;
    this.record.status = 'RUNNING';
    for (const key of ['stopDate', 'output', 'error', 'cause'] as const) delete this.record[key];
    if (clientToken !== undefined) {
      this.redriveTokens.push({ token: clientToken, firstUsed: now, redriveDate: now });
      if (this.redriveTokens.length > CLIENT_TOKENS_KEPT) this.redriveTokens.shift();
    }
    this.stopRequest = undefined;
    this.lastEntered = undefined;
    this.finished = false;
    this.ended = false;
    for (const attempt of this.openAttempts.values()) attempt.closed = true;
    this.openAttempts.clear();
    this.generation++;
    this.timing = new RetryTiming(this.prepared.states, this.deps.timeScale, this.deps.random);
    this.runStart = this.history.events.length;
    this.history.add('ExecutionRedriven', { redriveCount: this.record.redriveCount });
    const states = this.topLevelStates();
    this.entryState = entryStateName(states);
    const definition = redriveDefinition(
      this.prepared.machine.definition as unknown as Definition,
      point,
      this.entryState,
    );
    // The definition is the deployed one (already validated) plus a Pass state.
    this.current = this.run(new StateMachine(definition, { validationOptions: { noValidate: true } }));
    return now;
  }

  /** StopExecution: aborts a running execution and returns its stop date. */
  stop(error?: string, cause?: string): Date {
    if (this.record.status !== 'RUNNING') return this.record.stopDate ?? this.deps.now();
    this.stopRequest = {
      ...(error !== undefined ? { error } : {}),
      ...(cause !== undefined ? { cause } : {}),
    };
    this.record.status = 'ABORTED';
    if (error !== undefined) this.record.error = error;
    if (cause !== undefined) this.record.cause = cause;
    this.record.stopDate = this.deps.now();
    for (const attempt of this.openAttempts.values()) attempt.closed = true;
    this.abortExecution();
    return this.record.stopDate;
  }

  async begin(stateName: string, kind: TaskAttempt['kind']): Promise<TaskAttempt> {
    // Let the history catch up with the interpreter's events dispatched before this handler was called.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.dataLimit !== undefined) throw this.dataLimit;
    const resource = this.prepared.tasks.get(stateName);
    const attempt: RunAttempt = {
      stateName,
      kind,
      generation: this.generation,
      closed: this.finished,
      ...(resource?.kind === 'events-put' ? { resourceType: 'events', resource: 'putEvents' } : {}),
      ...(resource?.kind === 'lambda-invoke' ? { resourceType: 'lambda', resource: 'invoke' } : {}),
    };
    this.openAttempts.set(stateName, attempt);
    this.timing.attemptStarted(stateName);
    return attempt;
  }

  note(attempt: TaskAttempt, type: string, details?: Record<string, unknown>): void {
    if (!attempt.closed && this.ofLatestRun(attempt)) this.append(type, details);
  }

  end(attempt: TaskAttempt, errorName: string | undefined): void {
    attempt.closed = true;
    if (this.ofLatestRun(attempt)) this.timing.attemptEnded(attempt.stateName, errorName);
  }

  /** Whether the attempt belongs to the latest run (not to one a redrive replaced). */
  private ofLatestRun(attempt: TaskAttempt): boolean {
    return (attempt as RunAttempt).generation === this.generation;
  }

  lambdaInvoked(): void {
    this.record.lambdaInvocations++;
  }

  private topLevelStates(): Record<string, AslState> {
    return (this.prepared.machine.definition as { States?: Record<string, AslState> }).States ?? {};
  }

  private async run(interpreter: StateMachine): Promise<ExecutionRecord> {
    const { machine, states, tasks, accountId, region } = this.prepared;
    const roleName = machine.roleArn.slice(machine.roleArn.lastIndexOf('/') + 1);
    const caller: Caller = {
      accountId,
      principalArn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${randomBytes(16).toString('hex')}`,
      roleArn: machine.roleArn,
    };
    const handlers: Record<string, TaskHandler> = {};
    for (const [name, resource] of tasks) {
      const handler = taskHandler(
        {
          runtime: this.deps.runtime,
          events: this.deps.events,
          ...(this.deps.executions ? { executions: this.deps.executions } : {}),
          caller,
          region,
          observer: this,
          ...(this.deps.roles ? { roles: this.deps.roles } : {}),
        },
        name,
        states.get(name) as AslState,
        resource,
      );
      if (handler !== undefined) handlers[name] = handler;
    }
    const retryIntervalOverrides = this.timing.overrides();
    const options: RunOptions = {
      overrides: {
        taskResourceLocalHandlers: handlers as NonNullable<
          RunOptions['overrides']
        >['taskResourceLocalHandlers'],
        ...(retryIntervalOverrides !== undefined ? { retryIntervalOverrides } : {}),
      },
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: this.record.executionArn,
          Name: this.record.name,
          RoleArn: machine.roleArn,
          StartTime: this.record.startDate.toISOString(),
          RedriveCount: this.record.redriveCount,
          ...(this.record.redriveDate !== undefined
            ? { RedriveTime: this.record.redriveDate.toISOString() }
            : {}),
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
    };
    let execution: ReturnType<StateMachine['run']>;
    try {
      execution = interpreter.run(JSON.parse(this.record.input), options);
    } catch (error) {
      this.finished = true;
      this.finish({ ok: false, error });
      this.ended = true;
      return this.record;
    }
    this.abortExecution = execution.abort;
    const consume = (async () => {
      for await (const event of execution.eventLogs) this.onInterpreterEvent(event as InterpreterEvent);
    })();
    const outcome = await execution.result.then(
      (output) => ({ ok: true as const, output }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    await consume;
    this.finish(outcome);
    this.ended = true;
    return this.record;
  }

  private append(type: string, details?: Record<string, unknown>): void {
    if (!this.finished) this.history.add(type, details);
  }

  private onInterpreterEvent(event: InterpreterEvent): void {
    // Past a state output over the quota the execution has failed: what the interpreter still does is not.
    if (this.dataLimit !== undefined) return;
    const { state } = event;
    if (state !== undefined && state.name === this.entryState) return;
    switch (event.type) {
      case 'ExecutionStarted':
        // A redriven run continues the execution: ExecutionRedriven stands for its start.
        if (this.record.redriveCount > 0) break;
        this.append('ExecutionStarted', {
          input: this.record.input,
          inputDetails: { truncated: false },
          roleArn: this.prepared.machine.roleArn,
        });
        break;
      case 'StateEntered':
        if (state === undefined) break;
        this.record.transitions++;
        this.lastEntered = state.name;
        this.resume.entered(state.name, state.input);
        this.openAttempts.delete(state.name);
        this.timing.stateEntered(state.name);
        this.append(`${state.type}StateEntered`, { name: state.name, ...data(state.input, 'input') });
        break;
      case 'StateExited':
        if (state === undefined || state.type === 'Fail') break;
        if (exceedsPayloadQuota(state.output)) {
          this.failOnDataLimit(state.name);
          break;
        }
        this.resume.exited(state.name, state.output);
        this.append(`${state.type}StateExited`, { name: state.name, ...data(state.output, 'output') });
        break;
      case 'StateFailed':
        if (state !== undefined) this.onStateFailed(state.name, event.Error);
        break;
      case 'StateRetried':
        this.record.retries++;
        break;
      case 'ExecutionSucceeded':
        this.append('ExecutionSucceeded', data(event.output, 'output'));
        this.finished = true;
        break;
      case 'ExecutionFailed':
        this.append('ExecutionFailed', this.failureOf(event.Error ?? 'States.Runtime', event.Cause));
        this.finished = true;
        break;
      case 'ExecutionAborted':
        this.append('ExecutionAborted', this.stopRequest ?? {});
        this.finished = true;
        break;
      case 'ExecutionTimeout':
        this.append('ExecutionTimedOut', {
          error: 'States.Timeout',
          cause: 'The execution ran longer than the TimeoutSeconds of its definition.',
        });
        this.finished = true;
        break;
      default:
        break;
    }
  }

  /** A state's output is over the payload quota: the execution fails, as on AWS, uncaught. */
  private failOnDataLimit(stateName: string): void {
    const failure = resultOverQuota(stateName);
    this.append('ExecutionFailed', { error: failure.name, cause: failure.message });
    this.dataLimit = failure;
    this.finished = true;
    for (const attempt of this.openAttempts.values()) attempt.closed = true;
    this.abortExecution();
  }

  /** A task the interpreter gave up on (TimeoutSeconds) gets the timed-out event Step Functions writes. */
  private onStateFailed(stateName: string, error: string | undefined): void {
    const attempt = this.openAttempts.get(stateName);
    if (attempt === undefined || attempt.closed || error !== 'States.Timeout') return;
    const cause = 'The task did not finish within the TimeoutSeconds of its state.';
    if (attempt.kind === 'lambda') {
      this.append('LambdaFunctionTimedOut', { error: 'States.Timeout', cause });
    } else {
      this.append('TaskTimedOut', {
        resourceType: attempt.resourceType,
        resource: attempt.resource,
        error: 'States.Timeout',
        cause,
      });
    }
    attempt.closed = true;
  }

  /** ExecutionFailed's error and cause; a Fail state without Error or Cause reports none, as AWS does. */
  private failureOf(error: string, rawCause: unknown): { error?: string; cause?: string } {
    const failState = this.lastEntered === undefined ? undefined : this.prepared.states.get(this.lastEntered);
    const fromFailState = failState?.Type === 'Fail';
    const hasError = !fromFailState || failState.Error !== undefined || failState.ErrorPath !== undefined;
    const hasCause = !fromFailState || failState.Cause !== undefined || failState.CausePath !== undefined;
    const cause = typeof rawCause === 'string' ? rawCause : JSON.stringify(rawCause);
    return {
      ...(hasError ? { error } : {}),
      ...(hasCause && cause !== undefined ? { cause } : {}),
    };
  }

  private finish(outcome: { ok: true; output: unknown } | { ok: false; error: unknown }): void {
    this.finished = true;
    if (this.record.status === 'ABORTED') return;
    this.record.stopDate = this.deps.now();
    if (this.dataLimit !== undefined) {
      this.record.status = 'FAILED';
      this.record.error = this.dataLimit.name;
      this.record.cause = this.dataLimit.message;
      return;
    }
    if (outcome.ok) {
      this.record.status = 'SUCCEEDED';
      this.record.output = JSON.stringify(outcome.output ?? null);
      return;
    }
    if (outcome.error instanceof ExecutionTimeoutError) {
      this.record.status = 'TIMED_OUT';
      this.record.error = 'States.Timeout';
      return;
    }
    this.record.status = 'FAILED';
    const failed = this.history.events
      .slice(this.runStart)
      .findLast((event) => event.type === 'ExecutionFailed')?.executionFailedEventDetails as
      | { error?: string; cause?: string }
      | undefined;
    if (failed?.error !== undefined) this.record.error = failed.error;
    if (failed?.cause !== undefined) this.record.cause = failed.cause;
    if (failed === undefined) {
      this.record.error = 'States.Runtime';
      this.record.cause = String((outcome.error as Error)?.message ?? outcome.error);
    }
  }
}
