/**
 * The local stack's front door: what the CLI, the tests outside test/local and the benchmarks use.
 * The modules deeper in local/ are its own; biome.json forbids importing them from outside.
 */
import './services/states/polyfill.js';

export { type EventOutcome, outcomeOf } from './cli/outcomes.js';
export { formatRunReport } from './cli/report.js';
export { type RunReport, runSamples } from './cli/run.js';
export { formatTable } from './cli/table.js';
export type { DeployedStack } from './deploy/deploy.js';
export { type HubDeployment, type LandingZone, SPOKE_STACK_NAME } from './deploy/landing-zone.js';
export { type PackagedHub, packageHub } from './deploy/package.js';
export { busOf, loadSample, type Sample, toPutEventsEntry } from './events/sample.js';
export type { FaultCounters } from './faults.js';
export { createRandom, deriveRandom, type Random } from './random.js';
export type { FunctionCounters, LogEntry } from './runtime/index.js';
export type { AppFlowStats, Registration, RegistrationEvent } from './services/appflow.js';
export { type CloudFormationService, NO_ECHO_MASK } from './services/cloudformation.js';
export type {
  DeadLetter,
  FailedInvocation,
  InvocationRecord,
  PublishedEvent,
  ScheduledRule,
  UndeliveredEvent,
} from './services/events.js';
export type { ExecutionRecord, HistoryEvent, RedriveStatus, StatesService } from './services/states.js';
export type { AssumeRoleLogEntry } from './services/sts.js';
export {
  DEFAULT_ENVIRONMENTS_PER_FUNCTION,
  DEFAULT_WORLD,
  SPOKE_TEMPLATE,
  type Stack,
  type StackOptions,
  startStack,
} from './stack.js';
export { type LoadedWorld, loadWorld, WorldFileError } from './world/load.js';
export type {
  AccountSpec,
  ConnectorProfileSpec,
  FlowSpec,
  FunctionSpec,
  PreRegisteredConnector,
  WorldFile,
} from './world/schema.js';
