/**
 * `registrar status` at scale: 10,000 executions' outcomes across 500 accounts, then the wall time of
 * status and the AWS calls it makes, by operation. Target: under 5 s on the local stack, and no call
 * per execution (status reads the inventory, one item per connector, never the executions).
 *
 * The inventory is written the way the outcome recorder writes it: a sample of registrations runs
 * through the real path (deploy signal, rule, state machine, the outcome event, RecordOutcome's rule and
 * handler bundle); the bulk is written
 * with the same functions RecordOutcome runs (inventoryItemOf, writeInventoryItem), since running
 * 10,000 executions through the emulation on two shared cores would take most of an hour.
 *
 *   node --import tsx bench/status.ts [--accounts 500] [--outcomes 10000]
 */
import './lib/quiet-sdk.js';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RecordInput } from '../functions/record-outcome/input.js';
import { inventoryItemOf, writeInventoryItem } from '../functions/record-outcome/record.js';
import { type Stack, startStack } from '../local/index.js';
import { createOperatorClients } from '../ops/clients.js';
import { findHub } from '../ops/hub.js';
import { readInventory } from '../ops/inventory.js';
import { connectorStatus } from '../ops/status.js';
import { numberArg } from './lib/args.js';
import { loadLine, machineLine } from './lib/machine.js';
import { sendDeploySignals } from './lib/signals.js';
import { median } from './lib/stats.js';
import { printTable } from './lib/table.js';
import {
  connectorFunction,
  HUB_ACCOUNT_ID,
  ORGANIZATION_ID,
  spokeAccountId,
  writeWorld,
} from './lib/world.js';

const REGIONS = ['eu-west-1', 'us-east-1'];
const accounts = numberArg('accounts', 500);
const outcomes = numberArg('outcomes', 10_000);
/** Member accounts whose connectors go through the real workflow, and their connectors each. */
const SAMPLE_ACCOUNTS = 5;
const SAMPLE_CONNECTORS = 4;
const SAMPLE_SIGNALS_EACH = 2;
const RUNS = 3;
const WRITERS = 16;
const TARGET_MS = 5000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const progress = (message: string) => process.stderr.write(`status: ${message}\n`);

const outcomeRoles = REGIONS.map(
  (region) => `arn:aws:iam::${HUB_ACCOUNT_ID}:role/appflow-connector-registrar-dev-${region}-outcomes`,
).join(',');

/** The message a failure carries in the bulk: as long as the add-permission fix the real ones name. */
const FIX = (accountId: string, name: string, region: string) =>
  `AppFlow cannot invoke arn:aws:lambda:${region}:${accountId}:function:${name}: it has no resource policy. Allow AppFlow of account ${accountId}, and only it, to invoke it: aws lambda add-permission --function-name arn:aws:lambda:${region}:${accountId}:function:${name} --statement-id AppFlowConnectorInvoke --action lambda:InvokeFunction --principal appflow.amazonaws.com --source-account ${accountId} --source-arn 'arn:aws:appflow:${region}:${accountId}:*' --region ${region}`;

/** The inventory items of the sample's accounts, written by RecordOutcome from the workflow's events. */
async function sampleConnectorsRecorded(stack: Stack, accountIds: readonly string[]): Promise<number> {
  const clients = createOperatorClients({
    endpointUrl: stack.endpoint,
    credentials: stack.clientConfig(HUB_ACCOUNT_ID, 'eu-west-1').credentials,
  });
  try {
    const hub = await findHub(clients.in('eu-west-1').cloudformation, { stage: 'dev', region: 'eu-west-1' });
    const lists = await Promise.all(
      accountIds.map((accountId) => readInventory(clients.in('eu-west-1').dynamodb, hub, { accountId })),
    );
    return lists.flat().length;
  } finally {
    clients.destroy();
  }
}

/** One bulk outcome, as RecordOutcome reads it from an event and its execution. */
function bulkInput(n: number, connector: number, failed: boolean, startedAt: Date): RecordInput {
  const accountId = spokeAccountId(1 + (connector % accounts));
  const region = REGIONS[connector % REGIONS.length] as string;
  const name = `bulk-connector-${connector}`;
  const lambdaArn = `arn:aws:lambda:${region}:${accountId}:function:${name}`;
  const executionArn = `arn:aws:states:${region}:${HUB_ACCOUNT_ID}:execution:appflow-connector-registrar-dev-register-connector:bulk-${n}`;
  return failed
    ? {
        detailType: 'ConnectorRegistrationFailed',
        detail: {
          accountId,
          region,
          executionArn,
          connectorLabel: null,
          lambdaArn: null,
          error: 'MissingAppFlowPermissionError',
          cause: JSON.stringify({
            errorType: 'MissingAppFlowPermissionError',
            errorMessage: FIX(accountId, name, region),
            trace: [],
          }),
        },
        executionStartTime: startedAt.toISOString(),
        signalFunctionArn: lambdaArn,
      }
    : {
        detailType: 'ConnectorRegistered',
        detail: {
          accountId,
          region,
          executionArn,
          connectorLabel: name,
          lambdaArn,
          connectorArn: `arn:aws:appflow:${region}:${accountId}:connector/${name}`,
          action: 'registered',
          codeSha256: 'k2Yg6mM1b3S2x0q8b1p5u9Zk6aK0a1mQx4v0o2eJq1A=',
        },
        executionStartTime: startedAt.toISOString(),
      };
}

/**
 * Writes the bulk: two outcomes per connector, a failure then, a minute later, a registration (every
 * tenth connector fails again instead), each a conditional write as RecordOutcome makes it.
 */
async function writeBulk(stack: Stack, count: number): Promise<void> {
  const dynamodb = DynamoDBDocumentClient.from(
    new DynamoDBClient(stack.clientConfig(HUB_ACCOUNT_ID, 'eu-west-1')),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
  const tableName = stack.hubIn('eu-west-1').table.name;
  const base = Date.parse('2025-03-14T09:00:00.000Z');
  const inputs: RecordInput[] = [];
  for (let n = 0; n < count; n += 1) {
    const connector = Math.floor(n / 2);
    const second = n % 2 === 1;
    inputs.push(
      bulkInput(
        n,
        connector,
        !second || connector % 10 === 0,
        new Date(base + connector * 1000 + (second ? 60_000 : 0)),
      ),
    );
  }
  let next = 0;
  const writer = async () => {
    while (next < inputs.length) {
      const input = inputs[next++] as RecordInput;
      await writeInventoryItem(
        { dynamodb, tableName },
        inventoryItemOf(input, { memberDelivery: 'delivered' }, new Date()),
      );
    }
  };
  try {
    await Promise.all(Array.from({ length: WRITERS }, writer));
  } finally {
    dynamodb.destroy();
  }
}

interface Measure {
  what: string;
  ms: number[];
  lines: number;
  failed: number;
  calls: Record<string, number>;
}

/** Status as the command runs it (findHub per Region, then the inventory), timed and counted. */
async function measure(
  stack: Stack,
  what: string,
  regions: readonly string[],
  filter: Parameters<typeof connectorStatus>[2],
): Promise<Measure> {
  const ms: number[] = [];
  let calls: Record<string, number> = {};
  let lines = 0;
  let failed = 0;
  for (let run = 0; run < RUNS; run += 1) {
    const counted: Record<string, number> = {};
    const clients = createOperatorClients({
      endpointUrl: stack.endpoint,
      credentials: stack.clientConfig(HUB_ACCOUNT_ID, 'eu-west-1').credentials,
      onCall: (service, operation) => {
        counted[`${service} ${operation}`] = (counted[`${service} ${operation}`] ?? 0) + 1;
      },
    });
    const started = performance.now();
    try {
      const hubs = await Promise.all(
        regions.map((region) => findHub(clients.in(region).cloudformation, { stage: 'dev', region })),
      );
      const report = await connectorStatus(clients, hubs, filter);
      ms.push(performance.now() - started);
      lines = report.lines.length;
      failed = report.failed;
      calls = counted;
    } finally {
      clients.destroy();
    }
  }
  return { what, ms, lines, failed, calls };
}

/** `registrar status` as a person runs it: a new process (Node, tsx, the SDK) to the last line. */
async function measureCli(stack: Stack): Promise<{ ms: number; code: number | null; lines: number }> {
  const started = performance.now();
  const args = [
    'bin/registrar.mjs',
    'status',
    '--json',
    '--endpoint-url',
    stack.endpoint,
    ...REGIONS.flatMap((r) => ['--region', r]),
  ];
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: HUB_ACCOUNT_ID,
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        ms: performance.now() - started,
        code,
        lines: (JSON.parse(stdout) as { connectors: unknown[] }).connectors.length,
      }),
    );
  });
}

async function main(): Promise<void> {
  console.log(`== registrar status: ${outcomes} executions' outcomes across ${accounts} accounts ==`);
  console.log(machineLine());
  const sampleAccounts = Array.from({ length: SAMPLE_ACCOUNTS }, (_, i) => spokeAccountId(i + 1));
  const world = writeWorld((directory) => ({
    organizationId: ORGANIZATION_ID,
    hub: { accountId: HUB_ACCOUNT_ID, regions: REGIONS },
    accounts: [
      { accountId: HUB_ACCOUNT_ID, name: 'hub', functions: [] },
      ...sampleAccounts.map((accountId) => ({
        accountId,
        // The hub's HubOutcomeRoleArns, as a stack instance's override (the local landing zone does not pass it).
        spoke: { parameters: { HubOutcomeRoleArns: outcomeRoles } },
        functions: Array.from({ length: SAMPLE_CONNECTORS }, (_, i) =>
          connectorFunction(
            directory,
            `sample-connector-${i}`,
            'eu-west-1',
            i === 0 ? { example: 'failing' } : {},
          ),
        ),
      })),
    ],
  }));
  const stack = await startStack({ worldPath: world.path, timeScale: 0.01 });
  try {
    progress('the sample through the real workflow');
    const sampleStarted = performance.now();
    const signals = sampleAccounts.flatMap((accountId) =>
      Array.from({ length: SAMPLE_CONNECTORS * SAMPLE_SIGNALS_EACH }, (_, i) => ({
        accountId,
        region: 'eu-west-1',
        functionArn: `arn:aws:lambda:eu-west-1:${accountId}:function:sample-connector-${i % SAMPLE_CONNECTORS}`,
      })),
    );
    await sendDeploySignals(stack, signals);
    await stack.idle();
    const executions = stack.states.executions();
    // RecordOutcome ran for each of them, invoked by its rule: the sample's connectors are in the inventory.
    const recordedByWorkflow = await sampleConnectorsRecorded(stack, sampleAccounts);
    const sampleMs = performance.now() - sampleStarted;

    progress(`${outcomes - executions.length} outcomes written as RecordOutcome writes them`);
    const bulkStarted = performance.now();
    await writeBulk(stack, outcomes - executions.length);
    const bulkMs = performance.now() - bulkStarted;

    progress('timing status');
    const measures = [
      await measure(stack, 'every connector, 1 hub Region', ['eu-west-1'], {}),
      await measure(stack, 'every connector, 2 hub Regions', REGIONS, {}),
      await measure(stack, '--failed, 2 hub Regions', REGIONS, { failedOnly: true }),
      await measure(stack, `--account ${spokeAccountId(7)}, 2 hub Regions`, REGIONS, {
        accountId: spokeAccountId(7),
      }),
    ];
    const cli = await measureCli(stack);

    console.log(
      `seeded: ${executions.length} executions through the real workflow (their ${recordedByWorkflow} connectors recorded by RecordOutcome from its rule, ${Math.round(sampleMs)} ms), then ${outcomes - executions.length} outcomes written directly (${Math.round(bulkMs)} ms): ${outcomes} executions' outcomes`,
    );
    printTable([
      ['status', 'connectors', 'failed', 'median ms', 'runs (ms)', 'AWS calls by operation'],
      ...measures.map((m) => [
        m.what,
        String(m.lines),
        String(m.failed),
        String(Math.round(median(m.ms))),
        m.ms.map((ms) => String(Math.round(ms))).join(' '),
        Object.entries(m.calls)
          .map(([operation, count]) => `${operation} ${count}`)
          .join(', '),
      ]),
    ]);
    const worst = Math.max(...measures.map((m) => median(m.ms)), cli.ms);
    console.log(
      `registrar status --json, 2 hub Regions, as a new process (Node, tsx, SDK start-up included): ${Math.round(cli.ms)} ms, exit ${cli.code}, ${cli.lines} connectors`,
    );
    console.log(
      `target: under ${TARGET_MS} ms and no call per execution: ${worst < TARGET_MS ? 'met' : 'MISSED'} (slowest ${Math.round(worst)} ms; calls are DescribeStacks once per Region and one Scan per 1 MB page of the inventory)`,
    );
    console.log(
      "local stack: its hub Regions share one dynalite table, so each Region's Scan reads every item (on AWS each Region's table holds its own hub's); the merged list keeps each connector once.",
    );
  } finally {
    await stack.stop();
    rmSync(world.directory, { recursive: true, force: true });
  }
  console.log(`end: ${loadLine()}`);
}

await main();
