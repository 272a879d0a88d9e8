#!/usr/bin/env node
// `npm run bench`: runs every benchmark of bench/ in turn (the hub is packaged on demand), each in
// its own Node process (so one's memory and worker threads do not weigh on the next), and prints
// every figure. Not a test: nothing here is in `npm test`. Each benchmark bounds its own time; this
// runner also kills one that overstays. Traffic goes only to 127.0.0.1.
//
//   npm run bench                     # all: cold-start, cost, burst, rollout, status, sweep, start
//   npm run bench -- burst rollout    # some, by name
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCHMARKS = {
  'cold-start': { file: 'bench/cold-start.ts', timeoutMs: 5 * 60_000 },
  cost: { file: 'bench/cost.ts', timeoutMs: 6 * 60_000 },
  burst: { file: 'bench/burst.ts', timeoutMs: 14 * 60_000 },
  rollout: { file: 'bench/rollout.ts', timeoutMs: 7 * 60_000 },
  status: { file: 'bench/status.ts', timeoutMs: 10 * 60_000 },
  sweep: { file: 'bench/sweep.ts', timeoutMs: 10 * 60_000 },
  start: { file: 'bench/start.ts', timeoutMs: 6 * 60_000 },
};

const asked = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const unknown = asked.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(
    `Unknown benchmark ${unknown.join(', ')}; choose among ${Object.keys(BENCHMARKS).join(', ')}.`,
  );
  process.exit(2);
}
const names = asked.length > 0 ? asked : Object.keys(BENCHMARKS);
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

const failed = [];
for (const name of names) {
  const { file, timeoutMs } = BENCHMARKS[name];
  const started = Date.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', file], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (child.status !== 0) {
    failed.push(name);
    const why = child.signal ? `killed (${child.signal}) after ${seconds} s` : `exit ${child.status}`;
    console.log(`-- ${name}: FAILED, ${why}\n`);
  } else {
    console.log(`-- ${name}: done in ${seconds} s\n`);
  }
}
if (failed.length > 0) {
  console.log(`benchmarks that did not finish: ${failed.join(', ')}`);
  process.exit(1);
}
