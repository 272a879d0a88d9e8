/**
 * Landing-zone rollout: one connector in each of 500 member accounts (each with the spoke role), in
 * the hub Region, deployed as a StackSets rollout would (at most `--window` accounts in flight).
 * Each account has its own AppFlow budget, so nothing waits for AppFlow: the figure is how many
 * registrations per second the local stack itself sustains, and its peak memory.
 *
 *   node --import tsx bench/rollout.ts [--accounts 500] [--window 20]
 *     [--max-environments 150] [--per-function 8] [--inits <cores>] [--default-concurrency 250]
 *     [--max-concurrent 1000]
 */
import './lib/quiet-sdk.js';
import { rmSync } from 'node:fs';
import { numberArg } from './lib/args.js';
import { registeredAndAnnounced, runLoad } from './lib/load-run.js';
import { loadLine, machineLine } from './lib/machine.js';
import { cpuByThreadText, describeLimits, runtimeLimitArgs } from './lib/runtime-limits.js';
import { median, quantile } from './lib/stats.js';
import { printTable } from './lib/table.js';
import {
  connectorFunction,
  HUB_ACCOUNT_ID,
  ORGANIZATION_ID,
  spokeAccountId,
  writeWorld,
} from './lib/world.js';

const REGION = 'eu-west-1';
const accounts = numberArg('accounts', 500);
const window = numberArg('window', 20);
const runtime = runtimeLimitArgs({ maxEnvironments: 150 });
const progress = (message: string) => process.stderr.write(`rollout: ${message}\n`);

async function main(): Promise<void> {
  console.log(`== landing-zone rollout: one connector in each of ${accounts} accounts ==`);
  console.log(machineLine());
  const spokes = Array.from({ length: accounts }, (_, i) => spokeAccountId(i + 1));
  const world = writeWorld((directory) => ({
    organizationId: ORGANIZATION_ID,
    hub: { accountId: HUB_ACCOUNT_ID, regions: [REGION] },
    accounts: [
      { accountId: HUB_ACCOUNT_ID, name: 'hub', functions: [] },
      ...spokes.map((accountId) => ({
        accountId,
        functions: [connectorFunction(directory, 'team-connector', REGION)],
      })),
    ],
  }));
  try {
    const result = await runLoad({
      stack: {
        worldPath: world.path,
        timeScale: 1,
        faults: { seed: 1, appflowRate: { perSecond: 10, burst: 10 } },
        runtime,
      },
      signals: spokes.map((accountId) => ({
        accountId,
        region: REGION,
        functionArn: `arn:aws:lambda:${REGION}:${accountId}:function:team-connector`,
      })),
      window,
      deadlineMs: 5 * 60_000,
      maxRssMiB: 16 * 1024,
      progress,
    });

    const registeredIn = new Set(
      result.connectors.filter((c) => c.region === REGION).map((c) => c.accountId),
    );
    let failed = 0;
    let lost = 0;
    const ends: number[] = [];
    const latencies: number[] = [];
    for (const signal of result.sent) {
      const executions = result.executionsBySignal.get(signal.eventId) ?? [];
      failed += executions.filter((e) => e.status !== 'SUCCEEDED' && e.status !== 'RUNNING').length;
      const done = executions.find(registeredAndAnnounced);
      if (done?.stopDate) {
        ends.push(done.stopDate.getTime() - result.t0);
        latencies.push(done.stopDate.getTime() - done.startDate.getTime());
      }
      if (!done || !registeredIn.has(signal.accountId)) lost += 1;
    }
    const unsent = accounts - result.sent.length;
    ends.sort((a, b) => a - b);
    const wall = result.wallMs / 1000;
    // The steady state: between the 10th and the 90th percentile of completions.
    const from = ends[Math.floor(ends.length * 0.1)] ?? 0;
    const to = ends[Math.floor(ends.length * 0.9)] ?? 0;
    const steady =
      to > from ? (Math.floor(ends.length * 0.9) - Math.floor(ends.length * 0.1)) / ((to - from) / 1000) : 0;
    const registrar = result.registrarFunctionArns.map((fn) => result.runtimeCounters[fn.arn]);
    const connectorColdStarts = Object.entries(result.runtimeCounters)
      .filter(([arn]) => arn.endsWith(':function:team-connector'))
      .reduce((n, [, c]) => n + c.coldStarts, 0);

    console.log(
      `setup: ${accounts} member accounts with the spoke role, one healthy connector each in ${REGION}; at most ${window} accounts in flight (a new signal when one ends); timeScale 1; runtime limits ${describeLimits(runtime)}`,
    );
    if (result.abortedBecause) console.log(`ABORTED: ${result.abortedBecause}`);
    printTable([
      ['figure', 'value'],
      ['registered and announced', `${ends.length} / ${accounts}`],
      ['failed executions / lost / never sent', `${failed} / ${lost - unsent} / ${unsent}`],
      ['wall time (first PutEvents -> last execution end)', `${wall.toFixed(1)} s`],
      ['registrations per second, whole run', (ends.length / wall).toFixed(2)],
      ['registrations per second, steady state (p10 -> p90 of completions)', steady.toFixed(2)],
      [
        'execution latency median / p90',
        `${(median(latencies) / 1000).toFixed(1)} s / ${(quantile(latencies, 0.9) / 1000).toFixed(1)} s`,
      ],
      ['peak RSS (main + worker threads + dynalite)', `${result.peakRssMiB} MiB`],
      ['peak execution environments (worker threads)', String(result.peakEnvironments)],
      [
        'CPU time of the process',
        `${(result.cpuMs / 1000).toFixed(1)} s = ${(result.cpuMs / Math.max(1, ends.length)).toFixed(0)} ms per registration (${(result.cpuMs / result.wallMs).toFixed(2)} cores busy on average)`,
      ],
      [
        'of which the main thread (HTTP, services, interpreter)',
        result.mainThreadCpuMs === undefined
          ? '-'
          : `${(result.mainThreadCpuMs / 1000).toFixed(1)} s = ${(result.mainThreadCpuMs / Math.max(1, ends.length)).toFixed(0)} ms per registration`,
      ],
      ['main thread busy (event-loop utilisation)', `${(result.mainThreadUtilisation * 100).toFixed(0)}%`],
      [
        'main thread event-loop delay p99 / max',
        `${result.loopDelayP99Ms.toFixed(0)} / ${result.loopDelayMaxMs.toFixed(0)} ms`,
      ],
      [
        'cold starts: verify / register / connectors',
        `${registrar[0]?.coldStarts ?? 0} / ${registrar[1]?.coldStarts ?? 0} / ${connectorColdStarts}`,
      ],
      ['AppFlow calls / throttles', `${result.faults.calls} / ${result.faults.throttled}`],
    ]);
    const byThread = cpuByThreadText(result.cpuByThread);
    if (byThread) console.log(`CPU by thread: ${byThread}`);
    const load = result.samples.map((s) => s.load1);
    console.log(
      `load average (1 min) during the run: ${Math.min(...load).toFixed(2)} .. ${Math.max(...load).toFixed(2)}; stack startup ${result.startupMs} ms`,
    );
    console.log(`end: ${loadLine()}`);
  } finally {
    rmSync(world.directory, { recursive: true, force: true });
  }
}

await main();
