import { AppflowClient, DescribeConnectorCommand } from '@aws-sdk/client-appflow';
import { AddPermissionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../../local/stack.js';
import { readFixtureText } from './harness.js';

// The whole local stack (real bundles, AppFlow emulation, faults) on the default world, at AWS's
// timing so an execution can be stopped while RegisterConnector is still retrying.
const HUB = '111111111111';
const REGION = 'eu-west-1';
const SLOW = 180_000;

describe('RedriveExecution on the local stack', { timeout: SLOW }, () => {
  let stack: Stack;
  let sfn: SFNClient;
  let stateMachineArn: string;

  beforeAll(async () => {
    stack = await startStack({ timeScale: 1 });
    sfn = new SFNClient({ ...stack.clientConfig(HUB, REGION), maxAttempts: 1 });
    stateMachineArn = stack.hubIn(REGION).stateMachine.arn;
  }, SLOW);

  afterAll(async () => {
    sfn?.destroy();
    await stack?.stop();
  }, SLOW);

  const history = async (executionArn: string): Promise<HistoryEvent[]> =>
    (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
  const shape = (events: HistoryEvent[]) =>
    events.map((event) => {
      const name = (event.stateEnteredEventDetails ?? event.stateExitedEventDetails)?.name;
      return name === undefined ? `${event.type}` : `${event.type}(${name})`;
    });
  const finished = async (executionArn: string) => {
    await stack.states.waitForExecution(executionArn);
    return sfn.send(new DescribeExecutionCommand({ executionArn }));
  };

  it('finishes a registration stopped while AppFlow throttled it, once AppFlow answers again', async () => {
    stack.faults.update({ appflowErrors: { ThrottlingException: 1 } });
    const { executionArn = '' } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        input: readFixtureText('stack-input-healthy-connector.json'),
      }),
    );
    // Wait for RegisterConnector to have been throttled once: it is now waiting to retry.
    const deadline = Date.now() + 60_000;
    while (
      !(await history(executionArn)).some(
        (event) => event.lambdaFunctionFailedEventDetails?.error === 'ThrottlingException',
      )
    ) {
      if (Date.now() > deadline) throw new Error('RegisterConnector was never throttled');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await sfn.send(new StopExecutionCommand({ executionArn, cause: 'AppFlow is throttling; redrive later' }));
    expect((await finished(executionArn)).status).toBe('ABORTED');
    const before = (await history(executionArn)).length;

    stack.faults.update({ appflowErrors: {} });
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const described = await finished(executionArn);
    expect(described).toMatchObject({ executionArn, status: 'SUCCEEDED', redriveCount: 1 });
    expect(JSON.parse(described.output ?? '{}').registration).toMatchObject({
      connectorLabel: 'healthy-connector',
      action: 'registered',
    });
    const after = shape(await history(executionArn)).slice(before);
    expect(after.slice(0, 2)).toEqual(['ExecutionRedriven', 'TaskStateEntered(RegisterConnector)']);
    expect(after).not.toContain('TaskStateEntered(VerifyFunction)');
    expect(after.at(-1)).toBe('ExecutionSucceeded');

    const appflow = new AppflowClient(stack.clientConfig(HUB, REGION));
    try {
      const { connectorConfiguration } = await appflow.send(
        new DescribeConnectorCommand({
          connectorType: 'CustomConnector',
          connectorLabel: 'healthy-connector',
        }),
      );
      expect(connectorConfiguration?.connectorProvisioningConfig?.lambda?.lambdaArn).toBe(
        `arn:aws:lambda:${REGION}:${HUB}:function:healthy-connector`,
      );
    } finally {
      appflow.destroy();
    }
    const announced = stack.events
      .publishedEvents({ accountId: HUB, region: REGION })
      .filter(({ event }) => event['detail-type'] === 'ConnectorRegistered')
      .map(({ event }) => (event.detail as { executionArn?: string }).executionArn);
    expect(announced).toContain(executionArn);
  });

  it('fails again when the execution ended in its Fail state, even after the cause was fixed', async () => {
    const input = readFixtureText('stack-input-no-permission-connector.json');
    const { executionArn = '' } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
    const failed = await finished(executionArn);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'MissingAppFlowPermissionError' });
    const invocations = stack.states.execution(executionArn)?.lambdaInvocations;
    const before = (await history(executionArn)).length;

    // The fix the alert asks for (README, "Opting a connector in").
    const lambda = new LambdaClient(stack.clientConfig(HUB, REGION));
    try {
      await lambda.send(
        new AddPermissionCommand({
          FunctionName: `arn:aws:lambda:${REGION}:${HUB}:function:no-permission-connector`,
          StatementId: 'AppFlowConnectorInvoke',
          Action: 'lambda:InvokeFunction',
          Principal: 'appflow.amazonaws.com',
          SourceAccount: HUB,
          SourceArn: `arn:aws:appflow:${REGION}:${HUB}:*`,
        }),
      );
    } finally {
      lambda.destroy();
    }

    // Step Functions reenters the Fail state the execution ended in: VerifyFunction is not run again.
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect(await finished(executionArn)).toMatchObject({
      status: 'FAILED',
      error: 'MissingAppFlowPermissionError',
      redriveCount: 1,
    });
    expect(shape(await history(executionArn)).slice(before)).toEqual([
      'ExecutionRedriven',
      'FailStateEntered(RegistrationFailed)',
      'ExecutionFailed',
    ]);
    expect(stack.states.execution(executionArn)?.lambdaInvocations).toBe(invocations);

    // A new execution with the same input is what registers it now.
    const { executionArn: again = '' } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input }),
    );
    expect((await finished(again)).status).toBe('SUCCEEDED');
  });
});
