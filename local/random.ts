/**
 * A small seeded pseudo-random generator, so fault injection and benchmarks replay the same run
 * under the same seed. Written by hand: no seeded PRNG package is installed, and Math.random()
 * cannot be seeded. mulberry32 (32-bit state) is plenty for drawing faults; it is not for secrets.
 */

/** A stream of draws in [0, 1). */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max]. */
  between(min: number, max: number): number;
  /** true with probability `p` (0 never, 1 always). */
  chance(p: number): boolean;
}

/**
 * A generator seeded by a number or a string; the same seed gives the same stream.
 *
 * @example const random = createRandom(42); random.next(); // always the same first draw
 */
export function createRandom(seed: number | string): Random {
  let state = typeof seed === 'number' ? seed >>> 0 : hash32(seed);
  const next = (): number => {
    // mulberry32 (Tommy Ettinger, public domain).
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: (min, max) => min + next() * (max - min),
    // Always draws, so the stream advances the same way whatever p is.
    chance: (p) => next() < p,
  };
}

/**
 * An independent stream per label under one seed: draws for one account never shift the draws of
 * another, so concurrent work in several accounts stays reproducible.
 *
 * @example const forAccount = deriveRandom(seed, 'appflow/111122223333/eu-west-1');
 */
export function deriveRandom(seed: number, label: string): Random {
  return createRandom(hash32(`${seed >>> 0}:${label}`));
}

/** FNV-1a, 32 bits: spreads a string over the seed space. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
