// Bundles every Lambda under functions/<name>/handler.ts into .build/<name>/handler.mjs with the same
// esbuild options serverless-esbuild uses for deploy. Skips the work when every bundle is newer than
// every input (sources, the lock file, the options), so `npm start` does not pay for it twice.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const { options } = require('./esbuild-options.cjs');

const root = new URL('..', import.meta.url).pathname;
const functionsDir = join(root, 'functions');
const names = readdirSync(functionsDir).filter((name) => existsSync(join(functionsDir, name, 'handler.ts')));
const outfile = (name) => join(root, '.build', name, 'handler.mjs');

function newestInput() {
  const files = [join(root, 'package-lock.json'), join(root, 'scripts', 'esbuild-options.cjs')];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(functionsDir);
  return Math.max(...files.filter(existsSync).map((file) => statSync(file).mtimeMs));
}

const force = process.argv.includes('--force');
const newest = force ? Number.POSITIVE_INFINITY : newestInput();
const upToDate = names.every((name) => existsSync(outfile(name)) && statSync(outfile(name)).mtimeMs > newest);
if (upToDate) {
  console.error(`${names.length} function bundles in .build/ are up to date`);
} else {
  const started = Date.now();
  await Promise.all(
    names.map((name) =>
      build({
        ...options,
        entryPoints: [join(functionsDir, name, 'handler.ts')],
        outfile: outfile(name),
        outExtension: undefined,
        logLevel: 'warning',
      }),
    ),
  );
  console.error(`built ${names.length} functions into .build/ in ${Date.now() - started} ms`);
}
