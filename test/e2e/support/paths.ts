import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whatever the working directory of the test run. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The `registrar` command, run as a user runs it. */
export const REGISTRAR_BIN = join(ROOT, 'bin/registrar.mjs');

const SAMPLES_DIR = join(ROOT, 'events/samples');
const FIXTURES_DIR = join(ROOT, 'test/e2e/fixtures');

/** A sample of events/samples (the product's own), by file name. */
export function productSample(name: string): string {
  return join(SAMPLES_DIR, name);
}

/** A sample written for these suites, by path under test/e2e/fixtures/samples. */
export function fixtureSample(path: string): string {
  return join(FIXTURES_DIR, 'samples', path);
}

/** The samples of a folder under test/e2e/fixtures/samples whose names start with `prefix`, sorted. */
export function fixtureSamples(folder: string, prefix = ''): string[] {
  return readdirSync(join(FIXTURES_DIR, 'samples', folder))
    .filter((name) => name.startsWith(prefix) && name.endsWith('.json'))
    .sort()
    .map((name) => join(FIXTURES_DIR, 'samples', folder, name));
}

/** A world file written for these suites, by name (without .json). */
export function fixtureWorld(name: string): string {
  return join(FIXTURES_DIR, 'worlds', `${name}.json`);
}
