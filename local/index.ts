/**
 * The local stack's front door: everything the CLI, the tests outside test/local and the benchmarks
 * use. Modules deeper in local/ are its own (biome.json forbids importing them from outside).
 */
export type { DeployedStack } from './deploy/deploy.js';
export { type HubDeployment, type LandingZone, SPOKE_STACK_NAME } from './deploy/landing-zone.js';
export { type PackagedHub, packageHub } from './deploy/package.js';
export { type CloudFormationService, NO_ECHO_MASK } from './services/cloudformation.js';
export type { ExecutionRecord, HistoryEvent, RedriveStatus, StatesService } from './services/states.js';
export { DEFAULT_WORLD, SPOKE_TEMPLATE, type Stack, type StackOptions, startStack } from './stack.js';
