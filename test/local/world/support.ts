import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect } from 'vitest';
import { loadWorld, WorldFileError } from '../../../local/world/load.js';

export const FIXTURES = resolve(import.meta.dirname, 'fixtures');
export const MODULE = join(FIXTURES, 'handlers', 'connector.mjs');

// biome-ignore lint/suspicious/noExplicitAny: the tests edit a free-form JSON document
export type Mutable = Record<string, any>;

/**
 * Variants of a fixture world for the enclosing test file: each is the fixture with one change,
 * written to a temporary folder removed after the file (handlers made absolute so they still resolve).
 */
export function useVariants(fixture: string): {
  variant: (change: (world: Mutable) => void) => string;
  /** The temporary folder the variants are written to. */
  dir: string;
} {
  const tmp = mkdtempSync(join(tmpdir(), 'world-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const variant = (change: (world: Mutable) => void): string => {
    const world = JSON.parse(readFileSync(fixture, 'utf8')) as Mutable;
    for (const account of world.accounts) {
      for (const fn of account.functions) fn.handler = `${MODULE}#handler`;
    }
    change(world);
    const file = join(tmp, `world-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(world));
    return file;
  };
  return { variant, dir: tmp };
}

/** The problems loadWorld reports for a file it must refuse. */
export function problemsOf(file: string): string[] {
  try {
    loadWorld(file);
  } catch (error) {
    expect(error).toBeInstanceOf(WorldFileError);
    expect((error as Error).message).toContain(file);
    return (error as WorldFileError).problems;
  }
  throw new Error('expected the world file to be refused');
}
