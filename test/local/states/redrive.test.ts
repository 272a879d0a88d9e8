import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeployedStack } from '../../../local/deploy/deploy.js';
import type { HubDeployment } from '../../../local/deploy/landing-zone.js';
import { type AwsServer, startAwsServer } from '../../../local/http/server.js';
import { LocalIdentityRegistry } from '../../../local/identity.js';
import {
  HUB,
  hubDeployment,
  readFixture,
  readFixtureText,
  type StatesHarness,
  startStates,
} from './harness.js';

const INPUT = readFixtureText('workflow-input.json');
const DAY_MS = 24 * 3600 * 1000;

interface Env {
  harness: StatesHarness;
  server: AwsServer;
  sfn: SFNClient;
  stateMachineArn: string;
  /** Moves the service's clock (not the interpreter's) forward. */
  advance(ms: number): void;
}

let env: Env | undefined;

afterEach(async () => {
  env?.sfn.destroy();
  await env?.server.close();
  await env?.harness.close();
  env = undefined;
});

async function start(options: { maxOpenExecutions?: number; hub?: HubDeployment } = {}) {
  let offset = 0;
  const harness = await startStates({ ...options, now: () => new Date(Date.now() + offset) });
  const server = await startAwsServer({
    services: [harness.states],
    identity: new LocalIdentityRegistry(HUB),
    port: 0,
  });
  const sfn = new SFNClient({
    region: 'eu-west-1',
    endpoint: server.endpoint,
    credentials: { accessKeyId: HUB, secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  env = {
    harness,
    server,
    sfn,
    stateMachineArn: harness.hub.stateMachine.arn,
    advance: (ms) => {
      offset += ms;
    },
  };
  return env;
}

/** The states service with one state machine of the hub's deployment replaced by a fixture's definition. */
async function startWith(fixture: string, name: string): Promise<Env> {
  const hub = await hubDeployment();
  const verifyArn = hub.functions.find((fn) => fn.logicalId === 'VerifyFunctionLambdaFunction')?.arn ?? '';
  const definitionString = readFixtureText(fixture).replace('VERIFY_FUNCTION_ARN', verifyArn);
  const machine = {
    ...hub.stateMachine,
    name,
    arn: hub.stateMachine.arn.replace(/[^:]+$/, name),
    definitionString,
    definition: JSON.parse(definitionString) as Record<string, unknown>,
  };
  const stack: DeployedStack = { ...hub.stack, stateMachines: [machine] };
  return start({ hub: { ...hub, stack, stateMachine: machine } });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const startExecution = async ({ sfn, stateMachineArn }: Env, input = INPUT, machineArn = stateMachineArn) =>
  (await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, input }))).executionArn as string;

const finished = async ({ harness, sfn }: Env, executionArn: string) => {
  await harness.states.waitForExecution(executionArn);
  return sfn.send(new DescribeExecutionCommand({ executionArn }));
};

const historyOf = async ({ sfn }: Env, executionArn: string): Promise<HistoryEvent[]> =>
  (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];

/** The history as `type` or `type(state)`, from the event after `from`. */
function shape(events: HistoryEvent[], from = 0): string[] {
  return events.slice(from).map((event) => {
    const name = (event.stateEnteredEventDetails ?? event.stateExitedEventDetails)?.name;
    return name === undefined ? `${event.type}` : `${event.type}(${name})`;
  });
}

/** Calls of the registration function so far. */
const registerCalls = ({ harness }: Env) =>
  harness.runtime.requests.filter((request) => request.functionName.endsWith('-registerConnector'));

/** Starts an execution and stops it while RegisterConnector's function runs. */
async function stoppedInRegisterConnector(current: Env): Promise<string> {
  current.harness.runtime.queue('registerConnector', {
    result: readFixture('registration.json'),
    delayMs: 300,
  });
  const executionArn = await startExecution(current);
  const calls = registerCalls(current).length;
  await until(() => registerCalls(current).length > calls, 'RegisterConnector to be invoked');
  await current.sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator.Stop' }));
  return executionArn;
}

describe('RedriveExecution', () => {
  describe('an execution stopped while RegisterConnector ran', () => {
    it('continues from RegisterConnector with the input it received, under the same ARN, and succeeds', async () => {
      const current = await start();
      const executionArn = await stoppedInRegisterConnector(current);
      expect((await finished(current, executionArn)).status).toBe('ABORTED');
      const before = await historyOf(current, executionArn);
      const verifyCalls = current.harness.runtime.requests.length - registerCalls(current).length;

      const { redriveDate } = await current.sfn.send(new RedriveExecutionCommand({ executionArn }));
      expect(redriveDate).toBeInstanceOf(Date);
      const described = await finished(current, executionArn);
      expect(described).toMatchObject({
        executionArn,
        status: 'SUCCEEDED',
        input: INPUT,
        redriveCount: 1,
        redriveDate,
        redriveStatus: 'NOT_REDRIVABLE',
        redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
      });
      expect(JSON.parse(described.output ?? '{}').registration).toEqual(readFixture('registration.json'));

      const history = await historyOf(current, executionArn);
      // The original attempt is kept as it was; the redrive continues it.
      expect(history.slice(0, before.length)).toEqual(before);
      expect(shape(before).at(-1)).toBe('ExecutionAborted');
      expect(shape(history, before.length)).toEqual([
        'ExecutionRedriven',
        'TaskStateEntered(RegisterConnector)',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionSucceeded',
        'TaskStateExited(RegisterConnector)',
        'TaskStateEntered(PublishConnectorRegistered)',
        'TaskScheduled',
        'TaskStarted',
        'TaskSucceeded',
        'TaskStateExited(PublishConnectorRegistered)',
        'SucceedStateEntered(Registered)',
        'SucceedStateExited(Registered)',
        'ExecutionSucceeded',
      ]);
      expect(history[before.length]?.executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
      // Event ids keep counting, each event pointing at the one before (the first state's entry at 0).
      expect(history.map((event) => [event.id, event.previousEventId])).toEqual(
        history.map((_, index) => [index + 1, index === 1 ? 0 : index]),
      );
      expect(shape(history).filter((type) => type === 'ExecutionStarted')).toHaveLength(1);

      // RegisterConnector is entered with what it was entered with the first time.
      const entries = history.filter((event) => event.stateEnteredEventDetails?.name === 'RegisterConnector');
      expect(entries).toHaveLength(2);
      expect(entries[1]?.stateEnteredEventDetails?.input).toBe(entries[0]?.stateEnteredEventDetails?.input);
      // VerifyFunction completed before the stop and is not run again; $$.Execution.Id is the same ARN.
      expect(current.harness.runtime.requests.length - registerCalls(current).length).toBe(verifyCalls);
      expect(registerCalls(current).at(-1)?.payload).toMatchObject({ executionArn });
    });

    it('starts the retry counts afresh', async () => {
      const current = await start();
      const throttled = { functionError: readFixture('throttling-error.json') };
      // Three throttled attempts, then the fourth is stopped while it runs.
      current.harness.runtime.queue('registerConnector', throttled, throttled, throttled, {
        result: readFixture('registration.json'),
        delayMs: 300,
      });
      const executionArn = await startExecution(current);
      await until(() => registerCalls(current).length === 4, 'the fourth RegisterConnector attempt');
      await current.sfn.send(new StopExecutionCommand({ executionArn }));

      // RegisterConnector retries ThrottlingException 8 times: 8 more throttles leave one attempt.
      current.harness.runtime.queue('registerConnector', ...Array.from({ length: 8 }, () => throttled));
      await current.sfn.send(new RedriveExecutionCommand({ executionArn }));
      const described = await finished(current, executionArn);
      expect(described.status).toBe('SUCCEEDED');
      expect(registerCalls(current)).toHaveLength(4 + 9);
    });
  });

  describe('an execution that ended in its Fail state', () => {
    it('reenters the Fail state and fails again, running nothing before it', async () => {
      const current = await start();
      current.harness.runtime.queue('registerConnector', {
        functionError: readFixture('label-owned-error.json'),
      });
      const executionArn = await startExecution(current);
      const failed = await finished(current, executionArn);
      expect(failed).toMatchObject({
        status: 'FAILED',
        error: 'LabelOwnedByAnotherFunctionError',
        redriveCount: 0,
        redriveStatus: 'REDRIVABLE',
      });
      expect(failed.redriveStatusReason).toBeUndefined();
      expect(failed.redriveDate).toBeUndefined();
      const before = await historyOf(current, executionArn);
      const invocations = current.harness.runtime.requests.length;
      const published = current.harness.events.publishedEvents().length;

      await current.sfn.send(new RedriveExecutionCommand({ executionArn }));
      const again = await finished(current, executionArn);
      expect(again).toMatchObject({
        status: 'FAILED',
        error: failed.error,
        cause: failed.cause,
        redriveCount: 1,
        redriveStatus: 'REDRIVABLE',
      });
      expect(shape(await historyOf(current, executionArn), before.length)).toEqual([
        'ExecutionRedriven',
        'FailStateEntered(RegistrationFailed)',
        'ExecutionFailed',
      ]);
      expect(current.harness.runtime.requests).toHaveLength(invocations);
      expect(current.harness.events.publishedEvents()).toHaveLength(published);
    });
  });

  describe('eligibility', () => {
    it('refuses a SUCCEEDED execution with ExecutionNotRedrivable, as DescribeExecution announces', async () => {
      const current = await start();
      const executionArn = await startExecution(current);
      const described = await finished(current, executionArn);
      expect(described).toMatchObject({
        status: 'SUCCEEDED',
        redriveCount: 0,
        redriveStatus: 'NOT_REDRIVABLE',
        redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
      });
      await expect(current.sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({
        name: 'ExecutionNotRedrivable',
        message: 'Execution is SUCCEEDED and cannot be redriven',
        $metadata: { httpStatusCode: 400 },
      });
      expect((await historyOf(current, executionArn)).map((event) => event.type)).not.toContain(
        'ExecutionRedriven',
      );
    });

    it('refuses a RUNNING execution', async () => {
      const current = await start();
      current.harness.runtime.queue('verifyFunction', {
        result: readFixture('verified-connector.json'),
        delayMs: 200,
      });
      const executionArn = await startExecution(current);
      await expect(current.sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({
        name: 'ExecutionNotRedrivable',
        message: 'Execution is RUNNING and cannot be redriven',
      });
      await finished(current, executionArn);
    });

    it('refuses once 14 days have passed since the execution ended', async () => {
      const current = await start();
      const executionArn = await stoppedInRegisterConnector(current);
      await finished(current, executionArn);
      current.advance(14 * DAY_MS - 60_000);
      expect(await finished(current, executionArn)).toMatchObject({ redriveStatus: 'REDRIVABLE' });
      current.advance(2 * 60_000);
      expect(await finished(current, executionArn)).toMatchObject({
        redriveStatus: 'NOT_REDRIVABLE',
        redriveStatusReason: 'Execution redrivable period exceeded',
      });
      await expect(current.sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({
        name: 'ExecutionNotRedrivable',
        message: 'Execution redrivable period exceeded',
      });
    });

    it('answers ExecutionDoesNotExist for an unknown execution and InvalidArn for a malformed one', async () => {
      const current = await start();
      const executionArn = `${current.stateMachineArn.replace(':stateMachine:', ':execution:')}:never-started`;
      await expect(current.sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({
        name: 'ExecutionDoesNotExist',
      });
      await expect(
        current.sfn.send(new RedriveExecutionCommand({ executionArn: 'not-an-arn' })),
      ).rejects.toMatchObject({ name: 'InvalidArn' });
    });

    it("answers ExecutionLimitExceeded when the account's Region has its quota of open executions", async () => {
      const current = await start({ maxOpenExecutions: 1 });
      const executionArn = await stoppedInRegisterConnector(current);
      await finished(current, executionArn);
      current.harness.runtime.queue('verifyFunction', {
        result: readFixture('verified-connector.json'),
        delayMs: 300,
      });
      const running = await startExecution(current);
      await expect(current.sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({
        name: 'ExecutionLimitExceeded',
      });
      await expect(startExecution(current)).rejects.toMatchObject({ name: 'ExecutionLimitExceeded' });
      await finished(current, running);
      await current.sfn.send(new RedriveExecutionCommand({ executionArn }));
      expect((await finished(current, executionArn)).status).toBe('SUCCEEDED');
    });
  });

  describe('clientToken', () => {
    it('answers a token used in the last 15 minutes with the same redrive, without redriving again', async () => {
      const current = await start();
      const executionArn = await stoppedInRegisterConnector(current);
      current.harness.runtime.queue('registerConnector', {
        result: readFixture('registration.json'),
        delayMs: 200,
      });
      const first = await current.sfn.send(
        new RedriveExecutionCommand({ executionArn, clientToken: 'retry-1' }),
      );
      const again = await current.sfn.send(
        new RedriveExecutionCommand({ executionArn, clientToken: 'retry-1' }),
      );
      expect(again.redriveDate).toEqual(first.redriveDate);
      await expect(
        current.sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'retry-2' })),
      ).rejects.toMatchObject({ name: 'ExecutionNotRedrivable' });
      expect((await finished(current, executionArn)).redriveCount).toBe(1);

      // Past 15 minutes the token is a new request: the execution has succeeded meanwhile.
      current.advance(15 * 60_000 + 1000);
      await expect(
        current.sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'retry-1' })),
      ).rejects.toMatchObject({ name: 'ExecutionNotRedrivable' });
      await expect(
        current.sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'has space' })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('ListExecutions', () => {
    it('filters by redriveFilter and reports redriveCount and redriveDate', async () => {
      const current = await start();
      const { sfn, stateMachineArn } = current;
      const redriven = await stoppedInRegisterConnector(current);
      const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn: redriven }));
      await finished(current, redriven);
      const untouched = await startExecution(current);
      await finished(current, untouched);

      const list = async (redriveFilter?: 'REDRIVEN' | 'NOT_REDRIVEN') =>
        (await sfn.send(new ListExecutionsCommand({ stateMachineArn, redriveFilter }))).executions ?? [];
      expect(await list('REDRIVEN')).toEqual([
        expect.objectContaining({ executionArn: redriven, redriveCount: 1, redriveDate }),
      ]);
      const notRedriven = await list('NOT_REDRIVEN');
      expect(notRedriven.map((execution) => execution.executionArn)).toEqual([untouched]);
      expect(notRedriven[0]?.redriveCount).toBe(0);
      expect(notRedriven[0]?.redriveDate).toBeUndefined();
      expect((await list()).map((execution) => execution.executionArn)).toEqual([untouched, redriven]);
      await expect(
        sfn.send(
          new ListExecutionsCommand({
            stateMachineArn,
            redriveFilter: 'SOMETIMES' as 'REDRIVEN',
          }),
        ),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('an execution that timed out', () => {
    it('continues from the state that was running, its state machine timeout counting afresh', async () => {
      const current = await startWith('timeout-definition.json', 'with-timeout');
      // The first call outlasts the 2 s timeout and answers while the redriven call runs: too late to count.
      current.harness.runtime.queue(
        'verifyFunction',
        { result: readFixture('verified-connector.json'), delayMs: 3000 },
        { result: readFixture('verified-connector.json'), delayMs: 1500 },
      );
      const executionArn = await startExecution(current, INPUT, current.stateMachineArn);
      expect(await finished(current, executionArn)).toMatchObject({
        status: 'TIMED_OUT',
        redriveStatus: 'REDRIVABLE',
      });
      const before = (await historyOf(current, executionArn)).length;

      await current.sfn.send(new RedriveExecutionCommand({ executionArn }));
      const described = await finished(current, executionArn);
      expect(described).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
      // The Pass state that completed before the timeout is not run again; its result is kept.
      expect(JSON.parse(described.output ?? '{}')).toMatchObject({ prepared: { prepared: true } });
      expect(shape(await historyOf(current, executionArn), before)).toEqual([
        'ExecutionRedriven',
        'TaskStateEntered(Verify)',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionSucceeded',
        'TaskStateExited(Verify)',
        'SucceedStateEntered(Done)',
        'SucceedStateExited(Done)',
        'ExecutionSucceeded',
      ]);
    });
  });

  describe('a failure inside a Parallel state', () => {
    it('is refused with a clear error: the interpreter cannot rerun only the failed branch', async () => {
      const current = await startWith('parallel-definition.json', 'with-parallel');
      current.harness.runtime.queue('verifyFunction', {
        functionError: readFixture('invalid-function-arn-error.json'),
      });
      const executionArn = await startExecution(current, INPUT, current.stateMachineArn);
      expect(await finished(current, executionArn)).toMatchObject({
        status: 'FAILED',
        redriveStatus: 'REDRIVABLE',
      });
      await expect(current.sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringContaining(
          'cannot redrive an execution that failed inside the Parallel state Checks',
        ),
      });
    });
  });
});
