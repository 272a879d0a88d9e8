/**
 * Cold start of the registrar's functions: the size of the production code a function parses at
 * init (its handler.mjs in the function's zip of the packaged hub, with the chunks it imports
 * statically; a chunk behind a dynamic import() loads only when that runs) and its module
 * initialisation time (median and p90 over fresh Node processes, and the median CPU time), beside a
 * baseline built with the same esbuild options that only constructs the same AWS SDK clients, so
 * the ratio shows what our code, middy and Powertools add.
 *
 *   node --import tsx bench/cold-start.ts [--runs 30]
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { packageHub } from '../local/index.js';
import { loadLine, machineLine } from './lib/machine.js';
import { median, quantile } from './lib/stats.js';
import { printTable } from './lib/table.js';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const TIMER = join(ROOT, 'bench/lib/import-timer.mjs');
const TARGET_RATIO = 1.3;

interface Subject {
  name: string;
  /**
   * What the baseline handler constructs at module scope: the SDK clients the function uses, each
   * with `new Name({})` unless `construct` says otherwise.
   */
  clients: { module: string; name: string; construct?: string }[];
}

const appflow = { module: '@aws-sdk/client-appflow', name: 'AppflowClient' };
const dynamodb = { module: '@aws-sdk/client-dynamodb', name: 'DynamoDBClient' };
const lambda = { module: '@aws-sdk/client-lambda', name: 'LambdaClient' };
const sts = { module: '@aws-sdk/client-sts', name: 'STSClient' };
const tagging = {
  module: '@aws-sdk/client-resource-groups-tagging-api',
  name: 'ResourceGroupsTaggingAPIClient',
};
/** The DynamoDB document client a handler builds itself (its DynamoDBClient inside it). */
const documentClient = [
  { ...dynamodb, construct: '' },
  {
    module: '@aws-sdk/lib-dynamodb',
    name: 'DynamoDBDocumentClient',
    construct: 'DynamoDBDocumentClient.from(new DynamoDBClient({}));',
  },
];

// verify-function: the client factory makes Lambda and AppFlow clients per account, STS for spokes.
// register-connector, verify-removal, unregister-connector: the same factory, plus DynamoDB for the
// pacer (and, but for verify-removal, the idempotency store).
// classify-account: the same factory with the tagging client, and DynamoDB for the pacer.
// record-outcome: Step Functions, the DynamoDB document client it builds itself, and EventBridge.
// alert-gate: the DynamoDB document client and SNS.
const SUBJECTS: Subject[] = [
  { name: 'verify-function', clients: [lambda, sts, appflow] },
  { name: 'register-connector', clients: [appflow, dynamodb, sts, lambda] },
  { name: 'verify-removal', clients: [appflow, dynamodb, sts, lambda] },
  { name: 'unregister-connector', clients: [appflow, dynamodb, sts, lambda] },
  { name: 'classify-account', clients: [appflow, dynamodb, sts, lambda, tagging] },
  {
    name: 'record-outcome',
    clients: [
      { module: '@aws-sdk/client-sfn', name: 'SFNClient' },
      ...documentClient,
      { module: '@aws-sdk/client-eventbridge', name: 'EventBridgeClient' },
    ],
  },
  {
    name: 'alert-gate',
    clients: [...documentClient, { module: '@aws-sdk/client-sns', name: 'SNSClient' }],
  },
];

/** The variables the handlers read at module scope, with dummy credentials (nothing is called). */
const CHILD_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HUB_ACCOUNT_ID: '111111111111',
  SPOKE_ROLE_NAME: 'AppFlowConnectorRegistrar',
  IDEMPOTENCY_TABLE_NAME: 'appflow-connector-registrar-dev-idempotency',
  INVENTORY_TABLE_NAME: 'appflow-connector-registrar-dev-idempotency',
  ALERT_TABLE_NAME: 'appflow-connector-registrar-dev-idempotency',
  ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:appflow-connector-registrar-dev-alerts',
  REGISTRAR_ROLE_NAME: 'appflow-connector-registrar-dev-RegisterConnectorRole',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
  AWS_SECRET_ACCESS_KEY: 'benchmark',
  POWERTOOLS_SERVICE_NAME: 'appflow-connector-registrar',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

function runsFromArgs(): number {
  const at = process.argv.indexOf('--runs');
  const runs = at >= 0 ? Number(process.argv[at + 1]) : 30;
  if (!Number.isInteger(runs) || runs < 20) throw new Error('--runs must be an integer of at least 20');
  return runs;
}

/** Bundles the baseline entry with the options serverless-esbuild packages with, resolving packages from the repo. */
async function buildBaseline(subject: Subject, directory: string): Promise<string> {
  const { options } = createRequire(import.meta.url)('../scripts/esbuild-options.cjs') as {
    options: Record<string, unknown>;
  };
  const imports = subject.clients.map((client) => `import { ${client.name} } from '${client.module}';`);
  const constructs = subject.clients.map((client) => client.construct ?? `new ${client.name}({});`);
  const outdir = join(directory, subject.name);
  await build({
    ...options,
    stdin: {
      contents: [...imports, ...constructs, 'export const handler = async () => ({});'].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
      sourcefile: `${subject.name}-baseline.ts`,
    },
    // An outdir, not an outfile: the options split code into chunks, which need one.
    outdir,
    entryNames: 'baseline',
    logLevel: 'warning',
  } as Parameters<typeof build>[0]);
  return join(outdir, 'baseline.mjs');
}

/** What one import took: wall-clock and CPU milliseconds (bench/lib/import-timer.mjs). */
interface Sample {
  ms: number;
  cpuMs: number;
}

/** One fresh process importing the bundle. */
function importOnce(bundle: string): Sample {
  const child = spawnSync(process.execPath, [TIMER, bundle], {
    env: CHILD_ENV,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (child.status !== 0) {
    throw new Error(`Importing ${bundle} failed (exit ${child.status}): ${child.stderr || child.error}`);
  }
  const line = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Sample;
}

/** The entry and every chunk it imports statically, transitively: the code parsed at init. */
function initFiles(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  // esbuild writes a static import of a chunk as `from"./x.mjs"` or `import"./x.mjs"`; a dynamic
  // one as `import("./x.mjs")`, which this leaves out.
  for (const [, chunk] of readFileSync(entry, 'utf8').matchAll(/(?:from|import)\s*"(\.\/[^"]+)"/g)) {
    initFiles(join(dirname(entry), chunk as string), seen);
  }
  return seen;
}

const kb = (entry: string) =>
  [...initFiles(entry)].reduce((sum, path) => sum + statSync(path).size, 0) / 1024;
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main(): Promise<void> {
  const runs = runsFromArgs();
  console.log('== cold start: bundle size and module initialisation ==');
  console.log(machineLine());
  const directory = mkdtempSync(join(tmpdir(), 'bench-cold-start-'));
  const code = join((await packageHub({ root: ROOT })).directory, 'code');
  try {
    const pairs = await Promise.all(
      SUBJECTS.map(async (subject) => {
        const bundle = readdirSync(code)
          .map((zip) => join(code, zip, 'functions', subject.name, 'handler.mjs'))
          .find(existsSync);
        if (bundle === undefined)
          throw new Error(`The packaged hub has no zip holding functions/${subject.name}.`);
        return { subject, bundle, baseline: await buildBaseline(subject, directory) };
      }),
    );
    const samples = new Map<string, Sample[]>();
    for (const { bundle, baseline } of pairs) {
      importOnce(bundle); // warm the page cache; not counted
      importOnce(baseline);
      samples.set(bundle, []);
      samples.set(baseline, []);
    }
    // Interleaved, so a burst of load from other work on the machine hits both sides alike.
    for (let run = 0; run < runs; run++) {
      for (const { bundle, baseline } of pairs) {
        const order = run % 2 === 0 ? [bundle, baseline] : [baseline, bundle];
        for (const path of order) samples.get(path)?.push(importOnce(path));
      }
    }

    console.log(
      `${runs} fresh Node processes per bundle; time = performance.now() around await import(bundle), cpu = process.cpuUsage() around it`,
    );
    const header = [
      'function',
      'init code',
      'init median',
      'init p90',
      'cpu median',
      'baseline code',
      'base median',
      'base p90',
      'base cpu',
      'ratio',
      'cpu ratio',
    ];
    const ratioText = (ratio: number) =>
      `${ratio.toFixed(2)}${ratio <= TARGET_RATIO ? '' : ' (over target)'}`;
    const rows = pairs.map(({ subject, bundle, baseline }) => {
      const ours = samples.get(bundle) ?? [];
      const base = samples.get(baseline) ?? [];
      const wall = (of: Sample[]) => of.map((sample) => sample.ms);
      const cpu = (of: Sample[]) => median(of.map((sample) => sample.cpuMs));
      return [
        subject.name,
        `${kb(bundle).toFixed(0)} KB`,
        ms(median(wall(ours))),
        ms(quantile(wall(ours), 0.9)),
        ms(cpu(ours)),
        `${kb(baseline).toFixed(0)} KB`,
        ms(median(wall(base))),
        ms(quantile(wall(base), 0.9)),
        ms(cpu(base)),
        ratioText(median(wall(ours)) / median(wall(base))),
        ratioText(cpu(ours) / cpu(base)),
      ];
    });
    printTable([header, ...rows]);
    console.log(
      `ratio = init median / baseline median, cpu ratio = the same of CPU time; target <= ${TARGET_RATIO}. Baseline = a handler that only constructs ${SUBJECTS.map((s) => `${s.name}: ${s.clients.map((c) => c.name).join('+')}`).join('; ')}.`,
    );
    console.log(`end: ${loadLine()}`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
