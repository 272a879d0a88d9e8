import { describe, expect, it } from 'vitest';
import { DetailType } from '../../functions/shared/event-types.js';
import type { RegisterInput, RegistrationAction, VerifyInput } from '../../functions/shared/types.js';
import { REGISTERED_FIELDS } from '../e2e/support/outcomes.js';
import { REGISTERED_PATH } from '../support/asl.js';
import { expectOnlyPublished } from '../support/expect-failure.js';
import { fixtures } from '../support/fixtures.js';
import { EXECUTION_ARN, runWorkflow } from '../support/run-workflow.js';
import { answering, scripted } from '../support/task-fakes.js';

describe('register-connector state machine', () => {
  describe('a verified connector that registers at the first attempt', () => {
    it('goes Verify → OptedIn → RegisterConnector → PublishConnectorRegistered → Registered and succeeds', async () => {
      const run = await runWorkflow();

      expect(run.status).toBe('SUCCEEDED');
      expect(run.path).toEqual(REGISTERED_PATH);
      expect(run.retries).toEqual({});
      expect(run.failures).toEqual([]);
    });

    it('publishes one ConnectorRegistered on the hub bus with exactly the fields docs/design.md 2.4 names', async () => {
      const run = await runWorkflow();

      const event = expectOnlyPublished(run, 'PublishConnectorRegistered', DetailType.ConnectorRegistered);
      expect(Object.keys(event?.Detail ?? {}).sort()).toEqual([...REGISTERED_FIELDS]);
      expect(event?.Detail).toEqual({ ...fixtures.registration(), executionArn: EXECUTION_ARN });
    });

    it('ends with the verification and the registration, not the signal, publishing adding nothing', async () => {
      const run = await runWorkflow();

      expect(run.output).toEqual({
        function: fixtures.verifiedConnector(),
        registration: fixtures.registration(),
      });
    });
  });

  describe('the Parameters mapping of each task', () => {
    it('hands VerifyFunction the workflow input and the execution ARN', async () => {
      const input = fixtures.workflowInput();
      const run = await runWorkflow({ input });

      const expected: VerifyInput = { ...input, executionArn: EXECUTION_ARN };
      expect(run.taskInputs.VerifyFunction).toEqual([expected]);
    });

    it('hands RegisterConnector the account, Region and function VerifyFunction checked', async () => {
      const run = await runWorkflow();

      const verified = fixtures.verifiedConnector();
      const expected: RegisterInput = {
        executionArn: EXECUTION_ARN,
        accountId: verified.accountId,
        region: verified.region,
        connectorLabel: verified.connectorLabel,
        description: verified.description,
        lambdaArn: verified.lambdaArn,
        codeSha256: verified.codeSha256,
        lastModified: verified.lastModified,
      };
      expect(run.taskInputs.RegisterConnector).toEqual([expected]);
    });

    it('passes a null description through as null', async () => {
      const verified = { ...fixtures.verifiedConnector(), description: null };
      const run = await runWorkflow({ verify: scripted(answering(verified)) });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.taskInputs.RegisterConnector?.[0]).toMatchObject({ description: null });
    });

    it('publishes what RegisterConnector answered, not what VerifyFunction found', async () => {
      const registration = {
        ...fixtures.registration(),
        connectorArn: 'arn:aws:appflow:eu-west-1:444455556666:connector/other',
      };
      const run = await runWorkflow({ register: scripted(answering(registration)) });

      expect(run.published[0]?.Detail).toMatchObject({ connectorArn: registration.connectorArn });
    });
  });

  describe.each<RegistrationAction>(['registered', 'updated', 'unchanged'])(
    'a registration that was %s',
    (action) => {
      it('announces that action', async () => {
        const run = await runWorkflow({
          register: scripted(answering({ ...fixtures.registration(), action })),
        });

        expect(run.status).toBe('SUCCEEDED');
        expect(run.published.map((event) => event.Detail.action)).toEqual([action]);
      });
    },
  );
});
