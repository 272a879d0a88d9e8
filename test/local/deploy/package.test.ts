import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type PackageOptions,
  packageHub as packageHubOf,
  TEMPLATE_FILE,
} from '../../../local/deploy/package.js';

/**
 * A stand-in for scripts/package.mjs in a project of its own: it writes what `serverless package`
 * writes (a template and a zip) into --package, and counts its runs, so the cache can be watched.
 */
const FAKE_PACKAGER = `
import { appendFileSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
const args = process.argv.slice(2);
const out = args[args.indexOf('--package') + 1];
appendFileSync(new URL('../runs.log', import.meta.url), args.filter((a) => a.startsWith('--param')).join(' ') + '\\n');
mkdirSync(out, { recursive: true });
if (readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8').includes('broken')) {
  writeFileSync(join(out, 'half-written.zip'), '');
  console.error('Cannot resolve serverless.yml: broken on purpose');
  process.exit(1);
}
writeFileSync(join(out, '${TEMPLATE_FILE}'), JSON.stringify({ Resources: {}, Outputs: { Params: { Value: args.join(' ') } } }));
writeFileSync(join(out, 'fn.zip'), Buffer.from(process.env.FAKE_ZIP, 'base64'));
`;

describe('packageHub', () => {
  let root: string;
  /** The machine's store of packages, of this test alone. */
  let store: string;
  /** One line per run of the packager: its --param arguments. */
  const runs = (project = root) => {
    const log = readFileSync(join(project, 'runs.log'), 'utf8');
    return log === '' ? [] : log.replace(/\n$/, '').split('\n');
  };
  const packageHub = (options: Partial<PackageOptions> = {}) =>
    packageHubOf({ root, storeDir: store, ...options });

  beforeEach(() => {
    store = mkdtempSync(join(tmpdir(), 'registrar-package-store-'));
    root = mkdtempSync(join(tmpdir(), 'registrar-package-test-'));
    mkdirSync(join(root, 'scripts'));
    mkdirSync(join(root, 'functions', 'fn'), { recursive: true });
    writeFileSync(join(root, 'scripts', 'package.mjs'), FAKE_PACKAGER);
    writeFileSync(join(root, 'serverless.yml'), 'service: fake\n');
    writeFileSync(join(root, 'functions', 'fn', 'handler.ts'), 'export const handler = 1;\n');
    writeFileSync(join(root, 'runs.log'), '');
    const zip = zipSync({
      'functions/fn/handler.mjs': new TextEncoder().encode('export const handler = 1;'),
    });
    process.env.FAKE_ZIP = Buffer.from(zip).toString('base64');
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(store, { recursive: true, force: true });
    delete process.env.FAKE_ZIP;
  });

  it('packages once, unpacks the zips, and answers from the cache while the inputs stay the same', async () => {
    const first = await packageHub({ root, params: { organizationId: 'o-a1b2c3d4e5' } });
    const second = await packageHub({ root, params: { organizationId: 'o-a1b2c3d4e5' } });

    expect([first.source, second.source]).toEqual(['packaged', 'checkout']);
    expect(second.directory).toBe(first.directory);
    expect(runs()).toEqual(['--param=organizationId=o-a1b2c3d4e5']);
    expect(
      readFileSync(join(first.directory, 'code', 'fn.zip', 'functions', 'fn', 'handler.mjs'), 'utf8'),
    ).toBe('export const handler = 1;');
  });

  it('packages again when a source file or a param changes', async () => {
    const first = await packageHub({ root });
    writeFileSync(join(root, 'functions', 'fn', 'handler.ts'), 'export const handler = 2;\n');
    const edited = await packageHub({ root });
    const otherParams = await packageHub({ root, params: { allowedAccountIds: '222222222222' } });

    expect(new Set([first.hash, edited.hash, otherParams.hash]).size).toBe(3);
    expect([edited.source, otherParams.source]).toEqual(['packaged', 'packaged']);
  });

  it('packages again when an osls plugin or the esbuild options in scripts/ change', async () => {
    const first = await packageHub({ root });
    writeFileSync(join(root, 'scripts', 'serverless-bundle.cjs'), 'module.exports = class {};\n');
    const plugin = await packageHub({ root });
    writeFileSync(join(root, 'scripts', 'esbuild-options.cjs'), 'module.exports = { options: {} };\n');
    const options = await packageHub({ root });

    expect(new Set([first.hash, plugin.hash, options.hash]).size).toBe(3);
    expect([plugin.source, options.source]).toEqual(['packaged', 'packaged']);
  });

  it('packages again when tsconfig.json or package.json, which esbuild reads, change', async () => {
    const first = await packageHub({ root });
    writeFileSync(
      join(root, 'tsconfig.json'),
      '{ "compilerOptions": { "useDefineForClassFields": false } }\n',
    );
    const tsconfig = await packageHub({ root });
    writeFileSync(join(root, 'package.json'), '{ "sideEffects": false }\n');
    const manifest = await packageHub({ root });

    expect(new Set([first.hash, tsconfig.hash, manifest.hash]).size).toBe(3);
    expect([tsconfig.source, manifest.source]).toEqual(['packaged', 'packaged']);
  });

  it('packages once when several callers ask at the same time', async () => {
    const all = await Promise.all([packageHub({ root }), packageHub({ root }), packageHub({ root })]);

    expect(all.filter((hub) => hub.source === 'packaged')).toHaveLength(1);
    expect(runs()).toHaveLength(1);
  });

  it('fails with what the packager said and leaves nothing half-written in the cache', async () => {
    writeFileSync(join(root, 'serverless.yml'), 'service: broken\n');

    await expect(packageHub({ root })).rejects.toThrow(/serverless package failed.*\n.*broken on purpose/);
    const cache = join(root, '.build', 'hub');
    const kept = existsSync(cache) ? readdirSync(cache).filter((name) => !name.startsWith('.')) : [];
    expect(kept).toEqual([]);
    expect(readdirSync(store)).toEqual([]);
  });

  describe("the machine's store", () => {
    /** Another clone of the same project: the same inputs, its own cache and runs.log. */
    function cloneOf(project: string): string {
      const clone = mkdtempSync(join(tmpdir(), 'registrar-package-clone-'));
      cpSync(project, clone, { recursive: true, filter: (path) => !path.includes('.build') });
      writeFileSync(join(clone, 'runs.log'), '');
      return clone;
    }

    it('gives another checkout of the same inputs a copy instead of running osls again', async () => {
      const first = await packageHub();
      const clone = cloneOf(root);
      try {
        const copied = await packageHub({ root: clone });

        expect(first.source).toBe('packaged');
        expect(copied.source).toBe('machine');
        expect(copied.hash).toBe(first.hash);
        expect(runs(clone)).toEqual([]);
        // The clone's stack loads its code from the clone's own cache, not from the store.
        expect(copied.directory).toBe(join(clone, '.build', 'hub', first.hash));
        expect(
          readFileSync(join(copied.directory, 'code', 'fn.zip', 'functions', 'fn', 'handler.mjs'), 'utf8'),
        ).toBe('export const handler = 1;');
        expect((await packageHub({ root: clone })).source).toBe('checkout');
      } finally {
        rmSync(clone, { recursive: true, force: true });
      }
    });

    it('keeps the twelve packages used last, a copy counting as a use', async () => {
      const made = [];
      for (let n = 0; n < 12; n += 1) made.push(await packageHub({ params: { n: String(n) } }));
      // Package 0 is the oldest, but another checkout copies it now.
      const clone = cloneOf(root);
      try {
        expect((await packageHub({ root: clone, params: { n: '0' } })).source).toBe('machine');
      } finally {
        rmSync(clone, { recursive: true, force: true });
      }
      await packageHub({ params: { n: '12' } });

      const kept = readdirSync(store);
      expect(kept).toHaveLength(12);
      expect(kept).toContain(made[0]?.hash);
      expect(kept).not.toContain(made[1]?.hash);
      // This checkout's own cache keeps its own few, whatever the store prunes.
      expect(existsSync(join(made[11]?.directory ?? '', TEMPLATE_FILE))).toBe(true);
    });

    it('packages as before when the store cannot be written, and replaces a damaged entry', async () => {
      const blocked = join(store, 'not-a-folder');
      writeFileSync(blocked, '');
      const unwritable = await packageHub({ storeDir: blocked });
      expect(unwritable.source).toBe('packaged');

      // An entry without its template (damaged outside packageHub) is no package, and is replaced.
      const damaged = join(store, unwritable.hash);
      mkdirSync(join(damaged, 'code'), { recursive: true });
      const clone = cloneOf(root);
      try {
        expect((await packageHub({ root: clone })).source).toBe('packaged');
        expect(existsSync(join(damaged, TEMPLATE_FILE))).toBe(true);
      } finally {
        rmSync(clone, { recursive: true, force: true });
      }
    });

    it('is left alone with storeDir: false', async () => {
      const hub = await packageHub({ storeDir: false });

      expect(hub.source).toBe('packaged');
      expect(readdirSync(store)).toEqual([]);
      expect(basename(hub.directory)).toBe(hub.hash);
    });
  });
});
