/**
 * Burst: 200 connectors deployed at the same moment in one member account, AppFlow limited to 10
 * requests per second (token bucket, burst 10), the registrar's pacer at 9 per second, real AWS
 * retry timing (timeScale 1). Two runs on fresh stacks:
 *   cold - as it happens after a deploy: every execution environment starts cold;
 *   warm - the registrar's and the connectors' environments initialised beforehand (as provisioned
 *          concurrency would: init only), so the local CPU cost of ~200 cold starts leaves the
 *          critical path and what remains is the design: pacing, throttles, retries.
 * Prints wall time against the ideal (200 / 10 = 20 s), AppFlow calls per registration, throttles,
 * failed executions, lost signals, peak RSS and where the time went; writes docs/burst.svg.
 *
 *   node --import tsx bench/burst.ts [--connectors 200] [--pacer 9] [--only cold|warm]
 *     [--max-environments 300] [--per-function 8] [--inits <cores>] [--default-concurrency 250]
 *     [--max-concurrent 1000] [--no-svg]
 */
import type { Stack } from '../local/index.js';

import './lib/quiet-sdk.js';
import { rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { flagArg, numberArg } from './lib/args.js';
import { type LoadRunResult, registeredAndAnnounced, runLoad, stateSpan } from './lib/load-run.js';
import { loadLine, machineLine } from './lib/machine.js';
import { cpuByThreadText, describeLimits, runtimeLimitArgs } from './lib/runtime-limits.js';
import { median, quantile } from './lib/stats.js';
import { perSecond, renderChart } from './lib/svg.js';
import { printTable } from './lib/table.js';
import {
  connectorFunction,
  type GeneratedWorld,
  HUB_ACCOUNT_ID,
  ORGANIZATION_ID,
  writeWorld,
} from './lib/world.js';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const REGION = 'eu-west-1';
const ACCOUNT = '222222222222';
const APPFLOW_LIMIT = 10;
const TARGETS = { wallRatio: 1.3, callsPerRegistration: 1.5 };

type Mode = 'cold' | 'warm';

const connectors = numberArg('connectors', 200);
const pacer = numberArg('pacer', 9);
// 300 environments hold the registrar's and the 200 connectors' (bench/lib/runtime-limits.ts).
const runtime = runtimeLimitArgs({ maxEnvironments: 300 });
const onlyAt = process.argv.indexOf('--only');
const modes: Mode[] = onlyAt >= 0 ? [process.argv[onlyAt + 1] as Mode] : ['cold', 'warm'];
const progress = (message: string) => process.stderr.write(`burst: ${message}\n`);

const names = Array.from({ length: connectors }, (_, i) => `connector-${String(i + 1).padStart(3, '0')}`);

/** The figures of one run. */
interface Summary {
  mode: Mode;
  result: LoadRunResult;
  wall: number;
  registered: number;
  calls: number;
  throttles: number;
  failed: number;
  lost: number;
  running: number;
  announced: number;
  transitions: number;
  retries: number;
  invocations: number;
  failures: Map<string, { count: number; cause: string }>;
}

function burstWorld(): GeneratedWorld {
  return writeWorld((directory) => ({
    organizationId: ORGANIZATION_ID,
    hub: { accountId: HUB_ACCOUNT_ID, regions: [REGION] },
    accounts: [
      { accountId: HUB_ACCOUNT_ID, name: 'hub', functions: [] },
      {
        accountId: ACCOUNT,
        name: 'spoke-burst',
        functions: names.map((name) => connectorFunction(directory, name, REGION)),
      },
    ],
  }));
}

/**
 * Provisioned-concurrency stand-in: as many environments of each registrar function as the burst can
 * use (one per connector, at most the stack's cap per function), and one of each connector. The
 * runtime initialises them one after the other (none near the 10 s init limit), without an
 * invocation, so the first invocations still run the handler's code for the first time.
 */
async function warmUp(stack: Stack): Promise<void> {
  const environments = Math.min(connectors, runtime.maxEnvironmentsPerFunction);
  for (const fn of stack.hubIn(REGION).functions) {
    progress(`warming ${environments} environments of ${fn.name}`);
    await stack.runtime.provision(
      { accountId: HUB_ACCOUNT_ID, region: REGION, functionName: fn.name },
      environments,
    );
  }
  progress(`warming the ${connectors} connector functions`);
  for (const functionName of names) {
    await stack.runtime.provision({ accountId: ACCOUNT, region: REGION, functionName }, 1);
  }
}

async function run(mode: Mode, world: GeneratedWorld): Promise<Summary> {
  progress(`${mode} run`);
  const result = await runLoad({
    stack: {
      worldPath: world.path,
      timeScale: 1,
      faults: { seed: 1, appflowRate: { perSecond: APPFLOW_LIMIT, burst: APPFLOW_LIMIT } },
      params: { appflowRequestsPerSecond: String(pacer) },
      runtime,
    },
    signals: names.map((name) => ({
      accountId: ACCOUNT,
      region: REGION,
      functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    })),
    ...(mode === 'warm' ? { prepare: warmUp } : {}),
    deadlineMs: 5 * 60_000,
    maxRssMiB: 16 * 1024,
    progress,
  });
  const registeredLabels = new Set(
    result.connectors.filter((c) => c.accountId === ACCOUNT && c.region === REGION).map((c) => c.label),
  );
  let lost = 0;
  let failed = 0;
  let announced = 0;
  for (const signal of result.sent) {
    const executions = result.executionsBySignal.get(signal.eventId) ?? [];
    failed += executions.filter((e) => e.status !== 'SUCCEEDED' && e.status !== 'RUNNING').length;
    const ok = executions.some(registeredAndAnnounced);
    if (ok) announced += 1;
    const label = signal.functionArn.slice(signal.functionArn.lastIndexOf(':') + 1);
    if (!ok || !registeredLabels.has(label)) lost += 1;
  }
  const failures = new Map<string, { count: number; cause: string }>();
  for (const execution of result.executions) {
    if (execution.status === 'SUCCEEDED' || execution.status === 'RUNNING') continue;
    const key = execution.error ?? execution.status;
    const entry = failures.get(key) ?? { count: 0, cause: execution.cause ?? '' };
    entry.count += 1;
    failures.set(key, entry);
  }
  return {
    mode,
    result,
    wall: result.wallMs / 1000,
    registered: registeredLabels.size,
    calls: result.appflowStats.byOperation.RegisterConnector?.calls ?? 0,
    throttles: result.faults.throttled,
    failed,
    lost: lost + (connectors - result.sent.length),
    running: result.executions.filter((e) => e.status === 'RUNNING').length,
    announced,
    transitions: result.executions.reduce((n, e) => n + e.transitions + e.retries, 0),
    retries: result.executions.reduce((n, e) => n + e.retries, 0),
    invocations: result.executions.reduce((n, e) => n + e.lambdaInvocations, 0),
    failures,
  };
}

function seconds(values: number[]): string[] {
  return [median(values), quantile(values, 0.9), Math.max(0, ...values)].map((v) =>
    Number.isFinite(v) ? v.toFixed(1) : '-',
  );
}

function report(runs: Summary[]): void {
  const ideal = connectors / APPFLOW_LIMIT;
  const column = (f: (s: Summary) => string) => runs.map(f);
  printTable([
    ['figure', ...runs.map((r) => r.mode), 'target'],
    ['wall time (first PutEvents -> last execution end)', ...column((r) => `${r.wall.toFixed(1)} s`), ''],
    [
      'wall / ideal (ideal = connectors / AppFlow limit = 20 s)',
      ...column((r) => (r.wall / ideal).toFixed(2)),
      `<= ${TARGETS.wallRatio}`,
    ],
    [
      'RegisterConnector calls per registration',
      ...column((r) => `${(r.calls / Math.max(1, r.registered)).toFixed(2)} (${r.calls}/${r.registered})`),
      `<= ${TARGETS.callsPerRegistration}`,
    ],
    ['AppFlow throttles (ThrottlingException)', ...column((r) => String(r.throttles)), ''],
    ['failed executions', ...column((r) => String(r.failed)), '0'],
    ['lost (no ConnectorRegistered or no AppFlow registration)', ...column((r) => String(r.lost)), '0'],
    ['still running at the end', ...column((r) => String(r.running)), '0'],
    ['ConnectorRegistered published', ...column((r) => `${r.announced}/${connectors}`), ''],
    [
      'billable transitions / registrar invocations',
      ...column((r) => `${r.transitions} / ${r.invocations}`),
      '',
    ],
    ['state retries', ...column((r) => String(r.retries)), ''],
    ['peak RSS (main + worker threads + dynalite)', ...column((r) => `${r.result.peakRssMiB} MiB`), ''],
    ['peak execution environments', ...column((r) => String(r.result.peakEnvironments)), ''],
    [
      'main thread busy (event-loop utilisation)',
      ...column((r) => `${(r.result.mainThreadUtilisation * 100).toFixed(0)}%`),
      '',
    ],
    [
      'main thread event-loop delay p99 / max',
      ...column((r) => `${r.result.loopDelayP99Ms.toFixed(0)} / ${r.result.loopDelayMaxMs.toFixed(0)} ms`),
      '',
    ],
    [
      'CPU time during the run (cores busy)',
      ...column(
        (r) => `${(r.result.cpuMs / 1000).toFixed(1)} s (${(r.result.cpuMs / r.result.wallMs).toFixed(2)})`,
      ),
      '',
    ],
    [
      'of which the main thread (HTTP, services, interpreter)',
      ...column((r) =>
        r.result.mainThreadCpuMs === undefined ? '-' : `${(r.result.mainThreadCpuMs / 1000).toFixed(1)} s`,
      ),
      '',
    ],
  ]);
  for (const r of runs) {
    const byThread = cpuByThreadText(r.result.cpuByThread);
    if (byThread) console.log(`${r.mode}: CPU by thread: ${byThread}`);
  }
  for (const r of runs) {
    for (const [error, { count, cause }] of r.failures) {
      console.log(`${r.mode}: failed ${count} x ${error}: ${cause.replace(/\s+/g, ' ').slice(0, 160)}`);
    }
  }
  console.log('');
  console.log('where the time went (seconds since the signals were sent; median / p90 / last):');
  const rows: string[][] = [
    [
      'run',
      'VerifyFunction done',
      'RegisterConnector entered',
      'AppFlow applied',
      'AppFlow rate while applying',
    ],
  ];
  for (const r of runs) {
    const { result } = r;
    const verified = result.executions
      .map((e) => stateSpan(e, 'VerifyFunction')?.exited)
      .filter((t): t is number => t !== undefined)
      .map((t) => (t - result.t0) / 1000);
    const entered = result.executions
      .map((e) => stateSpan(e, 'RegisterConnector')?.entered)
      .filter((t): t is number => t !== undefined)
      .map((t) => (t - result.t0) / 1000);
    const applied = result.registeredAt.map((t) => t / 1000);
    const first = Math.min(...applied);
    const last = Math.max(...applied);
    rows.push([
      r.mode,
      seconds(verified).join(' / '),
      seconds(entered).join(' / '),
      seconds(applied).join(' / '),
      applied.length > 1
        ? `${((applied.length - 1) / (last - first)).toFixed(2)}/s from ${first.toFixed(1)} s`
        : '-',
    ]);
  }
  printTable(rows);
  for (const r of runs) {
    const counters = r.result.runtimeCounters;
    const registrar = r.result.registrarFunctionArns
      .map(
        (fn) =>
          `${fn.name.replace(/^.*-/, '')} ${counters[fn.arn]?.invocations ?? 0} inv./${counters[fn.arn]?.coldStarts ?? 0} cold/${counters[fn.arn]?.throttles ?? 0} throttled`,
      )
      .join(', ');
    const connectorCounters = Object.entries(counters).filter(([arn]) =>
      arn.includes(`:${ACCOUNT}:function:`),
    );
    const load = r.result.samples.map((s) => s.load1);
    console.log(
      `${r.mode}: ${registrar}; connectors ${connectorCounters.reduce((n, [, c]) => n + c.invocations, 0)} inv./${connectorCounters.reduce((n, [, c]) => n + c.coldStarts, 0)} cold; load average (1 min) ${Math.min(...load).toFixed(1)}..${Math.max(...load).toFixed(1)}`,
    );
  }
}

function writeChart(summary: Summary): void {
  const { result } = summary;
  const ideal = connectors / APPFLOW_LIMIT;
  const completed = perSecond(
    result.executions
      .filter(registeredAndAnnounced)
      .map((e) => (e.stopDate?.getTime() ?? result.t0) - result.t0),
  );
  const throttled = new Array<number>(completed.length).fill(0);
  let previous = 0;
  for (const sample of result.samples) {
    const bin = Math.floor(sample.t / 1000);
    while (throttled.length <= bin) throttled.push(0);
    throttled[bin] = (throttled[bin] ?? 0) + sample.throttled - previous;
    previous = sample.throttled;
  }
  const svg = renderChart({
    title: `Burst (${summary.mode} run): ${connectors} connectors at once, AppFlow limited to ${APPFLOW_LIMIT}/s, pacer ${pacer}/s`,
    bars: {
      label: 'registrations completed (ConnectorRegistered) per second',
      color: '#4c9f70',
      values: completed,
    },
    line: { label: 'AppFlow throttles per second', color: '#d1495b', values: throttled },
    limit: { label: `AppFlow limit ${APPFLOW_LIMIT}/s`, value: APPFLOW_LIMIT },
    marker: { label: `ideal ${ideal} s`, second: ideal },
    caption: `wall ${summary.wall.toFixed(1)} s = ${(summary.wall / ideal).toFixed(2)} x ideal; ${summary.calls} RegisterConnector calls, ${summary.throttles} throttles, ${summary.failed} failed, ${summary.lost} lost; local stack, ${new Date().toISOString().slice(0, 10)}`,
  });
  writeFileSync(resolve(ROOT, 'docs/burst.svg'), svg);
  console.log(`chart: docs/burst.svg (${summary.mode} run, ${completed.length} s)`);
}

async function main(): Promise<void> {
  console.log(`== burst: ${connectors} connectors deployed at once in one account ==`);
  console.log(machineLine());
  console.log(
    `setup: ${connectors} healthy connectors in member account ${ACCOUNT} (${REGION}); signals = "Connector Lambda Deployed" events on the hub bus, ${Math.ceil(connectors / 10)} PutEvents of 10 sent together`,
  );
  console.log(
    `AppFlow: token bucket ${APPFLOW_LIMIT}/s, burst ${APPFLOW_LIMIT} (faults.appflowRate); pacer: param appflowRequestsPerSecond=${pacer}; timeScale 1; runtime ${describeLimits(runtime)}`,
  );
  const world = burstWorld();
  try {
    const runs: Summary[] = [];
    for (const mode of modes) runs.push(await run(mode, world));
    report(runs);
    const chartRun = runs.find((r) => r.mode === 'warm') ?? runs[0];
    if (chartRun && !flagArg('no-svg')) writeChart(chartRun);
    console.log(`end: ${loadLine()}`);
  } finally {
    rmSync(world.directory, { recursive: true, force: true });
  }
}

await main();
