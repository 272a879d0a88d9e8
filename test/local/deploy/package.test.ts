import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageHub, TEMPLATE_FILE } from '../../../local/deploy/package.js';

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
  const runs = () => readFileSync(join(root, 'runs.log'), 'utf8').trim().split('\n');

  beforeEach(() => {
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
    delete process.env.FAKE_ZIP;
  });

  it('packages once, unpacks the zips, and answers from the cache while the inputs stay the same', async () => {
    const first = await packageHub({ root, params: { organizationId: 'o-a1b2c3d4e5' } });
    const second = await packageHub({ root, params: { organizationId: 'o-a1b2c3d4e5' } });

    expect([first.packaged, second.packaged]).toEqual([true, false]);
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
    expect([edited.packaged, otherParams.packaged]).toEqual([true, true]);
  });

  it('packages again when an osls plugin or the esbuild options in scripts/ change', async () => {
    const first = await packageHub({ root });
    writeFileSync(join(root, 'scripts', 'serverless-bundle.cjs'), 'module.exports = class {};\n');
    const plugin = await packageHub({ root });
    writeFileSync(join(root, 'scripts', 'esbuild-options.cjs'), 'module.exports = { options: {} };\n');
    const options = await packageHub({ root });

    expect(new Set([first.hash, plugin.hash, options.hash]).size).toBe(3);
    expect([plugin.packaged, options.packaged]).toEqual([true, true]);
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
    expect([tsconfig.packaged, manifest.packaged]).toEqual([true, true]);
  });

  it('packages once when several callers ask at the same time', async () => {
    const all = await Promise.all([packageHub({ root }), packageHub({ root }), packageHub({ root })]);

    expect(all.filter((hub) => hub.packaged)).toHaveLength(1);
    expect(runs()).toHaveLength(1);
  });

  it('fails with what the packager said and leaves nothing half-written in the cache', async () => {
    writeFileSync(join(root, 'serverless.yml'), 'service: broken\n');

    await expect(packageHub({ root })).rejects.toThrow(/serverless package failed.*\n.*broken on purpose/);
    const cache = join(root, '.build', 'hub');
    const kept = existsSync(cache) ? readdirSync(cache).filter((name) => !name.startsWith('.')) : [];
    expect(kept).toEqual([]);
  });
});
