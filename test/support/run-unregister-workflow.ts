import { loadUnregisterAsl } from './asl.js';
import { fixtures } from './fixtures.js';
import { runStateMachine, type WorkflowRun } from './run-workflow.js';
import { answering, scripted, type TaskFake } from './task-fakes.js';

/** The putEvents states of the unregistration workflow: one announces, two alert. */
export const UNREGISTER_PUBLISH_STATES = [
  'PublishConnectorUnregistered',
  'PublishUnregistrationFailed',
  'PublishVerificationFailed',
] as const;

/** The states an unregistration of one registration enters, in order (a retried state appears once). */
export const UNREGISTERED_PATH = [
  'VerifyRemoval',
  'ToUnregister',
  'UnregisterEach',
  'UnregisterConnector',
  'PublishConnectorUnregistered',
  'Finished',
] as const;

export interface UnregisterWorkflowOptions {
  /** The workflow input; the removal-input fixture by default. */
  input?: unknown;
  /** VerifyRemoval's fake; answers the registrations-to-unregister fixture by default. */
  verifyRemoval?: TaskFake;
  /** UnregisterConnector's fake; answers the unregistration fixture by default. */
  unregister?: TaskFake;
  failedEntries?: Partial<Record<(typeof UNREGISTER_PUBLISH_STATES)[number], number>>;
}

/**
 * Runs statemachine/unregister-connector.asl.json as runWorkflow runs the registration's: the real
 * ASL, a fake per Lambda task, the fake bus, no pause between retries.
 *
 * @example const run = await runUnregisterWorkflow({ unregister: failingAlways('ConnectorInUseError') });
 */
export function runUnregisterWorkflow(options: UnregisterWorkflowOptions = {}): Promise<WorkflowRun> {
  return runStateMachine({
    definition: loadUnregisterAsl(),
    input: options.input ?? fixtures.removalInput(),
    lambdaTasks: {
      VerifyRemoval: options.verifyRemoval ?? scripted(answering(fixtures.registrationsToUnregister())),
      UnregisterConnector: options.unregister ?? scripted(answering(fixtures.unregistration())),
    },
    publishStates: UNREGISTER_PUBLISH_STATES,
    ...(options.failedEntries ? { failedEntries: options.failedEntries } : {}),
  });
}
