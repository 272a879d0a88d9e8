// Child of bench/cold-start.ts: one fresh Node process that imports one bundle, as Lambda's init
// phase does, and prints how long the import (module initialisation) took, as JSON on stdout: the
// wall-clock milliseconds, and the CPU milliseconds the process spent meanwhile (user + system, all
// its threads), which other work on a busy machine stretches far less than the wall clock.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [bundle] = process.argv.slice(2);
if (!bundle) throw new Error('usage: node import-timer.mjs <bundle.mjs>');
const cpuBefore = process.cpuUsage();
const started = performance.now();
await import(pathToFileURL(bundle).href);
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(`${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
