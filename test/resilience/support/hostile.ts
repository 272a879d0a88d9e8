import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { HOSTILE_FIXTURES } from './paths.js';
import type { Signal } from './signals.js';

/**
 * A hostile-corpus fixture (test/resilience/fixtures/hostile/*.json): one PutEvents entry, who puts
 * it, and the typed outcome it must end in.
 *
 *   {
 *     "description": "what is hostile about it",
 *     "account": "111111111111", "region": "eu-west-1",
 *     "putBy": "aws-service",                 // optional: default aws-service for aws.* sources
 *     "entry": { "Source": "…", "DetailType": "…", "Detail": { … }, "Resources": [] },
 *     "generate": [ … ],                      // optional: large values built at load time
 *     "expect": { "outcome": "failed", "error": "InvalidFunctionArnError" }
 *   }
 *
 * `entry.DetailText` replaces Detail with raw text (malformed JSON, a JSON array…). Any entry
 * field may be absent or mistyped: that is the point.
 */
export interface HostileFixture {
  description: string;
  account: string;
  region: string;
  putBy?: 'account' | 'aws-service';
  entry: Record<string, unknown>;
  generate?: Generator[];
  expect: HostileExpectation;
}

/** The outcome a fixture must end in. */
export interface HostileExpectation {
  /** refused: PutEvents refused it (error = ErrorCode); none: no deploy rule matched. */
  /** dead-lettered: EventBridge could not deliver it (the dead-letter alarm alerts). */
  outcome: 'refused' | 'none' | 'skipped' | 'registered' | 'failed' | 'dead-lettered';
  /** ErrorCode for refused; the error name of functions/shared/errors.ts for failed. */
  error?: string;
  /** For registered: the label AppFlow holds, in the fixture's account. */
  connectorLabel?: string;
}

/**
 * Builds a large value at `path` (keys from the entry down): a string of `fill` sized so the entry
 * weighs `entryBytes` as EventBridge counts it, an array of `count` copies of `item`, or `depth`
 * objects nested under key `key`.
 */
export type Generator =
  | { path: string[]; fill: string; entryBytes: number }
  | { path: string[]; item: unknown; count: number }
  | { path: string[]; key: string; depth: number; leaf: unknown };

export interface LoadedFixture {
  name: string;
  fixture: HostileFixture;
  /** The entry as PutEvents takes it (Detail as JSON text), and who puts it. */
  signal: Signal;
}

const OUTCOMES = ['refused', 'none', 'skipped', 'registered', 'failed', 'dead-lettered'];

/** Every fixture of the corpus, sorted by file name; a malformed fixture throws, naming its file. */
export function loadHostileFixtures(dir = HOSTILE_FIXTURES): LoadedFixture[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => loadFixture(join(dir, file)));
}

function loadFixture(path: string): LoadedFixture {
  const name = basename(path, '.json');
  const fixture = JSON.parse(readFileSync(path, 'utf8')) as HostileFixture;
  const problem = fixtureProblem(fixture);
  if (problem) throw new Error(`${path}: ${problem}`);
  const entry = structuredClone(fixture.entry);
  for (const generator of fixture.generate ?? []) apply(entry, generator);
  const { DetailText, Detail, ...rest } = entry;
  const detailText = typeof DetailText === 'string' ? DetailText : JSON.stringify(Detail);
  return {
    name,
    fixture,
    signal: {
      account: fixture.account,
      region: fixture.region,
      ...(fixture.putBy ? { putBy: fixture.putBy } : {}),
      entry: { ...rest, Detail: detailText } as unknown as Signal['entry'],
    },
  };
}

function fixtureProblem(fixture: HostileFixture): string | undefined {
  if (typeof fixture.description !== 'string' || fixture.description === '') return 'description is missing';
  if (!/^\d{12}$/.test(fixture.account)) return 'account must be 12 digits';
  if (typeof fixture.entry !== 'object' || fixture.entry === null) return 'entry must be an object';
  const { outcome, error, connectorLabel } = fixture.expect ?? {};
  if (!OUTCOMES.includes(outcome)) return `expect.outcome must be one of ${OUTCOMES.join(', ')}`;
  if (
    (outcome === 'failed' || outcome === 'refused' || outcome === 'dead-lettered') !==
    (typeof error === 'string')
  ) {
    return 'expect.error is required for failed and refused, and only for them';
  }
  if ((outcome === 'registered') !== (typeof connectorLabel === 'string')) {
    return 'expect.connectorLabel is required for registered, and only for it';
  }
  return undefined;
}

/** EventBridge's entry size: UTF-8 bytes of Source, DetailType, Detail and each resource. */
export function entryBytes(entry: Record<string, unknown>): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  const detail = typeof entry.DetailText === 'string' ? entry.DetailText : JSON.stringify(entry.Detail);
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(detail) +
    resources.reduce((n, r) => n + bytes(r), 0)
  );
}

function apply(entry: Record<string, unknown>, generator: Generator): void {
  const parentPath = generator.path.slice(0, -1);
  const key = generator.path.at(-1) as string;
  let parent = entry;
  for (const step of parentPath) parent = parent[step] as Record<string, unknown>;
  if ('fill' in generator) {
    parent[key] = '';
    const missing = generator.entryBytes - entryBytes(entry);
    parent[key] = generator.fill.repeat(Math.max(0, Math.ceil(missing / Buffer.byteLength(generator.fill))));
    if (entryBytes(entry) !== generator.entryBytes) {
      throw new Error(
        `cannot pad the entry to exactly ${generator.entryBytes} bytes with "${generator.fill}"`,
      );
    }
  } else if ('count' in generator) {
    parent[key] = Array.from({ length: generator.count }, () => structuredClone(generator.item));
  } else {
    let value: unknown = generator.leaf;
    for (let i = 0; i < generator.depth; i++) value = { [generator.key]: value };
    parent[key] = value;
  }
}
