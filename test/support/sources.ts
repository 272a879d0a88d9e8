import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** functions/, the handlers and their shared code. */
export const FUNCTIONS_DIR = fileURLToPath(new URL('../../functions/', import.meta.url));

/** Every .ts file under a directory, recursively, sorted. */
export function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return tsFilesUnder(path);
      return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
    });
}

const RELATIVE_IMPORT = /(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/g;

/** The project files a file imports (relative imports only; `.js` specifiers name `.ts` files). */
export function relativeImportsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(RELATIVE_IMPORT)].map((match) =>
    resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts')),
  );
}

/** The files a handler can run: its own directory's files and everything they import, transitively. */
export function reachableFrom(entries: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...relativeImportsOf(file));
  }
  return [...seen].sort();
}

/**
 * `this.name = '…'` assignments per class, from the source text: the error names the code sets.
 * A class that sets `this.name` from anything but a string literal shows up with name undefined.
 */
export function errorClassesIn(
  files: string[],
): { file: string; className: string; name: string | undefined }[] {
  return files.flatMap((file) => {
    const chunks = readFileSync(file, 'utf8')
      .split(/\bclass\s+/)
      .slice(1);
    return chunks.flatMap((chunk) => {
      const className = /^(\w+)/.exec(chunk)?.[1] ?? '';
      const assignment = /this\.name\s*=\s*([^;\n]+)/.exec(chunk);
      if (!assignment) return [];
      const literal = /^['"]([^'"]+)['"]$/.exec((assignment[1] as string).trim());
      return [{ file, className, name: literal?.[1] }];
    });
  });
}

interface Segment {
  name: string;
  text: string;
}

/** A file cut at its top-level declarations: each function or const with the code that follows it. */
function segmentsOf(text: string): Segment[] {
  const starts = [
    ...text.matchAll(/^(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:function\*?|const|let|class)\s+(\w+)/gm),
  ];
  const segments: Segment[] = [{ name: '<module>', text: text.slice(0, starts[0]?.index ?? text.length) }];
  starts.forEach((match, index) => {
    const end = starts[index + 1]?.index ?? text.length;
    segments.push({ name: match[1] as string, text: text.slice(match.index, end) });
  });
  return segments;
}

/** Whether the code at `index` sits inside a `try { … }` block (a crude brace walk, enough for this code). */
function insideTry(text: string, index: number): boolean {
  let depth = 0;
  for (let at = index - 1; at >= 0; at -= 1) {
    const char = text[at];
    if (char === '}') depth += 1;
    else if (char === '{') {
      if (depth === 0) {
        if (/\btry\s*$/.test(text.slice(Math.max(0, at - 10), at))) return true;
      } else depth -= 1;
    }
  }
  return false;
}

/** Names a file imports from other project files: local name → [file, exported name]. */
function projectImportsOf(file: string): Map<string, [string, string]> {
  const imports = new Map<string, [string, string]>();
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/import\s+(?!type\b)\{([^}]*)\}\s*from\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = resolve(dirname(file), (match[2] as string).replace(/\.js$/, '.ts'));
    for (const part of (match[1] as string).split(',')) {
      const trimmed = part.trim();
      if (trimmed === '' || trimmed.startsWith('type ')) continue;
      const [exported, local] = trimmed.split(/\s+as\s+/) as [string, string | undefined];
      imports.set(local ?? exported, [target, exported]);
    }
  }
  return imports;
}

/**
 * The error classes each top-level declaration of a file can throw: the ones it creates, and those
 * of the functions it calls (in the file or imported from the project) outside a try block, so an
 * error a caller wraps into another is not counted. Memoized per file.
 */
function throwsByDeclaration(
  file: string,
  memo = new Map<string, Map<string, Set<string>>>(),
): Map<string, Set<string>> {
  const known = memo.get(file);
  if (known) return known;
  const result = new Map<string, Set<string>>();
  memo.set(file, result);
  const segments = segmentsOf(readFileSync(file, 'utf8'));
  const imports = projectImportsOf(file);
  for (const segment of segments) {
    const created = [...segment.text.matchAll(/\bnew\s+([A-Z]\w*Error)\s*\(/g)].map(
      (match) => match[1] as string,
    );
    result.set(segment.name, new Set(created));
  }
  // Calls within the file, then across files, until nothing new is learned.
  let changed = true;
  while (changed) {
    changed = false;
    for (const segment of segments) {
      const own = result.get(segment.name) as Set<string>;
      for (const call of segment.text.matchAll(/\b(\w+)\s*\(/g)) {
        const callee = call[1] as string;
        if (callee === segment.name || insideTry(segment.text, call.index)) continue;
        const imported = imports.get(callee);
        const thrown = imported
          ? throwsByDeclaration(imported[0], memo).get(imported[1])
          : segments.some((other) => other.name === callee)
            ? result.get(callee)
            : undefined;
        for (const name of thrown ?? []) {
          if (!own.has(name)) {
            own.add(name);
            changed = true;
          }
        }
      }
    }
  }
  return result;
}

/**
 * The error classes a handler directory can throw: everything its own files create or call into
 * outside a try block, following project imports.
 */
export function errorClassesThrownBy(dir: string): Set<string> {
  const memo = new Map<string, Map<string, Set<string>>>();
  const classes = new Set<string>();
  for (const file of tsFilesUnder(dir)) {
    for (const thrown of throwsByDeclaration(file, memo).values()) {
      for (const name of thrown) classes.add(name);
    }
  }
  return classes;
}

/**
 * The AWS SDK packages whose commands the files send (a value import of a `…Command` class):
 * those are the services whose exceptions the handler can rethrow unchanged.
 */
export function sdkPackagesSending(files: string[]): Set<string> {
  const packages = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(
      /import\s+(type\s+)?\{([^}]*)\}\s*from\s*['"](@aws-sdk\/client-[\w-]+)['"]/g,
    )) {
      if (match[1]) continue;
      const values = (match[2] as string)
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '' && !name.startsWith('type '));
      if (values.some((name) => /Command$/.test(name.split(/\s+as\s+/)[0] as string))) {
        packages.add(match[3] as string);
      }
    }
  }
  return packages;
}

/** Whether the files import a package (or one of its subpaths). */
export function importsPackage(files: string[], packageName: string): boolean {
  const pattern = new RegExp(`from\\s*['"]${packageName.replace(/[/.]/g, '\\$&')}(?:/[^'"]*)?['"]`);
  return files.some((file) => pattern.test(readFileSync(file, 'utf8')));
}
