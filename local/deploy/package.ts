import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import lockfile from 'proper-lockfile';
import type { Template } from './cloudformation.js';

const { cacheHome } = createRequire(import.meta.url)('../../scripts/cache-home.cjs') as {
  cacheHome: () => string;
};

/**
 * The hub as `npm run package` (`serverless package`) writes it: the CloudFormation template and
 * the function zips, the zips unpacked so the local runtime can load the very code that would ship.
 */
export interface PackagedHub {
  /** The folder holding the template, the zips and code/<zip name>/ with each unpacked. */
  directory: string;
  template: Template;
  /** Hash of the inputs the package was made from (its cache key). */
  hash: string;
  /**
   * Where it came from: this checkout's cache, the machine's store (copied into the checkout's
   * cache), or `serverless package`, run by this call.
   */
  source: 'checkout' | 'machine' | 'packaged';
}

export interface PackageOptions {
  /** The project folder (serverless.yml's). */
  root: string;
  /** `--stage`; default dev. */
  stage?: string;
  /** `--param`s, as the README tells users to pass them. */
  params?: Record<string, string>;
  /** This checkout's packages, which a running stack loads its functions from; default <root>/.build/hub. */
  cacheDir?: string;
  /**
   * The machine's packages, shared by its checkouts (a re-clone, a worktree, CI's clean clone) under
   * the same hashes; default `machine-hub/` in scripts/cache-home.cjs's folder. false: none.
   */
  storeDir?: string | false;
}

export const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';
const KEPT_PACKAGES = 6;
/** A store entry is a few megabytes; a dozen covers the branches a person switches between. */
const KEPT_IN_STORE = 12;
/** A copy into the store that has not been renamed into place after this long was abandoned. */
const ABANDONED_MS = 60 * 60 * 1000;

/** What `serverless package` reads: a change to any of them makes a new package. */
const INPUTS = [
  'serverless.yml',
  // esbuild reads both: tsconfig.json's class-field and import settings, package.json's sideEffects.
  'tsconfig.json',
  'package.json',
  'resources',
  'statemachine',
  'events/rules',
  'functions',
  // package.mjs, the osls plugins and the esbuild options.
  'scripts',
  'package-lock.json',
];

/**
 * The packaged hub for these options: from this checkout's cache when its inputs have not changed
 * since, else copied from the machine's store when any checkout packaged the same inputs, else
 * packaged now (about as long as `npm run package`) and added to both. One package runs at a time
 * per checkout (osls works in one folder of the project, .serverless), and a package enters either
 * cache by a rename, so a reader never sees half of one. Stacks load code from the checkout's copy,
 * so pruning the store never pulls code from under a running stack.
 *
 * @example
 * const hub = await packageHub({ root, params: { organizationId: 'o-a1b2c3d4e5' } });
 * hub.template.Resources.HubEventBus;
 */
export async function packageHub(options: PackageOptions): Promise<PackagedHub> {
  const stage = options.stage ?? 'dev';
  const params = Object.entries(options.params ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const cacheDir = options.cacheDir ?? join(options.root, '.build', 'hub');
  const storeDir = options.storeDir ?? join(cacheHome(), 'machine-hub');
  const hash = inputHash(options.root, [stage, ...params.map(([name, value]) => `${name}=${value}`)]);
  const directory = join(cacheDir, hash);
  if (existsSync(join(directory, TEMPLATE_FILE))) return read(directory, hash, 'checkout');

  mkdirSync(cacheDir, { recursive: true });
  const release = await lockfile.lock(cacheDir, {
    lockfilePath: join(cacheDir, '.lock'),
    stale: 60_000,
    retries: { retries: 600, minTimeout: 100, maxTimeout: 500 },
  });
  try {
    // Another process may have packaged the same inputs while this one waited.
    if (existsSync(join(directory, TEMPLATE_FILE))) return read(directory, hash, 'checkout');
    const staging = `${directory}.staging`;
    rmSync(staging, { recursive: true, force: true });
    let source: PackagedHub['source'] = 'machine';
    try {
      if (!(storeDir && copyFromStore(join(storeDir, hash), staging))) {
        source = 'packaged';
        await runPackage(options.root, staging, stage, params);
        unpackZips(staging);
        if (storeDir) addToStore(staging, storeDir, hash);
      }
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    renameSync(staging, directory);
    // A running stack (of a test with other params, say) loads its code from its own package.
    prunePackages(cacheDir, KEPT_PACKAGES, hash);
    return read(directory, hash, source);
  } finally {
    await release();
  }
}

function read(directory: string, hash: string, source: PackagedHub['source']): PackagedHub {
  const template = JSON.parse(readFileSync(join(directory, TEMPLATE_FILE), 'utf8')) as Template;
  return { directory, template, hash, source };
}

/**
 * Copies a package of the store into `target` and marks it used (its time keeps it from pruning).
 * False when the store has none, or lost it while copying (another checkout pruned it: the copy
 * throws on the files gone).
 */
function copyFromStore(entry: string, target: string): boolean {
  if (!existsSync(join(entry, TEMPLATE_FILE))) return false;
  try {
    cpSync(entry, target, { recursive: true });
    const now = new Date();
    utimesSync(entry, now, now);
    return true;
  } catch {
    rmSync(target, { recursive: true, force: true });
    return false;
  }
}

/**
 * Adds a package to the store: copied beside its place, then renamed into it, so another checkout
 * sees all of it or nothing; when two checkouts add the same hash, the first rename wins and both
 * copies are the same. The store only saves time, so a failure here (a full or read-only disk) is
 * not the package's: the checkout keeps its copy.
 */
function addToStore(source: string, storeDir: string, hash: string): void {
  const copy = join(storeDir, `.${hash}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(storeDir, { recursive: true });
    cpSync(source, copy, { recursive: true });
    const entry = join(storeDir, hash);
    // Entries appear whole, by rename: one without its template was damaged outside this code.
    if (existsSync(entry) && !existsSync(join(entry, TEMPLATE_FILE))) {
      rmSync(entry, { recursive: true, force: true });
    }
    renameSync(copy, entry);
  } catch {
    try {
      rmSync(copy, { recursive: true, force: true });
    } catch {
      // storeDir is not a folder: there is no copy to remove.
    }
    return;
  }
  try {
    prunePackages(storeDir, KEPT_IN_STORE, hash);
  } catch {
    // Another checkout pruned the same entries meanwhile: nothing is lost.
  }
}

async function runPackage(
  root: string,
  outputDir: string,
  stage: string,
  params: [string, string][],
): Promise<void> {
  const args = [
    join(root, 'scripts', 'package.mjs'),
    '--quiet',
    '--stage',
    stage,
    '--package',
    outputDir,
    ...params.map(([name, value]) => `--param=${name}=${value}`),
  ];
  try {
    await promisify(execFile)(process.execPath, args, { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
    const detail = `${stdout}${stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`serverless package failed; run \`npm run package\` to see why.\n${detail}`, {
      cause: error,
    });
  }
}

/** Unpacks every zip of the package into code/<zip file name>/, as Lambda unpacks it into /var/task. */
function unpackZips(directory: string): void {
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.zip'))) {
    const target = join(directory, 'code', file);
    for (const [path, bytes] of Object.entries(unzipSync(readFileSync(join(directory, file))))) {
      if (path.endsWith('/')) continue;
      const destination = join(target, path);
      if (relative(target, destination).startsWith('..')) {
        throw new Error(`${file} holds an entry outside its folder: ${path}`);
      }
      mkdirSync(dirname(destination), { recursive: true });
      writeFileSync(destination, bytes);
    }
  }
}

/**
 * Keeps `kept` packages of a folder, `current` and those used last (a package folder's time is its
 * last use), and removes copies into it abandoned by a crash (addToStore's .<hash>-<random>).
 */
function prunePackages(folder: string, kept: number, current: string): void {
  const entries = readdirSync(folder).map((name) => ({
    name,
    used: statSync(join(folder, name)).mtimeMs,
  }));
  const others = entries
    .filter(({ name }) => name !== current && /^[0-9a-f]{16}$/.test(name))
    .sort((a, b) => b.used - a.used);
  const abandoned = entries.filter(
    ({ name, used }) => /^\.[0-9a-f]{16}-[0-9a-f]{8}$/.test(name) && Date.now() - used > ABANDONED_MS,
  );
  for (const { name } of [...others.slice(kept - 1), ...abandoned]) {
    rmSync(join(folder, name), { recursive: true, force: true });
  }
}

/** A hash of every input file's path and bytes, and of the arguments. */
function inputHash(root: string, args: string[]): string {
  const hash = createHash('sha256');
  for (const arg of args) hash.update(`${arg}\0`);
  const visit = (path: string): void => {
    const full = join(root, path);
    if (!existsSync(full)) return;
    const entries = readdirSync(full, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) visit(child);
      else hash.update(`${child}\0`).update(readFileSync(join(root, child)));
    }
  };
  for (const input of INPUTS) {
    const full = join(root, input);
    if (!existsSync(full)) continue;
    if (statSync(full).isDirectory()) visit(input);
    else hash.update(`${input}\0`).update(readFileSync(full));
  }
  return hash.digest('hex').slice(0, 16);
}
