import { createRequire } from 'node:module';
import type * as Library from 'aws-local-stepfunctions';
import { stringMatcher } from './string-matches.js';

/**
 * aws-local-stepfunctions, with StringMatches as the Amazon States Language defines it.
 *
 * The library compiles a StringMatches pattern with wildcard-match's defaults, whose `*` stops at a
 * line break and whose `?` is a wildcard ASL does not have. It offers no hook for Choice rules (its
 * overrides are for Task and Wait states), and an ES module's imports cannot be replaced, so the
 * stack loads the library's CommonJS build with wildcard-match swapped in Node's require cache
 * ("adding or replacing entries is also possible", Node's modules documentation) for a module
 * with the same signature and ASL's semantics. Only the library requires wildcard-match. Remove
 * this once the library matches ASL.
 */

const load = createRequire(import.meta.url);
const loadFromLibrary = createRequire(load.resolve('aws-local-stepfunctions'));
const wildcardMatchPath = loadFromLibrary.resolve('wildcard-match');

/** wildcard-match's signature: a pattern, its options (the library passes `{ separator: false }`). */
function aslWildcardMatch(pattern: string, _options?: unknown): (sample: unknown) => boolean {
  const matches = stringMatcher(pattern);
  return (sample) => {
    // What wildcard-match does with a value that is no string; ASL guards it with IsString.
    if (typeof sample !== 'string')
      throw new TypeError(`Sample must be a string, but ${typeof sample} given`);
    return matches(sample);
  };
}

loadFromLibrary('wildcard-match');
const cached = load.cache[wildcardMatchPath];
if (!cached) throw new Error(`wildcard-match did not load from ${wildcardMatchPath}`);
cached.exports = aslWildcardMatch;

const library = load('aws-local-stepfunctions') as typeof Library;

export const { StateMachine, ExecutionTimeoutError } = library;
export type StateMachine = Library.StateMachine;
export type { RunOptions, StateMachineDefinition } from 'aws-local-stepfunctions';
