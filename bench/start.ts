/**
 * `npm start` on fresh clones, each a `git clone` of a checkout's HEAD with that checkout's
 * node_modules linked in (what `npm ci` would install). Per round, in a machine cache folder of its
 * own (XDG_CACHE_HOME):
 *
 * - clone A's first `npm start`: the machine's store of packages is empty, so it packages the hub
 *   (the first run of new inputs on a machine);
 * - clone A's second: the package comes from A's own cache (.build/hub);
 * - clone B's first: a fresh clone of the same inputs copies the package from the machine's store;
 * - `scripts/package.mjs` alone.
 *
 * osls keeps a compiled configuration validator in that cache folder too; each round starts with a
 * copy of this user's, as on a machine that packaged the hub once. `--cold-osls` starts each round
 * without it: a machine that never packaged the hub. Target: a fresh clone's `npm start` under 10 s.
 *
 *   node --import tsx bench/start.ts [--clones 3] [--repo <checkout>] [--cold-osls]
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { flagArg, numberArg, stringArg } from './lib/args.js';
import { loadLine, machineLine } from './lib/machine.js';
import { median } from './lib/stats.js';
import { printTable } from './lib/table.js';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const TARGET_SECONDS = 10;
const { cacheHome } = createRequire(import.meta.url)('../scripts/cache-home.cjs') as {
  cacheHome: () => string;
};

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

/** A clone of `repo` in `directory`/`name`, with the repo's node_modules linked in. */
function cloneOf(repo: string, directory: string, name: string): string {
  const checkout = join(directory, name);
  timed('git', ['clone', '--quiet', repo, checkout], directory, process.env);
  symlinkSync(join(repo, 'node_modules'), join(checkout, 'node_modules'));
  return checkout;
}

function main(): void {
  const repo = resolve(stringArg('repo', ROOT));
  const rounds = numberArg('clones', 3);
  const coldOsls = flagArg('cold-osls');
  if (!existsSync(join(repo, 'node_modules')))
    throw new Error(`${repo} has no node_modules: run npm ci there`);
  const commit = git(['rev-parse', '--short', 'HEAD'], repo);
  const oslsHome = join(cacheHome(), 'serverless-home');

  console.log('== npm start on fresh clones ==');
  console.log(machineLine());
  console.log(
    `${rounds} rounds of two clones of ${repo} at ${commit}, node_modules linked; each round's machine cache starts ${coldOsls ? 'empty (osls compiles its validator)' : 'with osls’s compiled validator only'}`,
  );
  const columns = [
    'clone A, first (packages)',
    'clone A, second (its cache)',
    'clone B, first (machine store)',
    'package.mjs alone',
  ];
  const times: number[][] = columns.map(() => []);
  const rows: string[][] = [['round', ...columns]];
  for (let round = 1; round <= rounds; round += 1) {
    const directory = mkdtempSync(join(tmpdir(), 'registrar-start-bench-'));
    try {
      const cache = join(directory, 'cache');
      const home = join(cache, 'appflow-connector-registrar', 'serverless-home');
      mkdirSync(home, { recursive: true });
      if (!coldOsls && existsSync(oslsHome)) cpSync(oslsHome, home, { recursive: true });
      const env = {
        ...process.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        XDG_CACHE_HOME: cache,
      };
      const a = cloneOf(repo, directory, 'a');
      const measured = [
        timed('npm', ['start', '--silent'], a, env),
        timed('npm', ['start', '--silent'], a, env),
        timed('npm', ['start', '--silent'], cloneOf(repo, directory, 'b'), env),
        timed(
          process.execPath,
          ['scripts/package.mjs', '--quiet', '--package', join(directory, 'package')],
          a,
          env,
        ),
      ];
      for (const [column, seconds] of measured.entries()) times[column]?.push(seconds);
      rows.push([String(round), ...measured.map((seconds) => `${seconds.toFixed(2)} s`)]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }
  rows.push(['median', ...times.map((column) => `${median(column).toFixed(2)} s`)]);
  printTable(rows);
  const [packaging = [], , reclone = []] = times;
  const verdict = (label: string, column: number[]) => {
    const worst = Math.max(...column);
    return `${label}: slowest ${worst.toFixed(2)} s${worst < TARGET_SECONDS ? '' : ' (over target)'}`;
  };
  console.log(
    `target under ${TARGET_SECONDS} s. ${verdict('fresh clone of inputs this machine packaged', reclone)}; ${verdict('first run of new inputs', packaging)}`,
  );
  console.log(`end: ${loadLine()}`);
}

main();
