// Child of bench/cold-start.ts: one fresh Node process that imports one bundle, as Lambda's init
// phase does, and prints how long the import (module initialisation) took, as JSON on stdout.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [bundle] = process.argv.slice(2);
if (!bundle) throw new Error('usage: node import-timer.mjs <bundle.mjs>');
const started = performance.now();
await import(pathToFileURL(bundle).href);
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms })}\n`);
