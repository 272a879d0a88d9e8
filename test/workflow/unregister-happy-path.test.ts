import { describe, expect, it } from 'vitest';
import { DetailType } from '../../functions/shared/event-types.js';
import type { RemovalReason, UnregisterInput } from '../../functions/shared/types.js';
import { expectOnlyPublished } from '../support/expect-failure.js';
import { fixtures } from '../support/fixtures.js';
import { runUnregisterWorkflow, UNREGISTERED_PATH } from '../support/run-unregister-workflow.js';
import { EXECUTION_ARN } from '../support/run-workflow.js';
import { answering, scripted } from '../support/task-fakes.js';

/** The fields docs/design.md 2.4 and the README give ConnectorUnregistered. */
const UNREGISTERED_FIELDS = [
  'accountId',
  'connectorArn',
  'connectorLabel',
  'executionArn',
  'lambdaArn',
  'reason',
  'region',
];

/** VerifyRemoval's answer with two registrations of the function (in label order). */
function twoRegistrations() {
  const removal = fixtures.registrationsToUnregister();
  const [first] = removal.registrations;
  if (!first) throw new Error('the fixture holds one registration');
  const second = {
    connectorLabel: 'salesforce_orders_v2',
    connectorArn: 'arn:aws:appflow:eu-west-1:444455556666:connector/salesforce_orders_v2',
    registeredAt: '2025-03-15T08:00:00.000Z',
  };
  return { ...removal, registrations: [first, second] };
}

/** UnregisterConnector's fake: answers for whichever registration it is handed. */
const echoing = async (input: unknown) => {
  const { executionArn: _, registeredAt: __, ...rest } = input as UnregisterInput;
  return { ...rest, forced: false };
};

describe('unregister-connector state machine', () => {
  describe('one registration of a deleted function, unregistered at the first attempt', () => {
    it('goes VerifyRemoval → ToUnregister → UnregisterEach → UnregisterConnector → PublishConnectorUnregistered → Finished', async () => {
      const run = await runUnregisterWorkflow();

      expect(run.status).toBe('SUCCEEDED');
      expect(run.path).toEqual(UNREGISTERED_PATH);
      expect(run.retries).toEqual({});
      expect(run.failures).toEqual([]);
    });

    it('costs 6 state transitions and 2 Lambda invocations (bench/cost targets: at most 6 and 2)', async () => {
      const run = await runUnregisterWorkflow();

      // Step Functions bills each state entered, plus each retry.
      const transitions = run.path.length + Object.values(run.retries).reduce((sum, n) => sum + n, 0);
      expect(transitions).toBe(6);
      expect((run.attempts.VerifyRemoval ?? 0) + (run.attempts.UnregisterConnector ?? 0)).toBe(2);
    });

    it('publishes one ConnectorUnregistered with exactly the documented fields', async () => {
      const run = await runUnregisterWorkflow();

      const event = expectOnlyPublished(
        run,
        'PublishConnectorUnregistered',
        DetailType.ConnectorUnregistered,
      );
      const { forced: _, ...unregistration } = fixtures.unregistration();
      expect(Object.keys(event?.Detail ?? {}).sort()).toEqual(UNREGISTERED_FIELDS);
      expect(event?.Detail).toEqual({ ...unregistration, executionArn: EXECUTION_ARN });
    });
  });

  describe('the Parameters mapping of each task', () => {
    it('hands VerifyRemoval the signal and the execution ARN, and nothing else', async () => {
      const input = fixtures.removalInput();
      const run = await runUnregisterWorkflow({ input });

      const { hints: _, ...signal } = input;
      expect(run.taskInputs.VerifyRemoval).toEqual([{ ...signal, executionArn: EXECUTION_ARN }]);
    });

    it('hands UnregisterConnector one registration with what VerifyRemoval confirmed', async () => {
      const run = await runUnregisterWorkflow();

      const removal = fixtures.registrationsToUnregister();
      const [registration] = removal.registrations;
      if (!registration) throw new Error('the fixture holds one registration');
      const expected: UnregisterInput = {
        executionArn: EXECUTION_ARN,
        accountId: removal.accountId,
        region: removal.region,
        lambdaArn: removal.lambdaArn,
        reason: removal.reason,
        ...registration,
      };
      expect(run.taskInputs.UnregisterConnector).toEqual([expected]);
    });

    it('publishes what UnregisterConnector answered, not what VerifyRemoval found', async () => {
      const unregistration = {
        ...fixtures.unregistration(),
        connectorArn: 'arn:aws:appflow:eu-west-1:444455556666:connector/other',
      };
      const run = await runUnregisterWorkflow({ unregister: scripted(answering(unregistration)) });

      expect(run.published[0]?.Detail).toMatchObject({ connectorArn: unregistration.connectorArn });
    });
  });

  describe('two registrations of the function', () => {
    it('unregisters them one at a time, in the order VerifyRemoval gave, and announces each', async () => {
      const removal = twoRegistrations();
      const run = await runUnregisterWorkflow({
        verifyRemoval: scripted(answering(removal)),
        unregister: echoing,
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.attempts).toMatchObject({ VerifyRemoval: 1, UnregisterConnector: 2 });
      expect(
        run.taskInputs.UnregisterConnector?.map((input) => (input as UnregisterInput).connectorLabel),
      ).toEqual(removal.registrations.map((registration) => registration.connectorLabel));
      expect(run.published.map((event) => [event.DetailType, event.Detail.connectorLabel])).toEqual([
        [DetailType.ConnectorUnregistered, 'salesforce_orders'],
        [DetailType.ConnectorUnregistered, 'salesforce_orders_v2'],
      ]);
      expect(run.path.at(-1)).toBe('Finished');
    });
  });

  describe.each<RemovalReason>(['deleted', 'untagged', 'relabelled'])(
    'a registration removed as %s',
    (reason) => {
      it('announces that reason', async () => {
        const removal = { ...fixtures.registrationsToUnregister(), reason };
        const run = await runUnregisterWorkflow({
          verifyRemoval: scripted(answering(removal)),
          unregister: echoing,
        });

        expect(run.taskInputs.UnregisterConnector?.[0]).toMatchObject({ reason });
        expect(run.published.map((event) => event.Detail.reason)).toEqual([reason]);
      });
    },
  );
});
