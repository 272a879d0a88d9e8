import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../../http/errors.js';
import type { RoleRegistry } from '../../iam/roles.js';
import type { Caller, FunctionRuntime } from '../../types.js';
import type { EventPublisher, ExecutionStarter, PutEventsEntry } from '../events/types.js';
import type { AslState, TaskResource } from './definition.js';
import { data } from './history.js';
import {
  DataLimitExceededError,
  exceedsPayloadQuota,
  inputOverQuota,
  resultOverQuota,
} from './payload-quota.js';

/**
 * The Task states of a definition, run locally the way Step Functions runs them:
 * - a Lambda function ARN: invoked through the FunctionRuntime; a function error becomes the state's
 *   error, named by the payload's errorType, its cause the payload text (what ErrorEquals matches);
 *   Lambda's own refusals become Lambda.<Exception> (Lambda.TooManyRequestsException);
 * - arn:aws:states:::lambda:invoke: the same, answering { ExecutedVersion, Payload, StatusCode };
 * - arn:aws:states:::events:putEvents: PutEvents on the in-process EventBridge as the state machine's
 *   role, failing with EventBridge.FailedEntry when an entry fails;
 * - arn:aws:states:::states:startExecution: StartExecution as the state machine's role, answering
 *   { ExecutionArn, StartDate } without waiting, failing with StepFunctions.<Exception>.
 * Every one of them fails with States.DataLimitExceeded, before calling anything, when its input
 * after Parameters is over the payload quota, and when its result is (payload-quota.ts).
 */

/** The error a task ends with: aws-local-stepfunctions matches `name`, and uses `message` as the cause. */
export class TaskFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** One call of a task handler, as the execution tracks it. */
export interface TaskAttempt {
  readonly stateName: string;
  readonly kind: 'lambda' | 'task';
  /** Set once the attempt has ended or was given up (timeout, abort): late results are not recorded. */
  closed: boolean;
}

/** What a task handler tells the execution it runs in. */
export interface TaskObserver {
  begin(stateName: string, kind: TaskAttempt['kind']): Promise<TaskAttempt>;
  note(attempt: TaskAttempt, type: string, details?: Record<string, unknown>): void;
  end(attempt: TaskAttempt, errorName: string | undefined): void;
  lambdaInvoked(): void;
}

export interface TaskEnvironment {
  runtime: FunctionRuntime;
  events: EventPublisher;
  /** This Step Functions, for startExecution tasks. */
  executions?: ExecutionStarter;
  /** The state machine's role, as Step Functions calls other services with it. */
  caller: Caller;
  region: string;
  observer: TaskObserver;
  /** The roles of the deployed templates: the caller may invoke only what its role allows. */
  roles?: RoleRegistry;
}

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type TaskHandler = (input: JsonValue) => Promise<JsonValue>;

/** The cause Step Functions writes for an AWS service error it got calling a service. */
function serviceCause(service: string, error: AwsServiceError): string {
  return `${error.message} (Service: ${service}; Status Code: ${error.status}; Error Code: ${error.code}; Request ID: ${randomUUID()}; Proxy: null)`;
}

function parseJson(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/** Invokes a function; returns its result, or throws the TaskFailure Step Functions would raise. */
async function invokeFunction(
  env: TaskEnvironment,
  functionArn: string,
  payload: JsonValue,
): Promise<{ result: JsonValue; statusCode: number }> {
  const [, , , region = env.region, accountId = env.caller.accountId] = functionArn.split(':');
  // Step Functions names a 403 from Lambda after the service: Lambda.AWSLambdaException.
  const denied = env.roles?.denial(env.caller, 'lambda:InvokeFunction', functionArn, 403);
  if (denied) throw new TaskFailure('Lambda.AWSLambdaException', serviceCause('AWSLambda', denied));
  let outcome: Awaited<ReturnType<FunctionRuntime['invoke']>>;
  try {
    outcome = await env.runtime.invoke({
      accountId,
      region,
      functionName: functionArn,
      payload: JSON.stringify(payload),
    });
  } catch (error) {
    const name = error instanceof AwsServiceError ? `Lambda.${error.code}` : 'Lambda.ServiceException';
    const cause =
      error instanceof AwsServiceError
        ? serviceCause('AWSLambda', error)
        : String((error as Error)?.message ?? error);
    throw new TaskFailure(name, cause);
  }
  env.observer.lambdaInvoked();
  if (outcome.functionError !== undefined) {
    const body = parseJson(outcome.payload);
    const errorType =
      typeof body === 'object' && body !== null && !Array.isArray(body) && typeof body.errorType === 'string'
        ? body.errorType
        : 'Lambda.Unknown';
    throw new TaskFailure(errorType, outcome.payload);
  }
  return {
    result: outcome.payload === '' ? null : parseJson(outcome.payload),
    statusCode: outcome.statusCode,
  };
}

function lambdaTask(
  env: TaskEnvironment,
  stateName: string,
  state: AslState,
  functionArn: string,
): TaskHandler {
  return async (input) => {
    const attempt = await env.observer.begin(stateName, 'lambda');
    refuseOversizedInput(env, attempt, stateName, input);
    env.observer.note(attempt, 'LambdaFunctionScheduled', {
      resource: functionArn,
      ...data(input, 'input'),
      ...(state.TimeoutSeconds !== undefined ? { timeoutInSeconds: state.TimeoutSeconds } : {}),
    });
    env.observer.note(attempt, 'LambdaFunctionStarted');
    try {
      const { result } = await invokeFunction(env, functionArn, input);
      if (exceedsPayloadQuota(result)) throw resultOverQuota(functionArn);
      env.observer.note(attempt, 'LambdaFunctionSucceeded', data(result, 'output'));
      env.observer.end(attempt, undefined);
      return result;
    } catch (error) {
      const failure =
        error instanceof TaskFailure || error instanceof DataLimitExceededError
          ? error
          : new TaskFailure('Lambda.ServiceException', String(error));
      env.observer.note(attempt, 'LambdaFunctionFailed', { error: failure.name, cause: failure.message });
      env.observer.end(attempt, failure.name);
      throw failure;
    }
  };
}

function serviceTask(
  env: TaskEnvironment,
  stateName: string,
  state: AslState,
  resourceType: string,
  resource: string,
  run: (input: JsonValue) => Promise<JsonValue>,
): TaskHandler {
  return async (input) => {
    const attempt = await env.observer.begin(stateName, 'task');
    refuseOversizedInput(env, attempt, stateName, input);
    env.observer.note(attempt, 'TaskScheduled', {
      resourceType,
      resource,
      region: env.region,
      parameters: JSON.stringify(input),
      ...(state.TimeoutSeconds !== undefined ? { timeoutInSeconds: state.TimeoutSeconds } : {}),
    });
    env.observer.note(attempt, 'TaskStarted', { resourceType, resource });
    try {
      const output = await run(input);
      if (exceedsPayloadQuota(output)) throw resultOverQuota(stateName);
      env.observer.note(attempt, 'TaskSucceeded', { resourceType, resource, ...data(output, 'output') });
      env.observer.end(attempt, undefined);
      return output;
    } catch (error) {
      const failure =
        error instanceof TaskFailure || error instanceof DataLimitExceededError
          ? error
          : new TaskFailure('States.TaskFailed', String(error));
      env.observer.note(attempt, 'TaskFailed', {
        resourceType,
        resource,
        error: failure.name,
        cause: failure.message,
      });
      env.observer.end(attempt, failure.name);
      throw failure;
    }
  };
}

/** A task whose input after Parameters is over the quota is never scheduled: the execution fails. */
function refuseOversizedInput(
  env: TaskEnvironment,
  attempt: TaskAttempt,
  stateName: string,
  input: JsonValue,
): void {
  if (!exceedsPayloadQuota(input)) return;
  const failure = inputOverQuota(stateName);
  env.observer.end(attempt, failure.name);
  throw failure;
}

/** The optimized PutEvents integration: Detail objects are sent as JSON text. */
async function putEvents(env: TaskEnvironment, input: JsonValue): Promise<JsonValue> {
  const parameters = (
    typeof input === 'object' && input !== null && !Array.isArray(input) ? input : {}
  ) as Record<string, JsonValue>;
  const entries = Array.isArray(parameters.Entries)
    ? parameters.Entries.map((entry): PutEventsEntry => {
        const fields = (
          typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? entry : {}
        ) as Record<string, JsonValue>;
        const { Detail, ...rest } = fields;
        return {
          ...(rest as PutEventsEntry),
          ...(Detail !== undefined
            ? { Detail: typeof Detail === 'string' ? Detail : JSON.stringify(Detail) }
            : {}),
        };
      })
    : (parameters.Entries as unknown as PutEventsEntry[]);
  let result: Awaited<ReturnType<EventPublisher['putEvents']>>;
  try {
    result = await env.events.putEvents(env.caller, env.region, entries);
  } catch (error) {
    if (error instanceof AwsServiceError)
      throw new TaskFailure(`EventBridge.${error.code}`, serviceCause('EventBridge', error));
    throw error;
  }
  const output = JSON.parse(JSON.stringify(result)) as JsonValue;
  if (result.FailedEntryCount > 0) throw new TaskFailure('EventBridge.FailedEntry', JSON.stringify(output));
  return output;
}

/** The StartExecution integration: Input may be JSON or text, as Step Functions takes it. */
async function startExecution(env: TaskEnvironment, input: JsonValue): Promise<JsonValue> {
  const parameters = (
    typeof input === 'object' && input !== null && !Array.isArray(input) ? input : {}
  ) as Record<string, JsonValue>;
  const stateMachineArn = String(parameters.StateMachineArn ?? '');
  try {
    const denied = env.roles?.denial(env.caller, 'states:StartExecution', stateMachineArn, 400);
    if (denied) throw denied;
    if (!env.executions) throw new Error('this Step Functions cannot start executions from a task');
    const body = parameters.Input ?? {};
    const { executionArn, startDate } = await env.executions.startExecution(
      {
        stateMachineArn,
        input: typeof body === 'string' ? body : JSON.stringify(body),
        ...(typeof parameters.Name === 'string' ? { name: parameters.Name } : {}),
      },
      env.caller,
    );
    return { ExecutionArn: executionArn, StartDate: new Date(startDate * 1000).toISOString() };
  } catch (error) {
    if (error instanceof AwsServiceError)
      throw new TaskFailure(`StepFunctions.${error.code}`, serviceCause('AWSStepFunctions', error));
    throw error;
  }
}

/** The local handler of a Task state, or undefined when the resource is not one the local stack runs. */
export function taskHandler(
  env: TaskEnvironment,
  stateName: string,
  state: AslState,
  resource: TaskResource,
): TaskHandler | undefined {
  switch (resource.kind) {
    case 'lambda':
      return lambdaTask(env, stateName, state, resource.functionArn);
    case 'lambda-invoke':
      return serviceTask(env, stateName, state, 'lambda', 'invoke', async (input) => {
        const parameters = (input ?? {}) as Record<string, JsonValue>;
        const functionName = String(parameters.FunctionName ?? '');
        const arn = functionName.startsWith('arn:')
          ? functionName
          : `arn:aws:lambda:${env.region}:${env.caller.accountId}:function:${functionName}`;
        const { result, statusCode } = await invokeFunction(env, arn, parameters.Payload ?? null);
        return { ExecutedVersion: '$LATEST', Payload: result, StatusCode: statusCode };
      });
    case 'events-put':
      return serviceTask(env, stateName, state, 'events', 'putEvents', (input) => putEvents(env, input));
    case 'states-start':
      return serviceTask(env, stateName, state, 'states', 'startExecution', (input) =>
        startExecution(env, input),
      );
    default:
      return undefined;
  }
}
