import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsServer, startAwsServer } from '../../../local/http/server.js';
import { LocalIdentityRegistry } from '../../../local/identity.js';
import { HUB, readFixture, readFixtureText, type StatesHarness, startStates } from './harness.js';

const INPUT = readFixtureText('workflow-input.json');

describe('StatesService API', () => {
  let harness: StatesHarness;
  let server: AwsServer;
  let sfn: SFNClient;
  let stateMachineArn: string;

  beforeAll(async () => {
    harness = await startStates();
    stateMachineArn = harness.hub.stateMachine.arn;
    server = await startAwsServer({
      services: [harness.states],
      identity: new LocalIdentityRegistry(HUB),
      port: 0,
    });
    sfn = new SFNClient({
      region: 'eu-west-1',
      endpoint: server.endpoint,
      credentials: { accessKeyId: HUB, secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    sfn.destroy();
    await server.close();
    await harness.close();
  });

  const start = (input: Record<string, unknown> = {}) =>
    sfn.send(new StartExecutionCommand({ stateMachineArn, input: INPUT, ...input }));
  const finished = async (executionArn: string | undefined) => {
    await harness.states.waitForExecution(executionArn ?? '');
    return sfn.send(new DescribeExecutionCommand({ executionArn }));
  };

  describe('StartExecution', () => {
    it('starts an execution named with a UUID when no name is given', async () => {
      const started = await start();
      expect(started.executionArn).toMatch(
        /^arn:aws:states:eu-west-1:111111111111:execution:[^:]+-register-connector:[0-9a-f-]{36}$/,
      );
      expect(started.startDate).toBeInstanceOf(Date);
      expect((await finished(started.executionArn)).status).toBe('SUCCEEDED');
    });

    it('answers StateMachineDoesNotExist for an unknown state machine', async () => {
      await expect(
        sfn.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}-missing`, input: '{}' })),
      ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    });

    it('answers InvalidExecutionInput for input that is not JSON', async () => {
      await expect(start({ input: '{"accountId":' })).rejects.toMatchObject({
        name: 'InvalidExecutionInput',
      });
    });

    it('answers InvalidName for a name with characters Step Functions refuses', async () => {
      await expect(start({ name: 'has space' })).rejects.toMatchObject({ name: 'InvalidName' });
    });

    it('returns the same execution for the same name and input while it runs, and refuses other input', async () => {
      harness.runtime.queue('verifyFunction', {
        result: readFixture('verified-connector.json'),
        delayMs: 150,
      });
      const first = await start({ name: 'idempotent-start' });
      const again = await start({ name: 'idempotent-start' });
      expect(again.executionArn).toBe(first.executionArn);
      expect(again.startDate).toEqual(first.startDate);
      await expect(start({ name: 'idempotent-start', input: '{}' })).rejects.toMatchObject({
        name: 'ExecutionAlreadyExists',
      });
      await finished(first.executionArn);
      await expect(start({ name: 'idempotent-start' })).rejects.toMatchObject({
        name: 'ExecutionAlreadyExists',
      });
    });
  });

  describe('DescribeExecution', () => {
    it('reports input, output and dates of a finished execution', async () => {
      const { executionArn } = await start();
      const described = await finished(executionArn);
      expect(described).toMatchObject({ executionArn, stateMachineArn, status: 'SUCCEEDED', input: INPUT });
      expect(JSON.parse(described.output ?? '{}').function).toEqual(readFixture('verified-connector.json'));
      expect(described.stopDate?.getTime()).toBeGreaterThanOrEqual(described.startDate?.getTime() ?? 0);
    });

    it('reports the error and cause of a failed execution', async () => {
      harness.runtime.queue('registerConnector', { functionError: readFixture('label-owned-error.json') });
      const described = await finished((await start()).executionArn);
      expect(described).toMatchObject({
        status: 'FAILED',
        error: 'LabelOwnedByAnotherFunctionError',
        cause: readFixtureText('label-owned-error.json'),
      });
    });

    it('answers ExecutionDoesNotExist for an unknown execution', async () => {
      const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:never-started`;
      await expect(sfn.send(new DescribeExecutionCommand({ executionArn }))).rejects.toMatchObject({
        name: 'ExecutionDoesNotExist',
      });
    });
  });

  describe('ListExecutions', () => {
    it('filters by status and pages newest first', async () => {
      harness.runtime.queue('registerConnector', { functionError: readFixture('label-owned-error.json') });
      await finished((await start()).executionArn);
      const failed = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'FAILED' }));
      expect(failed.executions?.length).toBeGreaterThan(0);
      expect(failed.executions?.every((execution) => execution.status === 'FAILED')).toBe(true);

      const all = harness.states.executions({ stateMachineArn });
      const page1 = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 2 }));
      const page2 = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn, maxResults: 2, nextToken: page1.nextToken }),
      );
      expect(
        [...(page1.executions ?? []), ...(page2.executions ?? [])].map((execution) => execution.executionArn),
      ).toEqual(all.slice(0, 4).map((record) => record.executionArn));
    });

    it('answers InvalidToken for a token of another list', async () => {
      await expect(
        sfn.send(new ListExecutionsCommand({ stateMachineArn, nextToken: 'bm90LWEtdG9rZW4' })),
      ).rejects.toMatchObject({ name: 'InvalidToken' });
    });
  });

  describe('GetExecutionHistory', () => {
    it('pages the events, in reverse on request, without data when asked', async () => {
      const { executionArn } = await start();
      await finished(executionArn);
      const first = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 3 }));
      expect(first.events?.map((event) => event.type)).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'LambdaFunctionScheduled',
      ]);
      expect(first.events?.[0]?.executionStartedEventDetails).toMatchObject({
        input: INPUT,
        roleArn: harness.hub.stateMachine.roleArn,
      });
      expect(first.events?.[0]?.timestamp).toBeInstanceOf(Date);
      expect(first.events?.map((event) => [event.id, event.previousEventId])).toEqual([
        [1, 0],
        [2, 0],
        [3, 2],
      ]);
      const second = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 3, nextToken: first.nextToken }),
      );
      expect(second.events?.[0]?.id).toBe(4);
      expect(second.events?.[0]?.previousEventId).toBe(3);

      const reversed = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }),
      );
      expect(reversed.events?.[0]?.type).toBe('ExecutionSucceeded');

      const bare = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }),
      );
      expect(bare.events?.[1]?.stateEnteredEventDetails).toEqual({
        name: 'VerifyFunction',
        inputDetails: { truncated: false },
      });
    });
  });

  describe('StopExecution', () => {
    it('aborts a running execution with the given error and cause', async () => {
      harness.runtime.queue('verifyFunction', {
        result: readFixture('verified-connector.json'),
        delayMs: 300,
      });
      const { executionArn } = await start();
      const stopped = await sfn.send(
        new StopExecutionCommand({ executionArn, error: 'Operator.Stop', cause: 'Testing a stop' }),
      );
      expect(stopped.stopDate).toBeInstanceOf(Date);
      const described = await finished(executionArn);
      expect(described).toMatchObject({ status: 'ABORTED', error: 'Operator.Stop', cause: 'Testing a stop' });
      const history = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }),
      );
      expect(history.events?.[0]).toMatchObject({
        type: 'ExecutionAborted',
        executionAbortedEventDetails: { error: 'Operator.Stop', cause: 'Testing a stop' },
      });
    });
  });

  describe('DescribeStateMachine', () => {
    it('answers the definition with the substitutions applied', async () => {
      const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
      expect(described).toMatchObject({
        name: harness.hub.stateMachine.name,
        type: 'STANDARD',
        status: 'ACTIVE',
      });
      expect(JSON.parse(described.definition ?? '{}').States.VerifyFunction.Resource).toBe(
        harness.hub.functions.find((fn) => fn.logicalId === 'VerifyFunctionLambdaFunction')?.arn,
      );
    });
  });
});
