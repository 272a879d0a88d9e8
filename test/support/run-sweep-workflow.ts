import { loadSweepAsl } from './asl.js';
import { runStateMachine, type WorkflowRun } from './run-workflow.js';
import { answering, scripted, type TaskFake } from './task-fakes.js';

/** The putEvents states of the sweep workflow: one reports, one alerts. */
export const SWEEP_PUBLISH_STATES = ['PublishSweepCompleted', 'PublishSweepFailed'] as const;

const SALES = '222222222222';
const trigger = (name: string) => ({
  kind: 'sweep',
  eventId: 'arn:aws:states:eu-west-1:111122223333:execution:sweep:1',
  name,
  time: '2026-12-01T00:00:00.000Z',
});
const inputFor = (name: string, driftClass: string) => ({
  accountId: SALES,
  region: 'eu-west-1',
  functionArn: `arn:aws:lambda:eu-west-1:${SALES}:function:${name}`,
  hints: null,
  trigger: trigger(driftClass),
});

/** ClassifyAccount's answer for an account with one label of each drift class. */
export function classified(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    accountId: SALES,
    region: 'eu-west-1',
    dryRun: false,
    counts: { current: 1, missing: 1, stale: 1, orphaned: 1, foreign: 1 },
    labels: { current: ['a'], missing: ['b'], stale: ['c'], orphaned: ['d'], foreign: ['e'] },
    register: [inputFor('b', 'missing'), inputFor('c', 'stale')],
    unregister: [inputFor('d', 'orphaned')],
    repairs: { register: 2, unregister: 1 },
    truncated: false,
    ...overrides,
  };
}

export interface SweepWorkflowOptions {
  input?: unknown;
  classify?: TaskFake;
  startRegistration?: TaskFake;
  startUnregistration?: TaskFake;
  failedEntries?: Partial<Record<(typeof SWEEP_PUBLISH_STATES)[number], number>>;
}

// What the StartExecution integration answers.
const started = answering({
  ExecutionArn: 'arn:aws:states:eu-west-1:111122223333:execution:repair:1',
  StartDate: '2026-12-01T00:00:00.000Z',
});

/**
 * Runs statemachine/sweep-connectors.asl.json as the other workflows run: the real ASL, a fake for
 * ClassifyAccount and for each StartExecution task, the fake bus, no pause between retries.
 *
 * @example const run = await runSweepWorkflow({ classify: scripted(answering(classified({ dryRun: true }))) });
 */
export function runSweepWorkflow(options: SweepWorkflowOptions = {}): Promise<WorkflowRun> {
  return runStateMachine({
    definition: loadSweepAsl(),
    input: options.input ?? { accountId: SALES, region: 'eu-west-1', dryRun: false },
    lambdaTasks: {
      ClassifyAccount: options.classify ?? scripted(answering(classified())),
      StartRegistration: options.startRegistration ?? scripted(started),
      StartUnregistration: options.startUnregistration ?? scripted(started),
    },
    publishStates: SWEEP_PUBLISH_STATES,
    ...(options.failedEntries ? { failedEntries: options.failedEntries } : {}),
  });
}
