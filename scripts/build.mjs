// Bundles every Lambda under functions/<name>/handler.ts into .build/<name>/handler.mjs with the same
// esbuild options serverless-esbuild uses for deploy.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const { options } = require('./esbuild-options.cjs');

const root = new URL('..', import.meta.url).pathname;
const functionsDir = join(root, 'functions');
const names = readdirSync(functionsDir).filter((name) => existsSync(join(functionsDir, name, 'handler.ts')));

const started = Date.now();
await Promise.all(
  names.map((name) =>
    build({
      ...options,
      entryPoints: [join(functionsDir, name, 'handler.ts')],
      outfile: join(root, '.build', name, 'handler.mjs'),
      outExtension: undefined,
      logLevel: 'warning',
    }),
  ),
);
console.error(`built ${names.length} functions into .build/ in ${Date.now() - started} ms`);
