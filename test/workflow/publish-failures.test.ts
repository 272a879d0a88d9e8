import { describe, expect, it } from 'vitest';
import { loadAsl, stateOf } from '../support/asl.js';
import { FAILED_ENTRY_ERROR } from '../support/event-bridge-fake.js';
import { fixtures } from '../support/fixtures.js';
import { runWorkflow } from '../support/run-workflow.js';
import { failingAlways, lambdaErrorPayload } from '../support/task-fakes.js';

const asl = loadAsl();
const publishRetries = (state: string): number => stateOf(asl, state).Retry?.[0]?.MaxAttempts ?? Number.NaN;

describe('register-connector state machine', () => {
  describe('PublishConnectorRegistered answered with a failed entry once', () => {
    it('retries the PutEvents call and succeeds', async () => {
      const run = await runWorkflow({ failedEntries: { PublishConnectorRegistered: 1 } });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.attempts.PublishConnectorRegistered).toBe(2);
      expect(run.rejected).toHaveLength(1);
      expect(run.published.map((event) => event.DetailType)).toEqual(['ConnectorRegistered']);
    });
  });

  describe('PublishConnectorRegistered answered with a failed entry every time', () => {
    it(`tries 1 + MaxAttempts (${publishRetries('PublishConnectorRegistered')}) times, then ends in AnnouncementFailed`, async () => {
      const run = await runWorkflow({
        failedEntries: { PublishConnectorRegistered: Number.POSITIVE_INFINITY },
      });

      expect(run.attempts.PublishConnectorRegistered).toBe(1 + publishRetries('PublishConnectorRegistered'));
      expect(run.path.slice(-2)).toEqual(['PublishConnectorRegistered', 'AnnouncementFailed']);
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe(FAILED_ENTRY_ERROR);
      expect(JSON.parse(run.cause as string)).toMatchObject({ FailedEntryCount: 1 });
    });

    it('does not alert a registration failure: the connector is registered', async () => {
      const run = await runWorkflow({
        failedEntries: { PublishConnectorRegistered: Number.POSITIVE_INFINITY },
      });

      expect(run.attempts.RegisterConnector).toBe(1);
      expect(run.attempts.PublishRegistrationFailed).toBeUndefined();
      expect(run.published).toEqual([]);
    });
  });

  describe('PublishRegistrationFailed answered with a failed entry every time', () => {
    it('still ends in RegistrationFailed with the error that stopped the registration', async () => {
      const run = await runWorkflow({
        register: failingAlways('AccessDeniedException', 'AppFlow may not invoke the connector'),
        failedEntries: { PublishRegistrationFailed: Number.POSITIVE_INFINITY },
      });

      expect(run.attempts.PublishRegistrationFailed).toBe(1 + publishRetries('PublishRegistrationFailed'));
      expect(run.path.slice(-2)).toEqual(['PublishRegistrationFailed', 'RegistrationFailed']);
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('AccessDeniedException');
      expect(lambdaErrorPayload(run.cause).errorMessage).toBe('AppFlow may not invoke the connector');
      expect(run.published).toEqual([]);
    });

    it('tried to publish the alert with the original error each time', async () => {
      const run = await runWorkflow({
        register: failingAlways('AccessDeniedException'),
        failedEntries: { PublishRegistrationFailed: Number.POSITIVE_INFINITY },
      });

      expect(run.rejected.map((entry) => entry.Detail.error)).toEqual(
        Array.from(
          { length: 1 + publishRetries('PublishRegistrationFailed') },
          () => 'AccessDeniedException',
        ),
      );
      expect(run.rejected[0]?.Detail.connectorLabel).toBe(fixtures.verifiedConnector().connectorLabel);
    });
  });

  describe('PublishRegistrationFailed answered with a failed entry once', () => {
    it('publishes the alert at the retry', async () => {
      const run = await runWorkflow({
        verify: failingAlways('AccountMismatchError'),
        failedEntries: { PublishRegistrationFailed: 1 },
      });

      expect(run.attempts.PublishRegistrationFailed).toBe(2);
      expect(run.published.map((event) => event.Detail.error)).toEqual(['AccountMismatchError']);
      expect(run.error).toBe('AccountMismatchError');
    });
  });
});
