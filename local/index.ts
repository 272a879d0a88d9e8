/**
 * The local stack's front door: everything the CLI, the tests outside test/local and the benchmarks
 * use. Modules deeper in local/ are its own (biome.json forbids importing them from outside).
 */
export { type PackagedHub, packageHub } from './deploy/package.js';
export type { ScheduledRule } from './services/events.js';
export { DEFAULT_WORLD, SPOKE_TEMPLATE, type Stack, type StackOptions, startStack } from './stack.js';
export type {
  AccountSpec,
  ConnectorProfileSpec,
  FlowSpec,
  PreRegisteredConnector,
  WorldFile,
} from './world/schema.js';
