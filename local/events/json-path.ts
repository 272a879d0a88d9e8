/**
 * The JSON path subset EventBridge input transformers accept ("Amazon EventBridge input
 * transformation": dot notation, dashes, underscores, alphanumerics, array indices, wildcards,
 * forward slashes), plus bracketed names (`$.detail['appflow:connector-label']`) for keys that dot
 * notation cannot spell.
 */

type Step = { kind: 'name'; name: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

/** What a path finds in a document: nothing, or a value (an array of values after a wildcard). */
export type PathResult = { found: false } | { found: true; value: unknown };

/**
 * Reads `path` in `document`. A malformed path finds nothing, like a path to a missing key:
 * EventBridge does not validate paths when a target is created.
 *
 * @example readPath(event, '$.detail.requestParameters.tags.appflow:connector-label')
 */
export function readPath(document: unknown, path: string): PathResult {
  const steps = parsePath(path);
  if (steps === undefined) return { found: false };
  let nodes: unknown[] = [document];
  for (const step of steps) nodes = nodes.flatMap((node) => follow(node, step));
  if (nodes.length === 0) return { found: false };
  return steps.some((step) => step.kind === 'wildcard')
    ? { found: true, value: nodes }
    : { found: true, value: nodes[0] };
}

function follow(node: unknown, step: Step): unknown[] {
  if (step.kind === 'wildcard') {
    if (Array.isArray(node)) return node;
    return node !== null && typeof node === 'object' ? Object.values(node) : [];
  }
  if (step.kind === 'index') {
    return Array.isArray(node) && step.index < node.length ? [node[step.index]] : [];
  }
  if (node !== null && typeof node === 'object' && !Array.isArray(node) && Object.hasOwn(node, step.name)) {
    return [(node as Record<string, unknown>)[step.name]];
  }
  return [];
}

function parsePath(path: string): Step[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    const char = path[i];
    if (char === '.') {
      const end = nextDelimiter(path, i + 1);
      const name = path.slice(i + 1, end);
      if (name === '') return undefined;
      steps.push(name === '*' ? { kind: 'wildcard' } : { kind: 'name', name });
      i = end;
    } else if (char === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) return undefined;
      const inside = path.slice(i + 1, close);
      const quoted = /^'([^']*)'$|^"([^"]*)"$/.exec(inside);
      if (inside === '*') steps.push({ kind: 'wildcard' });
      else if (/^\d+$/.test(inside)) steps.push({ kind: 'index', index: Number(inside) });
      else if (quoted) steps.push({ kind: 'name', name: quoted[1] ?? quoted[2] ?? '' });
      else return undefined;
      i = close + 1;
    } else {
      return undefined;
    }
  }
  return steps;
}

function nextDelimiter(path: string, from: number): number {
  for (let i = from; i < path.length; i++) {
    if (path[i] === '.' || path[i] === '[') return i;
  }
  return path.length;
}
