import './states/polyfill.js';
import { randomUUID } from 'node:crypto';
import type { DeployedStack } from '../deploy/deploy.js';
import type { DeployedStateMachine } from '../deploy/resources.js';
import { type AwsJsonOperation, awsJsonHandler } from '../http/aws-json.js';
import { AwsServiceError } from '../http/errors.js';
import type { RoleRegistry } from '../iam/roles.js';
import type { Caller, EmulatedService, FunctionRuntime } from '../types.js';
import type { EventPublisher, ExecutionStarter } from './events/types.js';
import { allStates, type TaskResource, taskResource } from './states/definition.js';
import {
  type ExecutionRecord,
  ExecutionRun,
  type ExecutionStatus,
  type PreparedMachine,
  type RunDependencies,
} from './states/execution.js';
import type { HistoryEvent } from './states/history.js';
import { StateMachine } from './states/interpreter.js';
import { PAYLOAD_QUOTA_BYTES } from './states/payload-quota.js';
import { redriveEligibility } from './states/redrive.js';

export type { ExecutionRecord, ExecutionStatus } from './states/execution.js';
export type { HistoryEvent } from './states/history.js';
export { type RedriveStatus, redriveEligibility } from './states/redrive.js';

/**
 * The emulated Step Functions (awsJson 1.0, X-Amz-Target AWSStepFunctions.*) running the state
 * machines of the deployed stacks with aws-local-stepfunctions: StartExecution (Standard semantics,
 * idempotent on name + input while running), DescribeExecution, ListExecutions, GetExecutionHistory
 * (the events Step Functions writes), StopExecution, RedriveExecution (states/redrive.ts),
 * DescribeStateMachine, ListStateMachines.
 */

export interface StatesServiceOptions {
  /** Runs the Lambda functions Task states call. */
  runtime: FunctionRuntime;
  /** EventBridge in-process, for arn:aws:states:::events:putEvents. */
  events: EventPublisher;
  /** Multiplies Retry waits (IntervalSeconds, backoff, MaxDelaySeconds): 0.01 for demos and tests, 1 = AWS. */
  timeScale?: number;
  now?: () => Date;
  random?: () => number;
  /**
   * Open (RUNNING) executions allowed per account and Region, beyond which StartExecution and
   * RedriveExecution answer ExecutionLimitExceeded. Default 1,000,000, the Standard quota.
   */
  maxOpenExecutions?: number;
  /** The roles of the deployed templates: a state machine's role may do only what it allows. */
  roles?: RoleRegistry;
}

export interface StatesService extends EmulatedService, ExecutionStarter {
  /** Creates a deployed stack's state machines. */
  deploy(stack: DeployedStack): void;
  /** The deployed state machines. */
  stateMachines(): readonly DeployedStateMachine[];
  /** An execution by ARN. */
  execution(executionArn: string): ExecutionRecord | undefined;
  /** Executions, newest first. */
  executions(filter?: ExecutionFilter): ExecutionRecord[];
  /** Resolves when the execution's latest run (its start or its last redrive) has ended. */
  waitForExecution(executionArn: string): Promise<ExecutionRecord>;
  /** Resolves when no execution is running (including ones started meanwhile). */
  idle(): Promise<void>;
  /** True while an execution runs. */
  busy(): boolean;
  /** Aborts every running execution. */
  close(): Promise<void>;
}

const TARGET_PREFIX = 'AWSStepFunctions.';
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):stateMachine:([A-Za-z0-9-_]{1,80})$/;
const EXECUTION_ARN =
  /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):execution:([A-Za-z0-9-_]{1,80}):(.{1,80})$/;
/** Step Functions' name rule: no whitespace, brackets, wildcards, special or control characters. */
const INVALID_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]|\p{Cc}/u;
const STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
/** ListExecutions' statusFilter enum; PENDING_REDRIVE is for a Map Run's child executions only. */
const STATUS_FILTERS = [...STATUSES, 'PENDING_REDRIVE'];
const REDRIVE_FILTERS = ['REDRIVEN', 'NOT_REDRIVEN'];
/** Step Functions' quota of open Standard executions per account and Region. */
const DEFAULT_MAX_OPEN_EXECUTIONS = 1_000_000;
/** RedriveExecution's clientToken: 1 to 64 printable characters without spaces. */
const CLIENT_TOKEN = /^[!-~]{1,64}$/;

/**
 * Interpreters by definition text; a StateMachine keeps no state between runs, so one is shared. The
 * definition is not validated again here: `serverless package` validated it (scripts/
 * serverless-validate-asl.cjs) before the stack could deploy it, and asl-validator is slow
 * (docs/benchmarks.md, section 5).
 */
const interpreters = new Map<string, StateMachine>();

function interpreterFor(machine: DeployedStateMachine): StateMachine {
  let interpreter = interpreters.get(machine.definitionString);
  if (interpreter === undefined) {
    interpreter = new StateMachine(
      machine.definition as unknown as ConstructorParameters<typeof StateMachine>[0],
      {
        validationOptions: { noValidate: true },
      },
    );
    interpreters.set(machine.definitionString, interpreter);
  }
  return interpreter;
}

function prepare(machine: DeployedStateMachine, stack: DeployedStack): PreparedMachine {
  const states = allStates(machine.definition as { States?: Record<string, never> });
  const tasks = new Map<string, TaskResource>();
  const unsupported: string[] = [];
  for (const [name, state] of states) {
    if (state.Type !== 'Task') continue;
    const resource = taskResource(state.Resource ?? '');
    if (resource.kind === 'unsupported') unsupported.push(`${name} (${state.Resource})`);
    else tasks.set(name, resource);
  }
  if (unsupported.length > 0) {
    throw new Error(
      `State machine ${machine.name}: the local stack runs Lambda functions, lambda:invoke, events:putEvents and states:startExecution tasks only; these Task states use other resources: ${unsupported.join(', ')}.`,
    );
  }
  return {
    machine,
    accountId: stack.accountId,
    region: stack.region,
    interpreter: interpreterFor(machine),
    states,
    tasks,
  };
}

/**
 * Creates the Step Functions service.
 *
 * @example
 * const states = createStatesService({ runtime, events, timeScale: 0.01 });
 * states.deploy(hubStack);
 */
export function createStatesService(options: StatesServiceOptions): StatesService {
  const now = options.now ?? (() => new Date());
  // executions is filled in below, once startExecution exists: a task may start another execution.
  const deps: RunDependencies = {
    runtime: options.runtime,
    events: options.events,
    timeScale: options.timeScale ?? 1,
    now,
    random: options.random ?? Math.random,
    ...(options.roles ? { roles: options.roles } : {}),
  };
  const machines = new Map<string, PreparedMachine>();
  const runs = new Map<string, ExecutionRun>();
  const startedAt = now().getTime() / 1000;

  const machineFor = (stateMachineArn: unknown, caller: Caller): PreparedMachine => {
    if (typeof stateMachineArn !== 'string' || !STATE_MACHINE_ARN.test(stateMachineArn)) {
      throw new AwsServiceError(400, 'InvalidArn', `Invalid Arn: '${String(stateMachineArn)}'`);
    }
    const prepared = machines.get(stateMachineArn);
    if (prepared !== undefined && prepared.accountId !== caller.accountId) {
      throw new AwsServiceError(
        400,
        'AccessDeniedException',
        `User: ${caller.principalArn} is not authorized to perform: states:StartExecution on resource: ${stateMachineArn} because no identity-based policy allows the states:StartExecution action`,
      );
    }
    if (prepared === undefined) {
      throw new AwsServiceError(
        400,
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${stateMachineArn}'`,
      );
    }
    return prepared;
  };

  const maxOpenExecutions = options.maxOpenExecutions ?? DEFAULT_MAX_OPEN_EXECUTIONS;
  /** ExecutionLimitExceeded when the account's Region already has its quota of open executions. */
  const checkOpenExecutions = (prepared: PreparedMachine) => {
    let open = 0;
    for (const run of runs.values()) {
      const owner = machines.get(run.record.stateMachineArn);
      if (
        run.record.status === 'RUNNING' &&
        owner?.accountId === prepared.accountId &&
        owner.region === prepared.region
      ) {
        open++;
      }
    }
    if (open >= maxOpenExecutions) {
      throw new AwsServiceError(
        400,
        'ExecutionLimitExceeded',
        `The maximum number of running executions has been reached (${maxOpenExecutions} in this account and Region). Running executions must end or be stopped before a new execution can be started.`,
      );
    }
  };

  const runFor = (executionArn: unknown, caller: Caller): ExecutionRun => {
    const match = typeof executionArn === 'string' ? EXECUTION_ARN.exec(executionArn) : null;
    if (match === null)
      throw new AwsServiceError(400, 'InvalidArn', `Invalid Arn: '${String(executionArn)}'`);
    if (match[2] !== caller.accountId) {
      throw new AwsServiceError(
        400,
        'AccessDeniedException',
        `User: ${caller.principalArn} is not authorized to access ${String(executionArn)}: it belongs to another account.`,
      );
    }
    const run = runs.get(executionArn as string);
    if (run === undefined) {
      throw new AwsServiceError(400, 'ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    }
    return run;
  };

  const startExecution: StatesService['startExecution'] = async (request, caller) => {
    const prepared = machineFor(request.stateMachineArn, caller);
    const name = request.name ?? randomUUID();
    if (name.length < 1 || name.length > 80) {
      throw new AwsServiceError(
        400,
        'ValidationException',
        `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must have length ${name.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 80'}`,
      );
    }
    if (INVALID_NAME.test(name)) throw new AwsServiceError(400, 'InvalidName', `Invalid Name: '${name}'`);
    const input = request.input ?? '{}';
    if (Buffer.byteLength(input, 'utf8') > PAYLOAD_QUOTA_BYTES) {
      throw new AwsServiceError(
        400,
        'ValidationException',
        `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${PAYLOAD_QUOTA_BYTES}`,
      );
    }
    try {
      JSON.parse(input);
    } catch (error) {
      throw new AwsServiceError(
        400,
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${(error as Error).message}'`,
      );
    }
    const { machine } = prepared;
    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = runs.get(executionArn);
    if (existing !== undefined) {
      // Standard workflows: the same name and input while running is the same call (idempotent).
      if (existing.record.status === 'RUNNING' && existing.record.input === input) {
        return { executionArn, startDate: existing.record.startDate.getTime() / 1000 };
      }
      throw new AwsServiceError(400, 'ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    checkOpenExecutions(prepared);
    const run = new ExecutionRun(
      prepared,
      { executionArn, name, input, startedBy: caller.principalArn },
      deps,
    );
    runs.set(executionArn, run);
    return { executionArn, startDate: run.record.startDate.getTime() / 1000 };
  };

  deps.executions = { startExecution };

  const listExecutions = (filter: ExecutionFilter = {}) =>
    [...runs.values()]
      .map((run) => run.record)
      .filter(
        (record) =>
          (filter.stateMachineArn === undefined || record.stateMachineArn === filter.stateMachineArn) &&
          (filter.status === undefined || record.status === filter.status) &&
          (filter.redriven === undefined || record.redriveCount > 0 === filter.redriven),
      )
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());

  const redriveExecution = async (
    caller: Caller,
    executionArn: unknown,
    clientToken: unknown,
  ): Promise<{ redriveDate: number }> => {
    if (clientToken !== undefined && (typeof clientToken !== 'string' || !CLIENT_TOKEN.test(clientToken))) {
      throw new AwsServiceError(
        400,
        'ValidationException',
        `1 validation error detected: Value '${String(clientToken)}' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [!-~]+ and have length between 1 and 64`,
      );
    }
    const run = runFor(executionArn, caller);
    // Stopped a moment ago: let the interpreter wind down so its last events precede ExecutionRedriven.
    if (run.record.status !== 'RUNNING' && !run.ended) await run.done;
    const replayed = run.redrivenWith(clientToken as string | undefined, now());
    if (replayed !== undefined) return { redriveDate: seconds(replayed) };
    const eligibility = redriveEligibility(run.record, now());
    if (eligibility.redriveStatus !== 'REDRIVABLE') {
      throw new AwsServiceError(
        400,
        'ExecutionNotRedrivable',
        eligibility.redriveStatusReason ?? 'Execution cannot be redriven',
      );
    }
    const prepared = machines.get(run.record.stateMachineArn) as PreparedMachine;
    checkOpenExecutions(prepared);
    const { refusal } = run.redrivePoint();
    if (refusal !== undefined) throw new AwsServiceError(400, 'ValidationException', refusal);
    return { redriveDate: seconds(run.redrive(clientToken as string | undefined)) };
  };

  const operations: Record<string, AwsJsonOperation> = {
    StartExecution: async (request, body) => {
      const result = await startExecution(
        {
          stateMachineArn: body.stateMachineArn as string,
          ...(typeof body.input === 'string' ? { input: body.input } : {}),
          ...(typeof body.name === 'string' ? { name: body.name } : {}),
        },
        request.caller,
      );
      return result;
    },
    DescribeExecution: (request, body) =>
      describeExecution(runFor(body.executionArn, request.caller).record, now()),
    RedriveExecution: (request, body) =>
      redriveExecution(request.caller, body.executionArn, body.clientToken),
    StopExecution: (request, body) => {
      const run = runFor(body.executionArn, request.caller);
      const stopDate = run.stop(optional(body.error), optional(body.cause));
      return { stopDate: stopDate.getTime() / 1000 };
    },
    ListExecutions: (request, body) => {
      const prepared = machineFor(body.stateMachineArn, request.caller);
      const status = body.statusFilter;
      const redrive = body.redriveFilter;
      checkEnum('statusFilter', status, STATUS_FILTERS);
      checkEnum('redriveFilter', redrive, REDRIVE_FILTERS);
      if (status === 'PENDING_REDRIVE') {
        throw new AwsServiceError(
          400,
          'ValidationException',
          'The statusFilter PENDING_REDRIVE is only valid with a mapRunArn, not a stateMachineArn.',
        );
      }
      const all = listExecutions({
        stateMachineArn: prepared.machine.arn,
        ...(status !== undefined ? { status: status as ExecutionStatus } : {}),
        ...(redrive !== undefined ? { redriven: redrive === 'REDRIVEN' } : {}),
      });
      const page = paginate(
        all,
        body,
        `${prepared.machine.arn}|${String(status ?? '')}|${String(redrive ?? '')}`,
      );
      return { executions: page.items.map(listItem), ...page.next };
    },
    GetExecutionHistory: (request, body) => {
      const run = runFor(body.executionArn, request.caller);
      const events = body.reverseOrder === true ? [...run.record.history].reverse() : [...run.record.history];
      const page = paginate(events, body, run.record.executionArn);
      const includeData = body.includeExecutionData !== false;
      return { events: page.items.map((event) => historyItem(event, includeData)), ...page.next };
    },
    DescribeStateMachine: (request, body) => {
      const { machine } = machineFor(body.stateMachineArn, request.caller);
      return {
        stateMachineArn: machine.arn,
        name: machine.name,
        status: 'ACTIVE',
        definition: machine.definitionString,
        roleArn: machine.roleArn,
        type: machine.type,
        creationDate: startedAt,
      };
    },
    ListStateMachines: (request) => ({
      stateMachines: [...machines.values()]
        .filter(
          (prepared) => prepared.accountId === request.caller.accountId && prepared.region === request.region,
        )
        .map(({ machine }) => ({
          stateMachineArn: machine.arn,
          name: machine.name,
          type: machine.type,
          creationDate: startedAt,
        })),
    }),
  };
  const handle = awsJsonHandler(TARGET_PREFIX, 'aws-json-1.0', 'Step Functions', operations);

  return {
    signingName: 'states',
    protocol: 'aws-json-1.0',
    handle,
    startExecution,
    deploy: (stack) => {
      for (const machine of stack.stateMachines) machines.set(machine.arn, prepare(machine, stack));
    },
    stateMachines: () => [...machines.values()].map((prepared) => prepared.machine),
    execution: (executionArn) => runs.get(executionArn)?.record,
    executions: listExecutions,
    waitForExecution: async (executionArn) => {
      const run = runs.get(executionArn);
      if (run === undefined) throw new Error(`No execution ${executionArn} was started.`);
      return run.done;
    },
    idle: async () => {
      for (;;) {
        const running = [...runs.values()].filter((run) => !run.ended);
        if (running.length === 0) return;
        await Promise.allSettled(running.map((run) => run.done));
      }
    },
    busy: () => [...runs.values()].some((run) => !run.ended),
    close: async () => {
      const running = [...runs.values()].filter((run) => run.record.status === 'RUNNING');
      for (const run of running) run.stop('States.Aborted', 'The local stack stopped.');
      await Promise.allSettled(running.map((run) => run.done));
    },
  };
}

/** Which executions ListExecutions (and the stack's own callers) want. */
export interface ExecutionFilter {
  stateMachineArn?: string;
  status?: ExecutionStatus;
  /** true: redriven at least once; false: never redriven. */
  redriven?: boolean;
}

function checkEnum(member: string, value: unknown, allowed: readonly string[]): void {
  if (value === undefined || allowed.includes(value as string)) return;
  throw new AwsServiceError(
    400,
    'ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
  );
}

function optional(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function seconds(date: Date): number {
  return date.getTime() / 1000;
}

function describeExecution(record: ExecutionRecord, now: Date): Record<string, unknown> {
  return {
    ...listItem(record),
    ...redriveEligibility(record, now),
    input: record.input,
    inputDetails: { included: true },
    ...(record.output !== undefined ? { output: record.output, outputDetails: { included: true } } : {}),
    ...(record.error !== undefined ? { error: record.error } : {}),
    ...(record.cause !== undefined ? { cause: record.cause } : {}),
  };
}

function listItem(record: ExecutionRecord): Record<string, unknown> {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: seconds(record.startDate),
    ...(record.stopDate !== undefined ? { stopDate: seconds(record.stopDate) } : {}),
    redriveCount: record.redriveCount,
    ...(record.redriveDate !== undefined ? { redriveDate: seconds(record.redriveDate) } : {}),
  };
}

function historyItem(event: HistoryEvent, includeData: boolean): Record<string, unknown> {
  const { timestamp, ...rest } = event;
  const item: Record<string, unknown> = { timestamp: seconds(timestamp), ...rest };
  if (!includeData) {
    for (const [key, value] of Object.entries(item)) {
      if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) continue;
      const { input: _input, output: _output, ...kept } = value as Record<string, unknown>;
      item[key] = kept;
    }
  }
  return item;
}

/** maxResults/nextToken paging; the token names the list it came from, as AWS refuses another's. */
function paginate<T>(
  items: T[],
  body: Record<string, unknown>,
  listId: string,
): { items: T[]; next: { nextToken?: string } } {
  const requested = body.maxResults === undefined ? 0 : Number(body.maxResults);
  if (!Number.isInteger(requested) || requested < 0 || requested > 1000) {
    throw new AwsServiceError(
      400,
      'ValidationException',
      `1 validation error detected: Value '${String(body.maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`,
    );
  }
  const limit = requested === 0 ? 100 : requested;
  let offset = 0;
  if (typeof body.nextToken === 'string') {
    let decoded: { list?: string; offset?: number } = {};
    try {
      decoded = JSON.parse(Buffer.from(body.nextToken, 'base64url').toString('utf8'));
    } catch {
      decoded = {};
    }
    if (decoded.list !== listId || !Number.isInteger(decoded.offset) || (decoded.offset ?? -1) < 0) {
      throw new AwsServiceError(400, 'InvalidToken', `Invalid Token: '${body.nextToken}'`);
    }
    offset = decoded.offset as number;
  }
  const end = offset + limit;
  return {
    items: items.slice(offset, end),
    next:
      end < items.length
        ? { nextToken: Buffer.from(JSON.stringify({ list: listId, offset: end })).toString('base64url') }
        : {},
  };
}
