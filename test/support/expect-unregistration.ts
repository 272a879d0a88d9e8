import { expect } from 'vitest';
import { DetailType } from '../../functions/shared/event-types.js';
import { expectOnlyPublished } from './expect-failure.js';
import { fixtures } from './fixtures.js';
import { EXECUTION_ARN, type WorkflowRun } from './run-workflow.js';

/** The fields docs/design.md 2.4 and the README give ConnectorUnregistrationFailed, in order. */
export const UNREGISTRATION_FAILED_FIELDS = [
  'accountId',
  'cause',
  'connectorLabel',
  'error',
  'executionArn',
  'lambdaArn',
  'reason',
  'region',
] as const;

/**
 * Asserts the alert branch of the unregistration workflow: one ConnectorUnregistrationFailed from
 * `state`, naming the registration when it failed in an iteration and nothing the signal gave when
 * verification failed, then the execution failing with the same error and cause.
 */
export function expectUnregistrationFailed(
  run: WorkflowRun,
  expected: { state: 'PublishUnregistrationFailed' | 'PublishVerificationFailed'; error: string },
): void {
  const event = expectOnlyPublished(run, expected.state, DetailType.ConnectorUnregistrationFailed);
  const removal = fixtures.registrationsToUnregister();
  const input = fixtures.removalInput();
  const named = expected.state === 'PublishUnregistrationFailed';
  expect(Object.keys(event?.Detail ?? {}).sort()).toEqual([...UNREGISTRATION_FAILED_FIELDS]);
  expect(event?.Detail).toEqual({
    error: expected.error,
    cause: expect.any(String),
    connectorLabel: named ? removal.registrations[0]?.connectorLabel : null,
    lambdaArn: named ? removal.lambdaArn : null,
    reason: named ? removal.reason : null,
    accountId: input.accountId,
    region: input.region,
    executionArn: EXECUTION_ARN,
  });
  expect(JSON.parse(event?.Detail.cause as string)).toMatchObject({ errorType: expected.error });
  expect(run.status).toBe('FAILED');
  expect(run.error).toBe(expected.error);
  expect(run.cause).toBe(event?.Detail.cause);
  expect(run.path.at(-1)).toBe(named ? 'UnregistrationFailed' : 'VerificationFailed');
}
