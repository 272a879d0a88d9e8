/**
 * The local stack's front door: everything the CLI, the tests outside test/local and the benchmarks
 * use. Modules deeper in local/ are its own (biome.json forbids importing them from outside).
 */
export { type PackagedHub, packageHub } from './deploy/package.js';
export { DEFAULT_WORLD, SPOKE_TEMPLATE, type Stack, type StackOptions, startStack } from './stack.js';
