import { randomUUID } from 'node:crypto';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { parseFunctionArn } from '../functions/shared/arn.js';
import { type InventoryItem, inventoryId } from '../functions/shared/inventory.js';
import { call, type OperatorError, operatorErrorOf } from './errors.js';
import { regionOfArn } from './executions.js';
import type { Hub } from './hub.js';

/**
 * `registrar redrive`: gets failed registrations going again once their cause is fixed.
 *
 * Step Functions' RedriveExecution continues an execution from the state that did not complete,
 * under the same ARN. That helps an execution that was stopped, timed out, or failed inside a state
 * (an error no Catch handles, such as States.DataLimitExceeded). It does not help one the workflow itself
 * ended: every caught failure ends in the Fail state RegistrationFailed after alerting, and a
 * redriven execution re-enters that Fail state and fails again. Those are started anew with the same
 * input, which runs every check again against what is fixed now; RegisterConnector's idempotency
 * keeps a second registration of the same deploy from reaching AppFlow twice.
 */

/** A failed, timed-out or stopped execution, as ListExecutions lists it. */
export interface FailedExecution {
  executionArn: string;
  status: string;
  startDate: Date;
}

/** What `redrive` does with one execution, and why. */
export interface RedrivePlan {
  executionArn: string;
  status: string;
  /** redrive: RedriveExecution; restart: StartExecution with the same input; skip: nothing. */
  action: 'redrive' | 'restart' | 'skip';
  why: string;
  /** What restart starts the new execution with. */
  input?: string;
  stateMachineArn?: string;
}

const UNSUCCESSFUL: ExecutionStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];

/**
 * The executions of a hub's state machine that did not succeed and started at or after `since`,
 * newest first: ListExecutions once per status, page by page, until a page reaches older ones.
 */
export async function failedExecutionsSince(
  sfn: SFNClient,
  hub: Pick<Hub, 'region' | 'stateMachineArn'>,
  since: Date,
  endpointUrl?: string,
): Promise<FailedExecution[]> {
  const found: FailedExecution[] = [];
  for (const statusFilter of UNSUCCESSFUL) {
    let nextToken: string | undefined;
    do {
      const page = await call(
        () =>
          sfn.send(
            new ListExecutionsCommand({
              stateMachineArn: hub.stateMachineArn,
              statusFilter,
              maxResults: 1000,
              ...(nextToken ? { nextToken } : {}),
            }),
          ),
        { operation: 'ListExecutions', region: hub.region, endpointUrl },
      );
      const executions = page.executions ?? [];
      for (const execution of executions) {
        if (execution.startDate && execution.startDate >= since && execution.executionArn) {
          found.push({
            executionArn: execution.executionArn,
            status: execution.status ?? statusFilter,
            startDate: execution.startDate,
          });
        }
      }
      // Listed newest first: once a page reaches before `since`, the next pages are older still.
      const oldest = executions.at(-1)?.startDate;
      nextToken = oldest !== undefined && oldest < since ? undefined : page.nextToken;
    } while (nextToken);
  }
  return found.sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
}

/**
 * Decides what to do with one execution: DescribeExecution for its status, input and redrive
 * status, and the last events of its history for the state it stopped in.
 */
export async function planRedrive(
  sfn: SFNClient,
  executionArn: string,
  endpointUrl?: string,
): Promise<RedrivePlan> {
  const region = regionOfArn(executionArn);
  const described = await call(() => sfn.send(new DescribeExecutionCommand({ executionArn })), {
    operation: 'DescribeExecution',
    region,
    endpointUrl,
  });
  const status = described.status ?? 'UNKNOWN';
  const base = { executionArn, status };
  if (status === 'RUNNING' || status === 'SUCCEEDED' || status === 'PENDING_REDRIVE') {
    return { ...base, action: 'skip', why: `it is ${status.toLowerCase().replace('_', ' ')}` };
  }
  const last = await lastStateEntered(sfn, executionArn, endpointUrl);
  const restart = (why: string): RedrivePlan => ({
    ...base,
    action: 'restart',
    why,
    ...(described.input !== undefined ? { input: described.input } : {}),
    ...(described.stateMachineArn ? { stateMachineArn: described.stateMachineArn } : {}),
  });
  if (last?.type === 'FailStateEntered') {
    return restart(
      `it ended in the Fail state ${last.name} (${described.error ?? 'no error'}), which a redrive re-enters and fails again: a new execution with the same input checks everything again`,
    );
  }
  if (described.redriveStatus !== 'REDRIVABLE') {
    return restart(
      `it is not redrivable (${described.redriveStatusReason ?? described.redriveStatus ?? 'no reason given'}): a new execution with the same input starts over`,
    );
  }
  const where = last ? ` in ${last.name}` : '';
  return {
    ...base,
    action: 'redrive',
    why: `it ${verbOf(status)}${where}${described.error ? ` (${described.error})` : ''}: RedriveExecution continues from that state`,
  };
}

function verbOf(status: string): string {
  if (status === 'TIMED_OUT') return 'timed out';
  if (status === 'ABORTED') return 'was stopped';
  return 'failed';
}

async function lastStateEntered(
  sfn: SFNClient,
  executionArn: string,
  endpointUrl?: string,
): Promise<{ type: string; name: string } | undefined> {
  // The execution's end, then the state it was in: a few events back are enough.
  const { events = [] } = await call(
    () =>
      sfn.send(
        new GetExecutionHistoryCommand({
          executionArn,
          reverseOrder: true,
          maxResults: 20,
          includeExecutionData: false,
        }),
      ),
    { operation: 'GetExecutionHistory', region: regionOfArn(executionArn), endpointUrl },
  );
  const entered = events.find(
    (event) => event.type?.endsWith('StateEntered') && event.stateEnteredEventDetails?.name,
  );
  return entered
    ? { type: entered.type as string, name: entered.stateEnteredEventDetails?.name as string }
    : undefined;
}

/**
 * Of the failed executions, those worth another go: the newest per function (an older failure of
 * the same function is superseded by it), and none whose function's inventory item records a later
 * execution that did not fail. Returns the kept ones and a skip plan for the others.
 */
export function latestPerFunction(
  executions: readonly (FailedExecution & { input: string | undefined })[],
  inventory: ReadonlyMap<string, InventoryItem>,
): { kept: FailedExecution[]; skipped: RedrivePlan[] } {
  const seen = new Set<string>();
  const kept: FailedExecution[] = [];
  const skipped: RedrivePlan[] = [];
  const newestFirst = [...executions].sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
  for (const execution of newestFirst) {
    const key = functionKeyOf(execution.input);
    const base = { executionArn: execution.executionArn, status: execution.status, action: 'skip' as const };
    if (key !== undefined && seen.has(key)) {
      skipped.push({
        ...base,
        why: 'a later execution of the same function failed too, and is taken instead',
      });
      continue;
    }
    if (key !== undefined) seen.add(key);
    const item = key === undefined ? undefined : inventory.get(key);
    if (item && item.outcome !== 'failed' && Date.parse(item.startedAt) > execution.startDate.getTime()) {
      skipped.push({
        ...base,
        why: `a later execution (${item.executionArn}) recorded "${item.outcome}" for it since`,
      });
      continue;
    }
    kept.push(execution);
  }
  return { kept, skipped };
}

/** The inventory id of the function an execution's input names, if it names one. */
export function functionKeyOf(input: string | undefined): string | undefined {
  try {
    const { accountId, region, functionArn } = JSON.parse(input ?? '') as Record<string, unknown>;
    if (typeof accountId !== 'string' || typeof region !== 'string' || typeof functionArn !== 'string')
      return undefined;
    const name = /^[A-Za-z0-9_-]{1,64}$/.test(functionArn)
      ? functionArn
      : parseFunctionArn(functionArn).functionName;
    return inventoryId(accountId, region, name);
  } catch {
    return undefined;
  }
}

/** Reads an execution's input (DescribeExecution), for the selection above. */
export async function inputOf(
  sfn: SFNClient,
  executionArn: string,
  endpointUrl?: string,
): Promise<string | undefined> {
  const described: DescribeExecutionCommandOutput = await call(
    () => sfn.send(new DescribeExecutionCommand({ executionArn })),
    { operation: 'DescribeExecution', region: regionOfArn(executionArn), endpointUrl },
  );
  return described.input;
}

/** What acting on a plan started: the execution to wait for, or why nothing could start. */
export interface RedriveStart {
  /** The same ARN after a redrive, a new one after a restart. */
  executionArn?: string;
  /** Set when the plan had to change (a redrive refused, so restarted). */
  action: RedrivePlan['action'];
  note?: string;
  /** A refusal of this execution alone (the others go on). */
  error?: string;
}

/** Errors RedriveExecution answers about one execution; anything else stops the command. */
const PER_EXECUTION = new Set(['ExecutionDoesNotExist', 'ExecutionLimitExceeded', 'ExecutionNotRedrivable']);

/**
 * Carries out one plan. A redrive that Step Functions refuses as not redrivable (the execution
 * changed since the plan) is restarted instead, and says so; the other refusals of one execution
 * are returned; access and connection errors are thrown as OperatorErrors.
 */
export async function startAgain(
  sfn: SFNClient,
  plan: RedrivePlan,
  endpointUrl?: string,
): Promise<RedriveStart> {
  const region = regionOfArn(plan.executionArn);
  if (plan.action === 'skip') return { action: 'skip' };
  if (plan.action === 'redrive') {
    try {
      await sfn.send(new RedriveExecutionCommand({ executionArn: plan.executionArn }));
      return { action: 'redrive', executionArn: plan.executionArn };
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'ExecutionNotRedrivable') {
        const replanned = await planRedrive(sfn, plan.executionArn, endpointUrl);
        if (replanned.action !== 'restart') {
          return { action: 'redrive', error: `${name}: ${(error as Error).message}` };
        }
        const restarted = await startAgain(sfn, replanned, endpointUrl);
        return { ...restarted, note: `RedriveExecution refused it (${(error as Error).message})` };
      }
      if (PER_EXECUTION.has(name))
        return { action: 'redrive', error: `${name}: ${(error as Error).message}` };
      throw operatorErrorOf(error, { operation: 'RedriveExecution', region, endpointUrl }) as OperatorError;
    }
  }
  if (plan.input === undefined || plan.stateMachineArn === undefined) {
    return {
      action: 'restart',
      error: 'DescribeExecution gave no input or state machine to start again with',
    };
  }
  const { stateMachineArn, input } = plan;
  try {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: `redo-${randomUUID()}`, input }),
    );
    return { action: 'restart', ...(executionArn ? { executionArn } : {}) };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ExecutionLimitExceeded')
      return { action: 'restart', error: `${name}: ${(error as Error).message}` };
    throw operatorErrorOf(error, { operation: 'StartExecution', region, endpointUrl });
  }
}
