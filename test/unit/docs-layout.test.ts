import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);

/** The indented block under a heading: the layout, as README.md and docs/design.md print it. */
function layoutBlock(markdown: string, after: string): string {
  const start = markdown.indexOf('    functions/<name>/', markdown.indexOf(after));
  const end = markdown.indexOf('\n\n', start);
  return markdown.slice(start, end);
}

/** The folders a layout line names at its start: `    local/   the local stack` → local. */
function namedFolders(block: string): string[] {
  return block
    .split('\n')
    .map((line) => /^ {4}([a-z][\w./<>-]*)\/\s/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

describe("the README's layout", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = layoutBlock(readme, '## Layout');
  const ignored = readFileSync(join(ROOT, '.gitignore'), 'utf8')
    .split('\n')
    .filter((line) => line.endsWith('/'))
    .map((line) => line.slice(0, -1));
  const folders = readdirSync(ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !ignored.includes(entry.name))
    .map((entry) => entry.name);

  it('names every top-level folder of the tree, and only folders that exist', () => {
    const named = namedFolders(block);
    const topLevel = new Set(named.map((name) => name.split('/')[0]));

    expect([...topLevel].sort()).toEqual([...folders].sort());
    for (const name of named.filter((entry) => !entry.includes('<'))) {
      expect(readdirSync(join(ROOT, name)).length, `${name}/ is in the layout`).toBeGreaterThan(0);
    }
  });

  it('lists every function folder', () => {
    const functions = readdirSync(join(ROOT, 'functions')).filter((name) => name !== 'shared');
    const functionsLine = block.slice(0, block.indexOf('    functions/shared/'));

    for (const name of functions) expect(functionsLine, name).toContain(name);
  });

  it('is the layout docs/design.md prints', () => {
    const design = readFileSync(join(ROOT, 'docs', 'design.md'), 'utf8');

    expect(layoutBlock(design, "The same as the README's Layout")).toBe(block);
  });
});
