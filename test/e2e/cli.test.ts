import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  AppflowClient,
  ConnectorType,
  DescribeConnectorCommand,
  ListConnectorsCommand,
  RegisterConnectorCommand,
  UnregisterConnectorCommand,
} from '@aws-sdk/client-appflow';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadSample, toPutEventsEntry } from '../../local/index.js';
import {
  aws,
  type CommandResult,
  findAwsCliV2,
  freePort,
  isListening,
  registrar,
  type Served,
  serve,
} from './support/cli.js';
import { fixtureSample, productSample } from './support/paths.js';
import { SLOW } from './support/timeouts.js';

// The command-line tool as a user runs it: `node bin/registrar.mjs …` in child processes. Each
// `registrar run` and `--help` starts in beforeAll and runs in the background while `registrar serve`
// is exercised (a run is a stack of its own: side by side they take the time of one); each test then
// reads what its command printed.

const MATCHING = [
  productSample('cloudtrail-update-function-code.registered.json'),
  productSample('cloudtrail-update-function-code.untagged-function.skipped.json'),
  productSample('pipeline-connector-deployed.missing-function.failed.json'),
];
const HELP = {
  'registrar --help': {
    command: [],
    mentions: [
      'status [options]',
      'history [options] <execution-arn|label>',
      'redrive [options] [execution-arns...]',
      'register [options] <function-arn>',
      'run [options] [event-files...]',
      'serve [options]',
      'Exit codes: 0 all good, 1 failures found, 2 usage or access error.',
    ],
  },
  'registrar status --help': {
    command: ['status'],
    mentions: [
      '--account <id>',
      '--label <label>',
      '--since <duration|date>',
      '--failed',
      '--profile <name>',
      '--region <region>',
      '--stage <stage>',
      '--endpoint-url <url>',
      '--json',
      'Examples:',
      'Exit codes:',
    ],
  },
  'registrar history --help': {
    command: ['history'],
    mentions: ['<execution-arn|label>', '--account <id>', 'Examples:', 'Exit codes:'],
  },
  'registrar redrive --help': {
    command: ['redrive'],
    mentions: [
      '--failed',
      '--since <duration|date>',
      '--dry-run',
      '--no-wait',
      'RegistrationFailed',
      'RedriveExecution',
      'Examples:',
      'Exit codes:',
    ],
  },
  'registrar register --help': {
    command: ['register'],
    mentions: ['<function-arn>', '--no-wait', 'Examples:', 'Exit codes:'],
  },
  'registrar sweep --help': {
    command: ['sweep'],
    mentions: ['--account <account-id>', '--dry-run', '--no-wait', 'Examples:', 'Exit codes:'],
  },
  'registrar run --help': {
    command: ['run'],
    mentions: [
      '--json',
      '--time-scale <x>',
      '--world <file>',
      '--appflow-rate <n>',
      '--param <name=value>',
      'Examples:',
      'Exit codes:',
    ],
  },
  'registrar serve --help': {
    command: ['serve'],
    mentions: [
      '--port <n>',
      '--data <dir>',
      '--time-scale <x>',
      '--world <file>',
      '--quiet',
      'Examples:',
      'Exit codes:',
    ],
  },
} as const;
type HelpName = keyof typeof HELP;

const stem = (file: string) => basename(file, '.json');
const connectorArnOf = (label: string) => `arn:aws:appflow:eu-west-1:111111111111:connector/${label}`;
const functionArnOf = (name: string) => `arn:aws:lambda:eu-west-1:111111111111:function:${name}`;

/** A report line of `registrar run`: the cells of the row of one sample. */
function rowOf(stdout: string, file: string): string[] {
  const line = stdout.split('\n').find((candidate) => candidate.split(/\s{2,}/).includes(stem(file)));
  return line ? line.trim().split(/\s{2,}/) : [];
}

/** Lets a command run unawaited until a test reads it, without an unhandled rejection meanwhile. */
function inBackground(command: Promise<CommandResult>): Promise<CommandResult> {
  command.catch(() => undefined);
  return command;
}

describe('registrar, the command-line tool', { timeout: SLOW }, () => {
  let scratch: string;
  let mismatched: string;
  let table: Promise<CommandResult>;
  let json: Promise<CommandResult>;
  let badWorld: Promise<CommandResult>;
  let badWorldDebug: Promise<CommandResult>;
  let helps: Record<HelpName, Promise<CommandResult>>;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'registrar-e2e-'));
    // A copy of a registering sample that declares another outcome than the workflow reaches.
    const sample = JSON.parse(
      await readFile(productSample('pipeline-connector-deployed.registered.json'), 'utf8'),
    );
    sample.expect.outcome = 'skipped';
    mismatched = join(scratch, 'pipeline-connector-deployed.declared-skipped.json');
    await writeFile(mismatched, JSON.stringify(sample, null, 2));

    table = inBackground(registrar(['run', ...MATCHING]));
    badWorld = inBackground(registrar(['run', '--world', join(scratch, 'no-such-world.json')]));
    badWorldDebug = inBackground(
      registrar(['run', '--world', join(scratch, 'no-such-world.json'), '--debug']),
    );
    json = inBackground(registrar(['run', '--json', MATCHING[2] as string, mismatched]));
    helps = Object.fromEntries(
      Object.entries(HELP).map(([name, { command }]) => [
        name,
        inBackground(registrar([...command, '--help'])),
      ]),
    ) as Record<HelpName, Promise<CommandResult>>;
  }, SLOW);

  afterAll(async () => {
    await Promise.allSettled([table, json, badWorld, badWorldDebug, ...Object.values(helps ?? {})]);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }, SLOW);

  describe('registrar serve', () => {
    let port: number;
    let served: Served;

    beforeAll(async () => {
      port = await freePort();
      served = await serve(['--port', String(port), '--time-scale', '0.01']);
    }, SLOW);

    afterAll(async () => {
      if (served && served.child.exitCode === null && served.child.signalCode === null) {
        served.child.kill('SIGKILL');
        await served.exited;
      }
    }, SLOW);

    it('prints its endpoint and the environment that points the AWS CLI or an SDK at it', () => {
      expect(served.endpoint).toBe(`http://127.0.0.1:${port}`);
      expect(served.env).toEqual({
        AWS_ENDPOINT_URL: served.endpoint,
        AWS_ACCESS_KEY_ID: '111111111111',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'eu-west-1',
      });
      expect(served.hubBusArn).toBe(
        'arn:aws:events:eu-west-1:111111111111:event-bus/appflow-connector-registrar-dev',
      );
      expect(served.stateMachineArn).toBe(
        'arn:aws:states:eu-west-1:111111111111:stateMachine:appflow-connector-registrar-dev-register-connector',
      );
    });

    it('serves the SDK: registers, describes and lists a connector, and runs a put event to a successful execution', async () => {
      const config = {
        endpoint: served.env.AWS_ENDPOINT_URL,
        region: served.env.AWS_REGION,
        credentials: {
          accessKeyId: served.env.AWS_ACCESS_KEY_ID as string,
          secretAccessKey: served.env.AWS_SECRET_ACCESS_KEY as string,
        },
      };
      const appflow = new AppflowClient(config);
      const events = new EventBridgeClient(config);
      const sfn = new SFNClient(config);
      try {
        const { connectorArn } = await appflow.send(
          new RegisterConnectorCommand({
            connectorLabel: 'healthy-connector',
            description: 'Sample connector that answers the custom connector protocol',
            connectorProvisioningType: 'LAMBDA',
            connectorProvisioningConfig: { lambda: { lambdaArn: functionArnOf('healthy-connector') } },
          }),
        );
        expect(connectorArn).toBe(connectorArnOf('healthy-connector'));
        const { connectorConfiguration } = await appflow.send(
          new DescribeConnectorCommand({
            connectorType: ConnectorType.CUSTOMCONNECTOR,
            connectorLabel: 'healthy-connector',
          }),
        );
        expect(connectorConfiguration).toMatchObject({
          connectorArn,
          connectorName: 'SampleContacts',
          connectorProvisioningConfig: { lambda: { lambdaArn: functionArnOf('healthy-connector') } },
        });
        const { connectors = [] } = await appflow.send(new ListConnectorsCommand({}));
        expect(connectors.map((connector) => connector.connectorLabel)).toContain('healthy-connector');

        const sample = await loadSample(productSample('pipeline-connector-deployed.registered.json'));
        const { Entries = [] } = await events.send(
          new PutEventsCommand({ Entries: [toPutEventsEntry(sample)] }),
        );
        const execution = await finishedExecutionOf(sfn, served.stateMachineArn, Entries[0]?.EventId);

        expect(execution.status).toBe('SUCCEEDED');
        // Registered by hand a moment ago, same function and description: the workflow leaves it alone.
        expect(JSON.parse(execution.output ?? '{}').registration).toMatchObject({
          action: 'unchanged',
          connectorArn,
        });

        await appflow.send(new UnregisterConnectorCommand({ connectorLabel: 'healthy-connector' }));
      } finally {
        appflow.destroy();
        events.destroy();
        sfn.destroy();
      }
    });

    it('serves the AWS CLI v2 with the environment it printed: register, describe, list, put-events, executions', async (context) => {
      const cli = await findAwsCliV2();
      if (!cli.found) {
        const why = `no AWS CLI v2 found (${cli.why}); install it to run this test (apt-get install awscli)`;
        // CI installs the CLI and sets REGISTRAR_REQUIRE_AWS_CLI=1: there, a missing CLI is a failure.
        if (process.env.REGISTRAR_REQUIRE_AWS_CLI === '1')
          throw new Error(`REGISTRAR_REQUIRE_AWS_CLI=1, but ${why}.`);
        console.warn(`Skipped: ${why}.`);
        return context.skip(why);
      }
      // The endpoint goes on the command line too: the CLI before 2.13 ignores AWS_ENDPOINT_URL (serve says so).
      const call = (args: string[]) =>
        aws(cli.path, [...args, '--endpoint-url', served.endpoint], served.env);

      const registered = await call([
        'appflow',
        'register-connector',
        '--connector-label',
        'healthy-connector',
        '--connector-provisioning-type',
        'LAMBDA',
        '--connector-provisioning-config',
        JSON.stringify({ lambda: { lambdaArn: functionArnOf('healthy-connector') } }),
      ]);
      expect(registered).toEqual({ connectorArn: connectorArnOf('healthy-connector') });
      const [described, listed] = await Promise.all([
        call([
          'appflow',
          'describe-connector',
          '--connector-type',
          'CustomConnector',
          '--connector-label',
          'healthy-connector',
        ]),
        call(['appflow', 'list-connectors']),
      ]);
      expect(described.connectorConfiguration).toMatchObject({
        connectorArn: connectorArnOf('healthy-connector'),
        connectorProvisioningConfig: { lambda: { lambdaArn: functionArnOf('healthy-connector') } },
      });
      const { connectors } = listed as { connectors: { connectorLabel: string }[] };
      expect(connectors.map((connector) => connector.connectorLabel)).toContain('healthy-connector');

      const sample = await loadSample(
        fixtureSample('cli/pipeline-connector-deployed.updated-connector.updated.json'),
      );
      const entry = { ...toPutEventsEntry(sample), EventBusName: served.hubBusArn };
      const put = (await call(['events', 'put-events', '--entries', JSON.stringify([entry])])) as {
        FailedEntryCount: number;
        Entries: { EventId: string }[];
      };
      expect(put.FailedEntryCount).toBe(0);
      // Waiting is the SDK's job (cheap to poll); what the execution became is read with the CLI.
      const sfn = new SFNClient({
        endpoint: served.endpoint,
        region: served.env.AWS_REGION,
        credentials: { accessKeyId: served.env.AWS_ACCESS_KEY_ID as string, secretAccessKey: 'local' },
      });
      const { executionArn } = await finishedExecutionOf(
        sfn,
        served.stateMachineArn,
        put.Entries[0]?.EventId,
      ).finally(() => sfn.destroy());

      const [executions, execution] = await Promise.all([
        call(['stepfunctions', 'list-executions', '--state-machine-arn', served.stateMachineArn]),
        call(['stepfunctions', 'describe-execution', '--execution-arn', executionArn as string]),
      ]);
      expect(
        (executions as { executions: { executionArn: string; status: string }[] }).executions,
      ).toContainEqual(expect.objectContaining({ executionArn, status: 'SUCCEEDED' }));
      expect(execution.status).toBe('SUCCEEDED');
      expect(JSON.parse(execution.output as string).registration).toMatchObject({
        action: 'updated',
        connectorArn: connectorArnOf('updated-connector'),
      });
    });

    it('prints one line per execution as it ends and per event the registrar publishes', async () => {
      // The SDK and AWS CLI tests above each put an event that registered a connector.
      await vi.waitFor(
        () => {
          expect(served.stdout()).toMatch(
            /^execution {2}registration {2}111111111111\/eu-west-1 {2}healthy-connector {2}unchanged {2}arn:aws:states:eu-west-1:111111111111:execution:\S+$/m,
          );
          expect(served.stdout()).toMatch(
            /^event {6}ConnectorRegistered +111111111111\/eu-west-1 {2}unchanged arn:aws:appflow:eu-west-1:111111111111:connector\/healthy-connector {2}\(on arn:aws:events:eu-west-1:111111111111:event-bus\/appflow-connector-registrar-dev\)$/m,
          );
          // And the same event on the default bus of the connector's own account.
          expect(served.stdout()).toMatch(
            /^event {6}ConnectorRegistered +.*\(on arn:aws:events:eu-west-1:111111111111:event-bus\/default\)$/m,
          );
        },
        { timeout: 10_000, interval: 200 },
      );
    });

    it('stops cleanly on SIGTERM: exit code 0 and the port closed', async () => {
      expect(await isListening(port)).toBe(true);

      served.child.kill('SIGTERM');

      expect(await served.exited).toEqual({ code: 0, signal: null });
      expect(served.stderr()).toContain('SIGTERM: stopping');
      expect(await isListening(port)).toBe(false);
    });
  });

  describe('registrar run', () => {
    it('prints the table and exits 0 when every sample ends as it declares', async () => {
      const { code, stdout, stderr } = await table;

      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(
        /^\s+event\s+account\/Region\s+connector label\s+outcome\s+action\s+attempts\s+ms$/m,
      );
      expect(rowOf(stdout, MATCHING[0] as string)).toEqual([
        'ok',
        stem(MATCHING[0] as string),
        '111111111111/eu-west-1',
        'healthy-connector',
        'registered',
        'registered',
        '1',
        expect.stringMatching(/^\d+$/),
      ]);
      expect(rowOf(stdout, MATCHING[1] as string).slice(0, 5)).toEqual([
        'ok',
        stem(MATCHING[1] as string),
        '111111111111/eu-west-1',
        '-',
        'skipped',
      ]);
      expect(rowOf(stdout, MATCHING[2] as string)[4]).toBe('failed (FunctionNotFoundError)');
      expect(stdout).toContain('3 of 3 events ended as their samples expect.');
      expect(stdout).toMatch(
        /Events the workflow published \(2; 1 sent to the alert topic; 2 also delivered to the connector's own account\)/,
      );
      // run stops its stack: it says how to keep one up and which status command to run against it.
      expect(stdout.trimEnd().split('\n').slice(-3)).toEqual([
        'that stays up, export the environment it prints, and ask it in another shell:',
        '  npx registrar serve --port 4566',
        '  npx registrar status --endpoint-url http://127.0.0.1:4566',
      ]);
    });

    it('exits 1 when a sample ends otherwise than it declares, and prints the report as JSON with --json', async () => {
      const { code, stdout } = await json;

      expect(code).toBe(1);
      const report = JSON.parse(stdout) as {
        ok: boolean;
        alerts: number;
        results: { file: string; matches: boolean; actual: Record<string, unknown> }[];
        published: unknown[];
      };
      expect(report.ok).toBe(false);
      expect(report.alerts).toBe(1);
      expect(report.published).toHaveLength(2);
      expect(report.results).toEqual([
        expect.objectContaining({
          file: basename(MATCHING[2] as string),
          matches: true,
          actual: expect.objectContaining({
            outcome: 'failed',
            error: 'FunctionNotFoundError',
            executionArns: [expect.stringMatching(/^arn:aws:states:eu-west-1:111111111111:execution:/)],
          }),
        }),
        expect.objectContaining({
          file: basename(mismatched),
          matches: false,
          actual: expect.objectContaining({ outcome: 'registered', connectorLabel: 'healthy-connector' }),
        }),
      ]);
    });
  });

  describe('a command that fails', () => {
    it('says so in one line on stderr, without a stack trace, and exits 2', async () => {
      const { code, stdout, stderr } = await badWorld;

      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(
          /^registrar: invalid world file \S+no-such-world\.json: cannot be read: ENOENT.* \(--debug shows where\)$/,
        ),
      ]);
    });

    it('shows the stack trace with --debug', async () => {
      const { code, stderr } = await badWorldDebug;

      expect(code).toBe(2);
      expect(stderr).toMatch(/^WorldFileError: Invalid world file /);
      expect(stderr).toMatch(/\n {4}at loadWorld \(/);
    });
  });

  describe('--help', () => {
    it.each(Object.keys(HELP) as HelpName[])('prints the help of %s and exits 0', async (name) => {
      const { code, stdout } = await helps[name];

      expect(code).toBe(0);
      const { command, mentions } = HELP[name];
      expect(stdout).toMatch(new RegExp(`^Usage: registrar${command.length > 0 ? ` ${command[0]}` : ''} `));
      for (const mention of mentions) expect(stdout).toContain(mention);
    });
  });
});

/** Polls Step Functions (SDK) until the execution the event started has ended, and describes it. */
async function finishedExecutionOf(
  sfn: SFNClient,
  stateMachineArn: string,
  eventId: string | undefined,
): Promise<DescribeExecutionCommandOutput> {
  expect(eventId).toBeDefined();
  return vi.waitFor(
    async () => {
      const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
      for (const listed of executions) {
        const described = await sfn.send(new DescribeExecutionCommand({ executionArn: listed.executionArn }));
        if (JSON.parse(described.input ?? '{}').trigger?.eventId !== eventId) continue;
        if (described.status === 'RUNNING') throw new Error(`${listed.executionArn} is still running`);
        return described;
      }
      throw new Error(`no execution started for event ${eventId} yet`);
    },
    { timeout: 120_000, interval: 100 },
  );
}
