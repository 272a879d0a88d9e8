import { AddPermissionCommand } from '@aws-sdk/client-lambda';
import { GetExecutionHistoryCommand, ListExecutionsCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local/index.js';
import { createOperatorClients } from '../../ops/clients.js';
import { findHub } from '../../ops/hub.js';
import { connectorStatus } from '../../ops/status.js';
import { REGISTERED_PATH } from '../support/asl.js';
import { describeCustomConnector } from './support/appflow.js';
import { type CommandResult, freePort, registrar } from './support/cli.js';
import { type StackClients, startStackWithClients, stopStackWithClients } from './support/clients.js';
import { SLOW } from './support/timeouts.js';

// The operator commands as a person runs them (node bin/registrar.mjs in a child process) against
// the local stack of the default world, found as on AWS: from the hub stack's outputs.

const HUB = '111111111111';
const REGION = 'eu-west-1';
const fn = (account: string, name: string) => `arn:aws:lambda:${REGION}:${account}:function:${name}`;
const ENV = {
  AWS_ACCESS_KEY_ID: HUB,
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_REGION: REGION,
  AWS_ENDPOINT_URL: undefined,
  AWS_PROFILE: undefined,
};

describe('registrar, the operator commands, against the local stack', { timeout: SLOW }, () => {
  let stack: Stack;
  let clients: StackClients;
  const run = (...args: string[]): Promise<CommandResult> =>
    registrar([...args, '--endpoint-url', stack.endpoint], 170_000, ENV);
  const executionCount = async () =>
    (
      (
        await clients
          .sfn(HUB, REGION)
          .send(new ListExecutionsCommand({ stateMachineArn: stack.hubIn(REGION).stateMachine.arn }))
      ).executions ?? []
    ).length;

  beforeAll(async () => {
    ({ stack, clients } = await startStackWithClients({ timeScale: 0.1 }));
  }, SLOW);

  afterAll(() => stopStackWithClients(stack, clients), SLOW);

  describe('register', () => {
    it('starts the workflow for a connector, waits, prints the outcome and exits 0', async () => {
      const { code, stdout, stderr } = await run('register', fn(HUB, 'healthy-connector'));

      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(
        /^registered healthy-connector arn:aws:lambda:eu-west-1:111111111111:function:healthy-connector\n/,
      );
      expect(stdout).toMatch(/execution: arn:aws:states:eu-west-1:111111111111:execution:[^:]+:operator-/);
    });

    it('prints the error and its fix, and exits 1, when the registration fails', async () => {
      const { code, stdout } = await run('register', fn(HUB, 'no-permission-connector'));

      expect(code).toBe(1);
      expect(stdout).toContain('failed: MissingAppFlowPermissionError: AppFlow cannot invoke');
      expect(stdout).toContain('aws lambda add-permission --function-name');
    });

    it("registers a member account's connector from the hub, and that account is told", async () => {
      const { code, stdout } = await run('register', fn('222222222222', 'sales-connector'));

      expect(code).toBe(0);
      expect(stdout).toMatch(/^registered sales-connector /);
      expect(
        stack.events
          .publishedEvents({ accountId: '222222222222', region: REGION, busName: 'default' })
          .map(({ event }) => [event['detail-type'], event.account]),
      ).toContainEqual(['ConnectorRegistered', HUB]);
    });

    it('returns at once with --no-wait, printing the execution as JSON', async () => {
      const { code, stdout } = await run('register', fn(HUB, 'healthy-connector'), '--no-wait', '--json');

      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({
        executionArn: expect.stringMatching(/^arn:aws:states:eu-west-1:111111111111:execution:.+:operator-/),
      });
      await stack.idle();
    });
  });

  describe('status', () => {
    it('prints one line per connector from the inventory and exits 1 when one failed', async () => {
      const { code, stdout } = await run('status');

      expect(code).toBe(1);
      const lines = stdout.split('\n');
      expect(lines[0]).toMatch(
        /^account\s+Region\s+label\s+function\s+outcome\s+action\s+when\s+told\s+error and fix$/,
      );
      const row = (name: string) => lines.find((line) => line.includes(` ${name} `))?.split(/\s{2,}/);
      expect(row('healthy-connector')).toEqual([
        HUB,
        REGION,
        'healthy-connector',
        'healthy-connector',
        'registered',
        'registered',
        expect.stringMatching(/^\d+s ago$/),
        'yes',
      ]);
      expect(row('sales-connector')?.slice(0, 5)).toEqual([
        '222222222222',
        REGION,
        'sales-connector',
        'sales-connector',
        'registered',
      ]);
      expect(row('no-permission-connector')?.slice(0, 6)).toEqual([
        HUB,
        REGION,
        '-',
        'no-permission-connector',
        'failed',
        '-',
      ]);
      expect(stdout).toMatch(
        /no-permission-connector .*MissingAppFlowPermissionError: AppFlow cannot invoke .*aws lambda add-permission/,
      );
      expect(stdout).toContain('3 connectors, 1 failed.');
    });

    it('filters by account, label and failure, as JSON', async () => {
      const failed = JSON.parse((await run('status', '--failed', '--json')).stdout);
      const account = JSON.parse((await run('status', '--account', '222222222222', '--json')).stdout);
      const label = await run('status', '--label', 'healthy-connector', '--since', '1h', '--json');

      expect(failed.connectors.map((line: { functionName: string }) => line.functionName)).toEqual([
        'no-permission-connector',
      ]);
      expect(failed.connectors[0]).toMatchObject({
        outcome: 'failed',
        error: 'MissingAppFlowPermissionError',
        message: expect.stringContaining('aws lambda add-permission'),
        connectorAccountTold: true,
      });
      expect(account.connectors.map((line: { accountId: string }) => line.accountId)).toEqual([
        '222222222222',
      ]);
      expect(label.code).toBe(0);
      expect(JSON.parse(label.stdout).hubs).toEqual([
        { region: REGION, stackName: 'appflow-connector-registrar-dev' },
      ]);
    });

    it('reads the hub stack and one page of the inventory: no call per execution', async () => {
      expect(await executionCount()).toBeGreaterThanOrEqual(4);
      const calls: string[] = [];
      const operator = createOperatorClients({
        endpointUrl: stack.endpoint,
        credentials: stack.clientConfig(HUB, REGION).credentials,
        onCall: (service, operation) => calls.push(`${service}.${operation}`),
      });
      try {
        const hub = await findHub(operator.in(REGION).cloudformation, { stage: 'dev', region: REGION });
        const report = await connectorStatus(operator, [hub], {});
        expect(report.lines).toHaveLength(3);
        expect(calls).toEqual(['CloudFormation.DescribeStacks', 'DynamoDB.Scan']);
      } finally {
        operator.destroy();
      }
    });
  });

  describe('history', () => {
    it("prints the states of a label's latest execution and exits 0 when it succeeded", async () => {
      const { code, stdout } = await run('history', 'sales-connector');

      expect(code).toBe(0);
      const states = stdout
        .split('\n')
        .filter((line) => line.endsWith(' entered'))
        .map((line) => line.trim().split(/\s+/)[1]);
      expect(states).toEqual(REGISTERED_PATH);
      expect(stdout.trimEnd().split('\n').at(-1)).toMatch(/execution succeeded$/);
    });

    it('prints the failed attempt with its error and message, by function name, and exits 1', async () => {
      const { code, stdout } = await run('history', 'no-permission-connector');

      expect(code).toBe(1);
      expect(stdout).toMatch(
        /VerifyFunction\s+attempt 1 failed: MissingAppFlowPermissionError: AppFlow cannot invoke/,
      );
      expect(stdout).toMatch(/execution failed: MissingAppFlowPermissionError/);
    });
  });

  describe('redrive', () => {
    it('says with --dry-run that a RegistrationFailed execution would be started again, and starts nothing', async () => {
      const before = await executionCount();
      const { code, stdout } = await run('redrive', '--failed', '--since', '1h', '--dry-run');

      expect(code).toBe(0);
      expect(stdout).toMatch(
        /^would restart arn:aws:states:.*: it ended in the Fail state RegistrationFailed \(MissingAppFlowPermissionError\), which a redrive re-enters and fails again/m,
      );
      expect(await executionCount()).toBe(before);
    });

    it('starts it again once its cause is fixed, prints how it ended, and status shows it registered', async () => {
      await clients.lambda(HUB, REGION).send(
        new AddPermissionCommand({
          FunctionName: 'no-permission-connector',
          StatementId: 'AppFlowConnectorInvoke',
          Action: 'lambda:InvokeFunction',
          Principal: 'appflow.amazonaws.com',
          SourceAccount: HUB,
          SourceArn: `arn:aws:appflow:${REGION}:${HUB}:*`,
        }),
      );

      const { code, stdout } = await run('redrive', '--failed', '--since', '1h');

      expect(code).toBe(0);
      expect(stdout).toMatch(/^restarted arn:aws:states:\S+: it ended in the Fail state RegistrationFailed/m);
      expect(stdout).toMatch(/^ {2}as arn:aws:states:eu-west-1:111111111111:execution:\S+:redo-/m);
      expect(stdout).toMatch(/^ {2}ended: registered no-permission-connector /m);
      const status = JSON.parse((await run('status', '--json')).stdout);
      expect(status.failed).toBe(0);
    });

    it('leaves alone, the next time, the failed execution a later one has fixed', async () => {
      const before = await executionCount();
      const { code, stdout } = await run('redrive', '--failed', '--since', '1h');

      expect(code).toBe(0);
      expect(stdout).toMatch(/^skipped \S+: a later execution \(\S+\) recorded "registered" for it since$/m);
      expect(await executionCount()).toBe(before);
    });

    it('redrives a stopped execution with RedriveExecution: the same ARN continues where it stopped', async () => {
      const sfn = clients.sfn(HUB, REGION);
      stack.faults.update({ appflowErrors: { ThrottlingException: 1 } });
      const started = await run('register', fn(HUB, 'updated-connector'), '--no-wait', '--json');
      const { executionArn } = JSON.parse(started.stdout) as { executionArn: string };
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
        if (events.some((event) => event.lambdaFunctionFailedEventDetails?.error === 'ThrottlingException'))
          break;
        if (Date.now() > deadline) throw new Error('RegisterConnector was never throttled');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await sfn.send(new StopExecutionCommand({ executionArn, cause: 'AppFlow throttles; redrive later' }));
      await stack.states.waitForExecution(executionArn);
      stack.faults.update({ appflowErrors: {} });

      const { code, stdout } = await run('redrive', executionArn);

      expect(code).toBe(0);
      expect(stdout).toContain(
        `redrove ${executionArn}: it was stopped in RegisterConnector: RedriveExecution continues from that state`,
      );
      expect(stdout).toMatch(/^ {2}ended: (updated|unchanged) updated-connector /m);
      expect(stack.states.execution(executionArn)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    });
  });

  describe('unregister', () => {
    const registered = (account: string, label: string) =>
      describeCustomConnector(clients.appflow(account, REGION), label);

    it('unregisters what the registrar registered for a function that is gone, prints why and exits 0', async () => {
      const { code, stdout, stderr } = await run('unregister', fn(HUB, 'retired-connector'));

      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(
        /^unregistered retired-connector \(deleted\) arn:aws:lambda:eu-west-1:111111111111:function:retired-connector\n/,
      );
      expect(stdout).toMatch(
        /execution: arn:aws:states:eu-west-1:111111111111:execution:appflow-connector-registrar-dev-unregister-connector:operator-/,
      );
      expect(await registered(HUB, 'retired-connector')).toBeUndefined();
    });

    it('leaves a function that still carries its label registered: skipped, saying why, exit 0', async () => {
      const { code, stdout } = await run('unregister', fn(HUB, 'healthy-connector'));

      expect(code).toBe(0);
      expect(stdout).toMatch(
        /^skipped arn:aws:lambda:eu-west-1:111111111111:function:healthy-connector \(.*carries appflow:connector-label "healthy-connector"/,
      );
      expect(await registered(HUB, 'healthy-connector')).toBeDefined();
    });

    it("prints the error and its fix, and exits 1, when a profile and a flow still use the member account's label", async () => {
      const { code, stdout } = await run('unregister', fn('222222222222', 'shared-connector'), '--json');

      expect(code).toBe(1);
      const outcome = JSON.parse(stdout);
      expect(outcome).toMatchObject({ outcome: 'failed', error: 'ConnectorInUseError', unregistered: [] });
      expect(outcome.message).toContain('shared-profile');
      expect(await registered('222222222222', 'shared-connector')).toBeDefined();
    });

    it('returns at once with --no-wait, printing the execution of the unregistration workflow', async () => {
      const { code, stdout } = await run(
        'unregister',
        fn('333333333333', 'offboarded-connector'),
        '--no-wait',
      );

      expect(code).toBe(0);
      expect(stdout.trim()).toMatch(
        /^started arn:aws:states:eu-west-1:111111111111:execution:appflow-connector-registrar-dev-unregister-connector:operator-/,
      );
      await stack.idle();
      expect(await registered('333333333333', 'offboarded-connector')).toBeUndefined();
    });
  });

  describe('sweep', () => {
    it('classifies an account in a dry run, prints the report and exits 0', async () => {
      const { code, stdout, stderr } = await run('sweep', '--account', '333333333333', '--dry-run');

      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(
        /^swept 333333333333\/eu-west-1 \(dry run\): current 0 · missing 1 · stale 0 · orphaned 0 · foreign 0\n {2}missing: finance-connector\n {2}started: nothing \(dry run\)\n/,
      );
      expect(stdout).toMatch(
        /execution: arn:aws:states:eu-west-1:111111111111:execution:[^:]+:operator-sweep-/,
      );
    });

    it('exits 1 with the error and its fix when the account cannot be swept', async () => {
      const { code, stdout } = await run('sweep', '--account', '999999999999', '--json');

      expect(code).toBe(1);
      expect(JSON.parse(stdout)).toEqual([
        expect.objectContaining({
          accountId: '999999999999',
          outcome: 'failed',
          error: 'SpokeRoleAccessDeniedError',
        }),
      ]);
    });
  });

  describe('usage and access errors', () => {
    it.each([
      [
        'a stage with no hub',
        ['status', '--stage', 'prod'],
        /^registrar: no hub stack appflow-connector-registrar-prod in eu-west-1: pass the --stage and --region it was deployed with/,
      ],
      [
        'a malformed function ARN',
        ['register', 'healthy-connector'],
        /^registrar: "healthy-connector" is not a Lambda function ARN/,
      ],
      [
        'a qualified function ARN to unregister',
        ['unregister', `${fn(HUB, 'healthy-connector')}:1`],
        /^registrar: .*healthy-connector:1 is qualified \(1\); connectors are registered by their unqualified ARN/,
      ],
      [
        'redrive with nothing to redrive',
        ['redrive'],
        /^registrar: name the executions to redrive, or pass --failed/,
      ],
      [
        'a malformed account',
        ['sweep', '--account', '12'],
        /^registrar: --account 12 is not a 12-digit AWS account ID/,
      ],
      [
        'an unknown option',
        ['status', '--bogus'],
        /^registrar: unknown option '--bogus' \(--help shows usage and examples\)$/,
      ],
    ])('exits 2 on %s, with one line on stderr that says what to do', async (_, args, line) => {
      const { code, stdout, stderr } = await run(...args);

      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(line)]);
    });

    it('exits 2 when nothing answers at the endpoint, naming registrar serve', async () => {
      const port = await freePort();
      const { code, stderr } = await registrar(
        ['status', '--endpoint-url', `http://127.0.0.1:${port}`],
        170_000,
        ENV,
      );

      expect(code).toBe(2);
      expect(stderr).toMatch(
        new RegExp(
          `^registrar: nothing answered DescribeStacks in eu-west-1 at http://127.0.0.1:${port}: start \`registrar serve\` first`,
        ),
      );
    });
  });
});
