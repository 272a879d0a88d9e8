import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type HistoryEventType,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { InventoryItem } from '../../../functions/shared/inventory.js';
import { OperatorError } from '../../../ops/errors.js';
import {
  failedExecutionsSince,
  functionKeyOf,
  latestPerFunction,
  planRedrive,
  startAgain,
} from '../../../ops/redrive.js';

const sfnMock = mockClient(SFNClient);
const sfn = new SFNClient({ region: 'eu-west-1' });
const MACHINE =
  'arn:aws:states:eu-west-1:111111111111:stateMachine:appflow-connector-registrar-prod-register-connector';
const arnOf = (name: string) =>
  `arn:aws:states:eu-west-1:111111111111:execution:appflow-connector-registrar-prod-register-connector:${name}`;
const ARN = arnOf('e-1');
const INPUT = JSON.stringify({
  accountId: '222222222222',
  region: 'eu-west-1',
  functionArn: 'arn:aws:lambda:eu-west-1:222222222222:function:sales-connector',
  hints: null,
  trigger: {
    kind: 'cloudtrail',
    eventId: 'x',
    name: 'UpdateFunctionCode20150331v2',
    time: '2025-03-14T09:00:00Z',
  },
});
const hub = { region: 'eu-west-1', stateMachineArn: MACHINE };
const awsError = (name: string, message = `${name} from the mock`) =>
  new SFNServiceException({ name, message, $fault: 'client', $metadata: {} });
const described = (fields: Record<string, unknown>) => ({
  executionArn: ARN,
  stateMachineArn: MACHINE,
  input: INPUT,
  startDate: new Date(),
  ...fields,
});
const lastEntered = (type: HistoryEventType, name: string): { events: HistoryEvent[] } => ({
  events: [
    { id: 9, timestamp: new Date(), type: 'ExecutionFailed' },
    { id: 8, timestamp: new Date(), type, stateEnteredEventDetails: { name } },
  ],
});

afterEach(() => sfnMock.reset());

/** An execution stopped in RegisterConnector more than 14 days ago: Step Functions no longer redrives it. */
function pastTheRedrivablePeriod(): void {
  sfnMock.on(DescribeExecutionCommand).resolves(
    described({
      status: 'ABORTED',
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution redrivable period exceeded',
    }),
  );
  sfnMock.on(GetExecutionHistoryCommand).resolves(lastEntered('TaskStateEntered', 'RegisterConnector'));
}

describe('failedExecutionsSince', () => {
  const at = (minutesAgo: number) => new Date(Date.parse('2025-03-14T12:00:00Z') - minutesAgo * 60_000);
  const page = (from: number, count: number, next?: string) => ({
    executions: Array.from({ length: count }, (_, index) => ({
      executionArn: arnOf(`f-${from + index}`),
      stateMachineArn: MACHINE,
      name: `f-${from + index}`,
      status: 'FAILED' as const,
      startDate: at(from + index),
    })),
    ...(next ? { nextToken: next } : {}),
  });

  it('pages through thousands of failures, newest first, and stops at the first page older than since', async () => {
    sfnMock
      .on(ListExecutionsCommand, { statusFilter: 'FAILED' })
      .resolvesOnce(page(0, 1000, 't1'))
      .resolvesOnce(page(1000, 1000, 't2'))
      .resolvesOnce(page(2000, 1000, 't3'))
      .resolves(page(3000, 1000));
    sfnMock.on(ListExecutionsCommand, { statusFilter: 'TIMED_OUT' }).resolves({ executions: [] });
    sfnMock.on(ListExecutionsCommand, { statusFilter: 'ABORTED' }).resolves({ executions: [] });

    const found = await failedExecutionsSince(sfn, hub, at(2500));

    expect(found).toHaveLength(2501);
    expect(found[0]?.executionArn).toBe(arnOf('f-0'));
    expect(found.at(-1)?.executionArn).toBe(arnOf('f-2500'));
    const failedCalls = sfnMock
      .commandCalls(ListExecutionsCommand)
      .filter((call) => call.args[0].input.statusFilter === 'FAILED');
    expect(failedCalls.map((call) => call.args[0].input.nextToken)).toEqual([undefined, 't1', 't2']);
    expect(sfnMock).toHaveReceivedCommandTimes(ListExecutionsCommand, 5);
  });

  it('lists failed, timed-out and stopped executions, all three', async () => {
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });

    await failedExecutionsSince(sfn, hub, at(60));

    expect(
      sfnMock.commandCalls(ListExecutionsCommand).map((call) => call.args[0].input.statusFilter),
    ).toEqual(['FAILED', 'TIMED_OUT', 'ABORTED']);
  });
});

describe('planRedrive', () => {
  it('starts anew an execution that ended in the Fail state: a redrive would fail there again', async () => {
    sfnMock
      .on(DescribeExecutionCommand)
      .resolves(
        described({ status: 'FAILED', error: 'MissingAppFlowPermissionError', redriveStatus: 'REDRIVABLE' }),
      );
    sfnMock.on(GetExecutionHistoryCommand).resolves(lastEntered('FailStateEntered', 'RegistrationFailed'));

    const plan = await planRedrive(sfn, ARN);

    expect(plan).toMatchObject({ action: 'restart', input: INPUT, stateMachineArn: MACHINE });
    expect(plan.why).toMatch(
      /^it ended in the Fail state RegistrationFailed \(MissingAppFlowPermissionError\), which a redrive re-enters/,
    );
    expect(sfnMock).toHaveReceivedCommandWith(GetExecutionHistoryCommand, {
      executionArn: ARN,
      reverseOrder: true,
    });
  });

  it.each([
    ['ABORTED', 'RegisterConnector', 'it was stopped in RegisterConnector'],
    ['TIMED_OUT', 'VerifyFunction', 'it timed out in VerifyFunction'],
    ['FAILED', 'VerifyFunction', 'it failed in VerifyFunction'],
  ])('redrives an execution %s inside a Task state', async (status, state, why) => {
    sfnMock.on(DescribeExecutionCommand).resolves(described({ status, redriveStatus: 'REDRIVABLE' }));
    sfnMock.on(GetExecutionHistoryCommand).resolves(lastEntered('TaskStateEntered', state));

    const plan = await planRedrive(sfn, ARN);

    expect(plan.action).toBe('redrive');
    expect(plan.why).toMatch(new RegExp(`^${why}`));
  });

  it('starts anew one Step Functions no longer redrives, saying why', async () => {
    pastTheRedrivablePeriod();

    const plan = await planRedrive(sfn, ARN);

    expect(plan).toMatchObject({ action: 'restart' });
    expect(plan.why).toContain('Execution redrivable period exceeded');
  });

  it.each(['RUNNING', 'SUCCEEDED'])('leaves alone an execution that is %s', async (status) => {
    sfnMock.on(DescribeExecutionCommand).resolves(described({ status }));

    expect(await planRedrive(sfn, ARN)).toMatchObject({ action: 'skip' });
    expect(sfnMock).not.toHaveReceivedCommand(GetExecutionHistoryCommand);
  });
});

describe('startAgain', () => {
  const redrive = { executionArn: ARN, status: 'ABORTED', action: 'redrive' as const, why: 'stopped' };
  const restart = {
    executionArn: ARN,
    status: 'FAILED',
    action: 'restart' as const,
    why: 'Fail state',
    input: INPUT,
    stateMachineArn: MACHINE,
  };

  it('redrives under the same ARN', async () => {
    sfnMock.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });

    expect(await startAgain(sfn, redrive)).toEqual({ action: 'redrive', executionArn: ARN });
    expect(sfnMock).toHaveReceivedCommandWith(RedriveExecutionCommand, { executionArn: ARN });
  });

  it('starts a new execution of the same state machine with the same input', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: arnOf('redo-1'), startDate: new Date() });

    expect(await startAgain(sfn, restart)).toEqual({ action: 'restart', executionArn: arnOf('redo-1') });
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: MACHINE,
      input: INPUT,
      name: expect.stringMatching(/^redo-[0-9a-f-]{36}$/),
    });
  });

  it('starts anew an execution RedriveExecution refuses as not redrivable, and says so', async () => {
    sfnMock
      .on(RedriveExecutionCommand)
      .rejects(awsError('ExecutionNotRedrivable', 'Execution redrivable period exceeded'));
    pastTheRedrivablePeriod();
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: arnOf('redo-2'), startDate: new Date() });

    expect(await startAgain(sfn, redrive)).toEqual({
      action: 'restart',
      executionArn: arnOf('redo-2'),
      note: 'RedriveExecution refused it (Execution redrivable period exceeded)',
    });
  });

  it.each(['ExecutionLimitExceeded', 'ExecutionDoesNotExist'])(
    'reports %s for this execution alone',
    async (name) => {
      sfnMock.on(RedriveExecutionCommand).rejects(awsError(name, 'no'));

      expect(await startAgain(sfn, redrive)).toEqual({ action: 'redrive', error: `${name}: no` });
    },
  );

  it('stops the command on a refusal of access: one line naming the call', async () => {
    sfnMock
      .on(RedriveExecutionCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: states:RedriveExecution'));

    const failure = startAgain(sfn, redrive);

    await expect(failure).rejects.toBeInstanceOf(OperatorError);
    await expect(failure).rejects.toThrow(
      /^RedriveExecution in eu-west-1 was refused \(AccessDeniedException: not authorized/,
    );
  });
});

describe('latestPerFunction', () => {
  const failed = (name: string, minute: number, input = INPUT) => ({
    executionArn: arnOf(name),
    status: 'FAILED',
    startDate: new Date(Date.UTC(2025, 2, 14, 9, minute)),
    input,
  });
  const inventoryItem = (fields: Partial<InventoryItem>): InventoryItem => ({
    id: 'connector#222222222222#eu-west-1#sales-connector',
    accountId: '222222222222',
    region: 'eu-west-1',
    functionName: 'sales-connector',
    outcome: 'registered',
    detailType: 'ConnectorRegistered',
    executionArn: arnOf('later'),
    startedAt: '2025-03-14T10:00:00.000Z',
    recordedAt: '2025-03-14T10:00:01.000Z',
    memberDelivery: 'delivered',
    ...fields,
  });

  it('keeps the newest failure of a function and skips the older ones', () => {
    const { kept, skipped } = latestPerFunction([failed('old', 1), failed('new', 2)], new Map());

    expect(kept.map((execution) => execution.executionArn)).toEqual([arnOf('new')]);
    expect(skipped).toEqual([expect.objectContaining({ executionArn: arnOf('old'), action: 'skip' })]);
  });

  it('skips a failure a later execution of the function registered since', () => {
    const item = inventoryItem({});
    const { kept, skipped } = latestPerFunction([failed('new', 2)], new Map([[item.id, item]]));

    expect(kept).toEqual([]);
    expect(skipped[0]?.why).toBe(`a later execution (${arnOf('later')}) recorded "registered" for it since`);
  });

  it('keeps a failure whose function failed again later', () => {
    const item = inventoryItem({ outcome: 'failed' });

    expect(latestPerFunction([failed('new', 2)], new Map([[item.id, item]])).kept).toHaveLength(1);
  });
});

describe('functionKeyOf', () => {
  it.each([
    ['an ARN', 'arn:aws:lambda:eu-west-1:222222222222:function:sales-connector'],
    ["a CloudFormation signal's name", 'sales-connector'],
  ])('finds the inventory row of %s', (_, functionArn) => {
    expect(
      functionKeyOf(JSON.stringify({ accountId: '222222222222', region: 'eu-west-1', functionArn })),
    ).toBe('connector#222222222222#eu-west-1#sales-connector');
  });

  it('finds none for an input that names no function', () => {
    expect(functionKeyOf('{"accountId":"1"}')).toBeUndefined();
    expect(functionKeyOf('not json')).toBeUndefined();
  });
});
