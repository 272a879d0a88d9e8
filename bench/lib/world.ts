import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { FunctionSpec, WorldFile } from '../../local/index.js';

const CONNECTORS = resolve(new URL('../../examples/connectors', import.meta.url).pathname);

export const ORGANIZATION_ID = 'o-bench000001';
export const HUB_ACCOUNT_ID = '111111111111';

/** A world file the benchmark generates: it lives in its own temp directory. */
export interface GeneratedWorld {
  directory: string;
  path: string;
}

/**
 * A function of the world running one of examples/connectors, tagged with its connector label
 * unless `label` is null (a function that has not opted in).
 */
export function connectorFunction(
  directory: string,
  name: string,
  region: string,
  options: { example?: 'healthy' | 'failing' | 'untagged'; label?: string | null } = {},
): FunctionSpec {
  const example = options.example ?? 'healthy';
  const label = options.label === undefined ? name : options.label;
  return {
    name,
    region,
    handler: `${relative(directory, join(CONNECTORS, `${example}.ts`))}#handler`,
    ...(label === null ? {} : { tags: { 'appflow:connector-label': label } }),
  };
}

/** Writes the world built by `build` (given its directory, for relative handler paths) to a temp dir. */
export function writeWorld(build: (directory: string) => WorldFile): GeneratedWorld {
  const directory = mkdtempSync(join(tmpdir(), 'bench-world-'));
  const path = join(directory, 'world.json');
  writeFileSync(path, `${JSON.stringify(build(directory), null, 2)}\n`);
  return { directory, path };
}

/** A 12-digit account id for the n-th spoke of a generated landing zone (2xxxxxxxxxxx). */
export function spokeAccountId(n: number): string {
  return String(200_000_000_000 + n);
}
