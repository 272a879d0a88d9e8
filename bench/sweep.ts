/**
 * Drift sweep of a landing zone: `--accounts` member accounts × 2 Regions, 3 connector labels each,
 * 10 % of all labels in each drift class (missing, stale, orphaned, foreign; the rest current), seeded
 * as AppFlow and Lambda hold them. Two passes through the local stack: a dry run (the sweep's own
 * reads), then a sweep that repairs. Prints the wall time of each, the AppFlow calls per account and
 * Region by operation, the repairs made against the drift seeded, and the peak RSS.
 *
 *   node --import tsx bench/sweep.ts [--accounts 500] [--window 20]
 */
import './lib/quiet-sdk.js';
import { rmSync } from 'node:fs';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { type Stack, startStack } from '../local/index.js';
import { numberArg } from './lib/args.js';
import { loadLine, machineLine } from './lib/machine.js';
import { describeLimits, runtimeLimitArgs } from './lib/runtime-limits.js';
import { printTable } from './lib/table.js';
import {
  connectorFunction,
  HUB_ACCOUNT_ID,
  ORGANIZATION_ID,
  spokeAccountId,
  writeWorld,
} from './lib/world.js';

const REGIONS = ['eu-west-1', 'us-east-1'];
const LABELS_PER_ACCOUNT_REGION = 3;
const CLASSES = ['missing', 'stale', 'orphaned', 'foreign'] as const;
const accounts = numberArg('accounts', 500);
const window = numberArg('window', 20);
const runtime = runtimeLimitArgs({ maxEnvironments: 150 });
const progress = (message: string) => process.stderr.write(`sweep: ${message}\n`);

type Seeded = (typeof CLASSES)[number] | 'current';

/** The class of the n-th label of the landing zone: one in ten of each drift class. */
const classOf = (n: number): Seeded => CLASSES[n % 10] ?? 'current';

function buildWorld(spokes: string[]) {
  const seeded: Record<Seeded, number> = { current: 0, missing: 0, stale: 0, orphaned: 0, foreign: 0 };
  let n = 0;
  const world = writeWorld((directory) => ({
    organizationId: ORGANIZATION_ID,
    hub: { accountId: HUB_ACCOUNT_ID, regions: REGIONS },
    accounts: [
      { accountId: HUB_ACCOUNT_ID, name: 'hub', functions: [] },
      ...spokes.map((accountId) => {
        const functions = [];
        const connectors = [];
        const registrar = `arn:aws:sts::${accountId}:assumed-role/AppFlowConnectorRegistrar/registrar-seeded`;
        for (const region of REGIONS) {
          for (let i = 0; i < LABELS_PER_ACCOUNT_REGION; i += 1) {
            const drift = classOf(n);
            n += 1;
            seeded[drift] += 1;
            const name = `connector-${i}`;
            const fn = connectorFunction(directory, name, region, {
              label: drift === 'orphaned' ? null : name,
            });
            if (drift === 'stale') fn.tags = { ...fn.tags, 'appflow:connector-description': 'v2' };
            functions.push(fn);
            if (drift === 'missing') continue;
            connectors.push({
              label: name,
              region,
              functionName: name,
              registeredAt: '2099-01-01T00:00:00.000Z',
              ...(drift === 'foreign' ? {} : { registeredBy: registrar }),
              ...(drift === 'stale' ? { description: 'v1' } : {}),
            });
          }
        }
        return { accountId, functions, connectors };
      }),
    ],
  }));
  return { world, seeded };
}

/** Sweeps every account and Region, at most `window` at once; resolves when every execution ended. */
async function sweepAll(stack: Stack, spokes: string[], dryRun: boolean): Promise<number> {
  const targets = spokes.flatMap((accountId) => REGIONS.map((region) => ({ accountId, region })));
  const clients = new Map(
    REGIONS.map((region) => [region, new SFNClient(stack.clientConfig(HUB_ACCOUNT_ID, region))]),
  );
  const machineIn = (region: string) =>
    stack.states
      .stateMachines()
      .find((machine) => machine.name.endsWith('-sweep-connectors') && machine.arn.includes(`:${region}:`))
      ?.arn;
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const { accountId, region } = targets[next++] as (typeof targets)[number];
      const { executionArn } = await (clients.get(region) as SFNClient).send(
        new StartExecutionCommand({
          stateMachineArn: machineIn(region),
          input: JSON.stringify({ accountId, region, dryRun }),
        }),
      );
      while (stack.states.execution(executionArn as string)?.status === 'RUNNING') {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  await stack.idle();
  for (const client of clients.values()) client.destroy();
  return Date.now() - started;
}

function callsPerAccountRegion(stack: Stack, accountRegions: number): [string, string][] {
  return Object.entries(stack.appflow.stats.byOperation)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([operation, stats]) => [`  AppFlow ${operation}`, (stats.calls / accountRegions).toFixed(2)]);
}

async function main(): Promise<void> {
  console.log(
    `== drift sweep: ${accounts} accounts × ${REGIONS.length} Regions, ${LABELS_PER_ACCOUNT_REGION} labels each ==`,
  );
  console.log(machineLine());
  const spokes = Array.from({ length: accounts }, (_, i) => spokeAccountId(i + 1));
  const { world, seeded } = buildWorld(spokes);
  const accountRegions = accounts * REGIONS.length;
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 200);
  try {
    progress('starting the local stack');
    const stack = await startStack({ worldPath: world.path, timeScale: 1, faults: { seed: 1 }, runtime });
    try {
      stack.appflow.resetStats();
      progress('dry run');
      const dryMs = await sweepAll(stack, spokes, true);
      const dryCalls = callsPerAccountRegion(stack, accountRegions);
      stack.appflow.resetStats();
      progress('repairing sweep');
      const repairMs = await sweepAll(stack, spokes, false);
      const repairCalls = callsPerAccountRegion(stack, accountRegions);
      const made = (operation: string) =>
        stack.appflow.registrations.filter((r) => r.operation === operation).length;
      const failed = stack.states.executions().filter((run) => run.status !== 'SUCCEEDED').length;

      console.log(
        `setup: ${accounts} member accounts with the spoke, hubs in ${REGIONS.join(' and ')}, ${accountRegions * LABELS_PER_ACCOUNT_REGION} labels seeded: ${Object.entries(
          seeded,
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(
            ', ',
          )}; at most ${window} sweeps in flight; timeScale 1; no AppFlow faults; runtime limits ${describeLimits(runtime)}`,
      );
      printTable([
        ['figure', 'value'],
        ['dry run: wall time (first StartExecution -> idle)', `${(dryMs / 1000).toFixed(1)} s`],
        ['dry run: AppFlow calls per account and Region', ''],
        ...dryCalls,
        ['repairing sweep: wall time (repairs included)', `${(repairMs / 1000).toFixed(1)} s`],
        ['repairing sweep: AppFlow calls per account and Region (sweep + repairs)', ''],
        ...repairCalls,
        [
          'repairs made: RegisterConnector / seeded missing',
          `${made('RegisterConnector')} / ${seeded.missing}`,
        ],
        [
          'repairs made: UpdateConnectorRegistration / seeded stale',
          `${made('UpdateConnectorRegistration')} / ${seeded.stale}`,
        ],
        [
          'repairs made: UnregisterConnector / seeded orphaned',
          `${made('UnregisterConnector')} / ${seeded.orphaned}`,
        ],
        [
          'labels still registered besides the new ones / seeded current + stale + foreign',
          `${stack.appflow.connectors().length - made('RegisterConnector')} / ${seeded.current + seeded.stale + seeded.foreign}`,
        ],
        ['executions not SUCCEEDED', String(failed)],
        ['peak RSS (main + worker threads + dynalite)', `${Math.round(peakRss / 1024 / 1024)} MiB`],
      ]);
      console.log(
        'GetResources: one page per account and Region (the emulation does not count tagging calls).',
      );
      console.log(`end: ${loadLine()}`);
    } finally {
      await stack.stop();
    }
  } finally {
    clearInterval(sampler);
    rmSync(world.directory, { recursive: true, force: true });
  }
}

await main();
