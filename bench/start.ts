/**
 * `npm start` on a fresh clone: the wall time of the first run (the hub is packaged, its cache empty)
 * and of the second (the package comes from the cache), each clone a `git clone` of a checkout's
 * HEAD with that checkout's node_modules linked in (what `npm ci` would install), and the wall time
 * of `scripts/package.mjs` alone. Target: the first run under 10 s.
 *
 * osls keeps a compiled configuration validator in the cache folder package.mjs gives it
 * (XDG_CACHE_HOME, else ~/.cache); a machine that never packaged the hub compiles it first.
 * `--cold-osls` measures that machine: each clone gets an empty cache folder.
 *
 *   node --import tsx bench/start.ts [--clones 3] [--repo <checkout>] [--cold-osls]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { flagArg, numberArg, stringArg } from './lib/args.js';
import { loadLine, machineLine } from './lib/machine.js';
import { median } from './lib/stats.js';
import { printTable } from './lib/table.js';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const TARGET_SECONDS = 10;

/** Runs a command and returns its wall time in seconds; throws with its output when it fails. */
function timed(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const child = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${child.stdout}\n${child.stderr}`);
  }
  return seconds;
}

function git(args: string[], cwd: string): string {
  return spawnSync('git', args, { cwd, encoding: 'utf8' }).stdout.trim();
}

function main(): void {
  const repo = resolve(stringArg('repo', ROOT));
  const clones = numberArg('clones', 3);
  const coldOsls = flagArg('cold-osls');
  if (!existsSync(join(repo, 'node_modules')))
    throw new Error(`${repo} has no node_modules: run npm ci there`);
  const commit = git(['rev-parse', '--short', 'HEAD'], repo);

  console.log('== npm start on a fresh clone ==');
  console.log(machineLine());
  console.log(
    `${clones} clones of ${repo} at ${commit}, node_modules linked; osls cache ${coldOsls ? 'empty for each clone' : 'this user’s (warm once any clone packaged)'}`,
  );
  const rows: string[][] = [
    ['clone', 'npm start, first (packages)', 'npm start, second (cached)', 'package.mjs alone'],
  ];
  const first: number[] = [];
  const second: number[] = [];
  const packageAlone: number[] = [];
  for (let clone = 1; clone <= clones; clone += 1) {
    const directory = mkdtempSync(join(tmpdir(), 'registrar-start-bench-'));
    const cache = mkdtempSync(join(tmpdir(), 'registrar-start-bench-cache-'));
    try {
      const checkout = join(directory, 'clone');
      timed('git', ['clone', '--quiet', repo, checkout], directory, process.env);
      symlinkSync(join(repo, 'node_modules'), join(checkout, 'node_modules'));
      const env = {
        ...process.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...(coldOsls ? { XDG_CACHE_HOME: cache } : {}),
      };
      first.push(timed('npm', ['start', '--silent'], checkout, env));
      second.push(timed('npm', ['start', '--silent'], checkout, env));
      packageAlone.push(
        timed(
          process.execPath,
          ['scripts/package.mjs', '--quiet', '--package', join(directory, 'package')],
          checkout,
          env,
        ),
      );
      rows.push([
        String(clone),
        `${first.at(-1)?.toFixed(2)} s`,
        `${second.at(-1)?.toFixed(2)} s`,
        `${packageAlone.at(-1)?.toFixed(2)} s`,
      ]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  }
  rows.push([
    'median',
    `${median(first).toFixed(2)} s`,
    `${median(second).toFixed(2)} s`,
    `${median(packageAlone).toFixed(2)} s`,
  ]);
  printTable(rows);
  const worst = Math.max(...first);
  console.log(
    `first run: slowest ${worst.toFixed(2)} s, target under ${TARGET_SECONDS} s${worst < TARGET_SECONDS ? '' : ' (over target)'}`,
  );
  console.log(`end: ${loadLine()}`);
}

main();
