import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCfnYaml } from './cfn-yaml.js';
import { ROOT } from './package-hub.js';

type Files = Record<string, Uint8Array>;
interface FakeFunction {
  handler: string;
  package?: { artifact: string };
}

// The local osls plugin serverless.yml lists; CommonJS, as osls requires plugins.
const plugin = createRequire(import.meta.url)('../../scripts/serverless-bundle.cjs') as {
  new (
    serverless: unknown,
    options?: Record<string, unknown>,
  ): { hooks: Record<string, () => Promise<void>>; bundles?: Promise<unknown> };
  bundleHandlers: (serviceDir: string, handlers: Record<string, string>) => Promise<Record<string, Files>>;
  zipOf: (files: Files) => Uint8Array;
  packagesFunctions: (commands: string[], options: Record<string, unknown>) => boolean;
};
const { options } = createRequire(import.meta.url)('../../scripts/esbuild-options.cjs') as {
  options: Record<string, unknown>;
};

/** Each entry of a zip's central directory: name, DOS time and date, Unix mode. */
function centralDirectory(zip: Uint8Array): { name: string; time: number; date: number; mode: number }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.byteLength - 22; // no archive comment
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  const entries = [];
  let at = view.getUint32(end + 16, true);
  for (let count = view.getUint16(end + 10, true); count > 0; count -= 1) {
    const nameLength = view.getUint16(at + 28, true);
    entries.push({
      name: new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength)),
      time: view.getUint16(at + 12, true),
      date: view.getUint16(at + 14, true),
      mode: view.getUint32(at + 38, true) >>> 16,
    });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return entries;
}

/** What esbuild writes for one handler built on its own, as serverless-esbuild built each function. */
async function buildAlone(handler: string): Promise<Files> {
  const module = handler.slice(0, handler.lastIndexOf('.'));
  const folder = module.slice(0, module.lastIndexOf('/'));
  const { outputFiles } = await build({
    ...options,
    absWorkingDir: ROOT,
    entryPoints: [`./${module}.ts`],
    outdir: join(ROOT, folder),
    write: false,
    logLevel: 'silent',
  });
  return Object.fromEntries(outputFiles.map((file) => [`${folder}/${basename(file.path)}`, file.contents]));
}

const temporary: string[] = [];
afterEach(() => {
  for (const directory of temporary.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** A service folder with these files (path → source). */
function service(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'bundle-plugin-'));
  temporary.push(directory);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(join(directory, path, '..'), { recursive: true });
    writeFileSync(join(directory, path), source);
  }
  return directory;
}

/** The plugin as osls constructs it, over a service of these functions. */
function fakeServerless(serviceDir: string, functions: Record<string, FakeFunction>, commands: string[]) {
  return {
    serviceDir,
    processedInput: { commands },
    service: {
      getAllFunctions: () => Object.keys(functions),
      getFunction: (name: string) => functions[name],
    },
  };
}

const SMALL_HANDLER = "export const handler = async () => (await import('./lazy.js')).answer;\n";
const LAZY_MODULE = 'export const answer = 42;\n';

describe('scripts/serverless-bundle.cjs', () => {
  it("bundles each of the hub's handlers exactly as building it alone does, though one context builds them all", async () => {
    const config = parseCfnYaml(readFileSync(`${ROOT}serverless.yml`, 'utf8')) as {
      functions: Record<string, { handler: string }>;
    };
    const handlers = Object.fromEntries(
      Object.entries(config.functions).map(([name, { handler }]) => [name, handler]),
    );

    const bundles = await plugin.bundleHandlers(ROOT, handlers);

    expect(Object.keys(bundles)).toEqual(Object.keys(handlers));
    for (const [name, handler] of Object.entries(handlers)) {
      const alone = await buildAlone(handler);
      expect(Object.keys(bundles[name] ?? {}).sort(), name).toEqual(Object.keys(alone).sort());
      for (const [path, bytes] of Object.entries(alone)) {
        expect(Buffer.from(bundles[name]?.[path] ?? []).equals(Buffer.from(bytes)), `${name}: ${path}`).toBe(
          true,
        );
      }
    }
  }, 60_000);

  it('names the entry after the handler module, whatever it is called', async () => {
    const directory = service({ 'src/index.ts': SMALL_HANDLER, 'src/lazy.ts': LAZY_MODULE });

    const { api } = await plugin.bundleHandlers(directory, { api: 'src/index.handler' });

    const paths = Object.keys(api ?? {});
    expect(paths).toContain('src/index.mjs');
    expect(paths.filter((path) => path !== 'src/index.mjs')).toEqual([
      expect.stringMatching(/^src\/handler\.lazy-\w+\.mjs$/),
    ]);
  });

  it('fails naming the handler whose module does not exist', async () => {
    const directory = service({});

    await expect(plugin.bundleHandlers(directory, { api: 'src/missing.handler' })).rejects.toThrow(
      `The handler "src/missing.handler" names the module src/missing, which has no .ts, .mts, .js or .mjs file in ${directory}: check the function's handler in serverless.yml`,
    );
  });

  it("fails with esbuild's message when a handler does not compile", async () => {
    const directory = service({ 'src/handler.ts': 'export const handler = async () => {\n' });

    await expect(plugin.bundleHandlers(directory, { api: 'src/handler.handler' })).rejects.toThrow(
      /^Build failed with 1 error:\nsrc\/handler\.ts:2:0: ERROR: Unexpected end of file$/,
    );
  });

  it('zips the same files into the same bytes, sorted, dated 1980-01-01 and readable by all (rw-r--r--)', () => {
    const files = {
      'b/handler.mjs': new TextEncoder().encode('b'),
      'a/x.mjs': new TextEncoder().encode('a'),
    };

    const zip = plugin.zipOf(files);

    expect(Buffer.from(plugin.zipOf(files)).equals(Buffer.from(zip))).toBe(true);
    expect(centralDirectory(zip)).toEqual([
      { name: 'a/x.mjs', time: 0, date: (0 << 9) | (1 << 5) | 1, mode: 0o100644 },
      { name: 'b/handler.mjs', time: 0, date: (0 << 9) | (1 << 5) | 1, mode: 0o100644 },
    ]);
    expect(unzipSync(zip)).toEqual(files);
  });

  it('starts bundling when the plugin loads only for commands that package the functions', () => {
    expect(plugin.packagesFunctions(['package'], {})).toBe(true);
    expect(plugin.packagesFunctions(['deploy'], {})).toBe(true);
    expect(plugin.packagesFunctions(['deploy'], { package: '.serverless' })).toBe(false);
    expect(plugin.packagesFunctions(['deploy', 'function'], { function: 'verifyFunction' })).toBe(false);
    expect(plugin.packagesFunctions(['info'], {})).toBe(false);
    expect(plugin.packagesFunctions(['remove'], {})).toBe(false);
  });

  it('writes every function’s zip into .serverless when packaging, and points the function at it', async () => {
    const directory = service({ 'src/handler.ts': SMALL_HANDLER, 'src/lazy.ts': LAZY_MODULE });
    const functions: Record<string, FakeFunction> = {
      api: { handler: 'src/handler.handler' },
      worker: { handler: 'src/handler.handler' },
    };
    const instance = new plugin(fakeServerless(directory, functions, ['package']), {});

    expect(instance.bundles).toBeInstanceOf(Promise);
    await instance.hooks['before:package:createDeploymentArtifacts']?.();

    expect(functions.api?.package).toEqual({ artifact: '.serverless/api.zip' });
    expect(functions.worker?.package).toEqual({ artifact: '.serverless/worker.zip' });
    const files = unzipSync(readFileSync(join(directory, '.serverless/api.zip')));
    expect(Object.keys(files).sort()).toEqual([
      expect.stringMatching(/^src\/handler\.lazy-\w+\.mjs$/),
      'src/handler.mjs',
    ]);
  });

  it('packages only the named function for `serverless deploy function`', async () => {
    const directory = service({ 'src/handler.ts': SMALL_HANDLER, 'src/lazy.ts': LAZY_MODULE });
    const functions: Record<string, FakeFunction> = {
      api: { handler: 'src/handler.handler' },
      worker: { handler: 'src/handler.handler' },
    };
    const instance = new plugin(fakeServerless(directory, functions, ['deploy', 'function']), {
      function: 'worker',
    });

    expect(instance.bundles).toBeUndefined();
    await instance.hooks['before:package:function:package']?.();

    expect(functions.worker?.package).toEqual({ artifact: '.serverless/worker.zip' });
    expect(functions.api?.package).toBeUndefined();
  });
});
