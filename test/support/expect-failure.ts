import { expect } from 'vitest';
import { DetailType, REGISTRAR_SOURCE } from '../../functions/shared/event-types.js';
import type { WorkflowInput } from '../../functions/shared/types.js';
import { FAKE_SUBSTITUTIONS } from './asl.js';
import { fixtures } from './fixtures.js';
import { EXECUTION_ARN, type WorkflowRun } from './run-workflow.js';

export interface ExpectedFailure {
  /** The Step Functions error name the registration failed with. */
  error: string;
  /**
   * The label the alert names: null when verification failed, and then the function too is named
   * only in the cause (nothing the signal gave is published as if it were valid).
   */
  connectorLabel: string | null;
  /** The Cause; by default the Lambda error payload of `error` (see lambdaError). */
  cause?: unknown;
  input?: WorkflowInput;
}

/**
 * Asserts the alert branch: one ConnectorRegistrationFailed with the fields of docs/design.md, 2.4
 * Published events, then the RegistrationFailed Fail state ending the execution with the same error
 * and cause.
 */
export function expectRegistrationFailed(run: WorkflowRun, expected: ExpectedFailure): void {
  const input = expected.input ?? fixtures.workflowInput();
  expect(run.path.slice(-2)).toEqual(['PublishRegistrationFailed', 'RegistrationFailed']);
  expect(run.attempts.PublishConnectorRegistered).toBeUndefined();
  const event = expectOnlyPublished(run, 'PublishRegistrationFailed', DetailType.ConnectorRegistrationFailed);
  expect(event?.Detail).toEqual({
    error: expected.error,
    cause: expected.cause ?? expect.any(String),
    connectorLabel: expected.connectorLabel,
    lambdaArn: expected.connectorLabel === null ? null : fixtures.verifiedConnector().lambdaArn,
    accountId: input.accountId,
    region: input.region,
    executionArn: EXECUTION_ARN,
  });
  if (expected.cause === undefined) {
    expect(JSON.parse(event?.Detail.cause as string)).toMatchObject({ errorType: expected.error });
  }

  expect(run.status).toBe('FAILED');
  expect(run.error).toBe(expected.error);
  expect(run.cause).toBe(event?.Detail.cause);
}

/**
 * Asserts that the run published exactly one event, from the publish state on the hub bus with the
 * registrar's source and the detail-type, and returns it.
 */
export function expectOnlyPublished(
  run: WorkflowRun,
  state: string,
  detailType: string,
): WorkflowRun['published'][number] | undefined {
  expect(run.published).toHaveLength(1);
  const [event] = run.published;
  expect(event).toMatchObject({
    state,
    EventBusName: FAKE_SUBSTITUTIONS.EventBusName,
    Source: REGISTRAR_SOURCE,
    DetailType: detailType,
  });
  return event;
}
