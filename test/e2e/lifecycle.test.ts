import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryId } from '../../functions/shared/inventory.js';
import type { Stack } from '../../local/index.js';
import {
  deleteFunction,
  expectSkipped,
  expectUnregistered,
  functionArn,
  REGION,
  tagWithLabel,
  unregisterCalls,
  untagLabel,
} from './lifecycle-support.js';
import { describeCustomConnector } from './support/appflow.js';
import { type StackClients, startStackWithClients, stopStackWithClients } from './support/clients.js';
import { deliverOne, origin } from './support/events.js';
import { alerts, executionOf, registrarEventsOf, statesEntered } from './support/outcomes.js';
import { fixtureSample, fixtureWorld } from './support/paths.js';
import { SLOW } from './support/timeouts.js';

// The lifecycle world (test/e2e/fixtures/worlds/lifecycle.json): untagged connectors the tests opt
// in through the Lambda API, so the registrar itself registers them, and one label a person
// registered by hand. Every signal below is the one AWS sends for the call the test makes.
const HUB = '111111111111';
const SALES = '222222222222';
const FINANCE = '333333333333';

describe('the connector lifecycle, end to end through the Lambda and AppFlow APIs', { timeout: SLOW }, () => {
  let stack: Stack;
  let clients: StackClients;

  beforeAll(async () => {
    ({ stack, clients } = await startStackWithClients({
      timeScale: 0.01,
      worldPath: fixtureWorld('lifecycle'),
    }));
  }, SLOW);

  afterAll(() => stopStackWithClients(stack, clients), SLOW);

  const registered = (accountId: string, label: string) =>
    describeCustomConnector(clients.appflow(accountId, REGION), label);

  /** Opts a function in through the Lambda API and checks the registrar registered it. */
  async function optIn(accountId: string, name: string, label: string): Promise<void> {
    const signal = await tagWithLabel(stack, clients, accountId, name, label);
    expect(executionOf(stack, signal.event.id, 'registration').status).toBe('SUCCEEDED');
    expect((await registered(accountId, label))?.connectorProvisioningConfig?.lambda?.lambdaArn).toBe(
      functionArn(accountId, name),
    );
  }

  describe('a connector whose Lambda is deleted through the Lambda API', () => {
    it('is unregistered, reason deleted, in the hub account', async () => {
      await optIn(HUB, 'doomed-connector', 'doomed-label');

      const signal = await deleteFunction(stack, clients, HUB, 'doomed-connector');

      const execution = expectUnregistered(stack, signal, {
        accountId: HUB,
        functionName: 'doomed-connector',
        labels: ['doomed-label'],
        reason: 'deleted',
      });
      expect(statesEntered(execution)).toEqual([
        'VerifyRemoval',
        'ToUnregister',
        'UnregisterEach',
        'UnregisterConnector',
        'PublishConnectorUnregistered',
        'Finished',
      ]);
      expect(await registered(HUB, 'doomed-label')).toBeUndefined();
    });

    it('is unregistered in a member account, through its spoke role', async () => {
      await optIn(SALES, 'spoke-doomed-connector', 'spoke-doomed-label');

      const signal = await deleteFunction(stack, clients, SALES, 'spoke-doomed-connector');

      expectUnregistered(stack, signal, {
        accountId: SALES,
        functionName: 'spoke-doomed-connector',
        labels: ['spoke-doomed-label'],
        reason: 'deleted',
      });
      expect(await registered(SALES, 'spoke-doomed-label')).toBeUndefined();
      // The inventory's line for it says so (registrar status).
      const { Item } = await clients.dynamodb(HUB, REGION).send(
        new GetItemCommand({
          TableName: stack.hubIn(REGION).table.name,
          Key: { id: { S: inventoryId(SALES, REGION, 'spoke-doomed-connector') } },
          ConsistentRead: true,
        }),
      );
      expect([Item?.outcome?.S, Item?.action?.S, Item?.memberDelivery?.S]).toEqual([
        'unregistered',
        'deleted',
        'delivered',
      ]);
    });
  });

  describe('a connector untagged through the Lambda API', () => {
    it('is unregistered, reason untagged', async () => {
      await optIn(HUB, 'untagged-later-connector', 'untagged-later-label');

      const signal = await untagLabel(stack, clients, HUB, 'untagged-later-connector');

      expectUnregistered(stack, signal, {
        accountId: HUB,
        functionName: 'untagged-later-connector',
        labels: ['untagged-later-label'],
        reason: 'untagged',
      });
      expect(await registered(HUB, 'untagged-later-label')).toBeUndefined();
    });
  });

  describe('a connector relabelled through the Lambda API', () => {
    it('is registered under the new label and unregistered under the old, reason relabelled', async () => {
      await optIn(HUB, 'relabelled-connector', 'old-label');

      const signal = await tagWithLabel(stack, clients, HUB, 'relabelled-connector', 'new-label');

      expect(executionOf(stack, signal.event.id, 'registration').status).toBe('SUCCEEDED');
      expectUnregistered(stack, signal, {
        accountId: HUB,
        functionName: 'relabelled-connector',
        labels: ['old-label'],
        reason: 'relabelled',
      });
      expect(await registered(HUB, 'old-label')).toBeUndefined();
      expect((await registered(HUB, 'new-label'))?.connectorProvisioningConfig?.lambda?.lambdaArn).toBe(
        functionArn(HUB, 'relabelled-connector'),
      );
    });
  });

  describe('a connector a profile and a flow still use, whose Lambda is deleted', () => {
    it('stays registered, and ConnectorInUseError names the profile and the flow (unregisterInUse alert)', async () => {
      const before = unregisterCalls(stack);

      const signal = await deleteFunction(stack, clients, SALES, 'in-use-connector');

      const execution = executionOf(stack, signal.event.id, 'unregistration');
      expect({ status: execution.status, error: execution.error }).toEqual({
        status: 'FAILED',
        error: 'ConnectorInUseError',
      });
      const [failure] = registrarEventsOf(stack, execution.executionArn).map(({ event }) => event.detail);
      expect(failure).toMatchObject({
        error: 'ConnectorInUseError',
        connectorLabel: 'in-use-label',
        lambdaArn: functionArn(SALES, 'in-use-connector'),
        reason: 'deleted',
      });
      expect((failure as { cause: string }).cause).toContain(
        'connector profile(s) in-use-profile and flow(s) in-use-to-s3',
      );
      expect(alerts(stack).map((alert) => alert.message.executionArn)).toContain(execution.executionArn);
      expect(unregisterCalls(stack)).toBe(before);
      expect(await registered(SALES, 'in-use-label')).toBeDefined();
    });
  });

  describe('what is never unregistered', () => {
    it('a connector whose Lambda still exists, whatever a replayed or forged deletion signal says', async () => {
      await optIn(HUB, 'kept-connector', 'kept-label');
      const before = unregisterCalls(stack);

      const put = await deliverOne(
        stack,
        clients,
        fixtureSample('lifecycle/kept-connector.cloudtrail-delete-function.replayed.skipped.json'),
      );

      const execution = expectSkipped(stack, origin(put).eventId);
      expect(statesEntered(execution)).toEqual(['VerifyRemoval', 'ToUnregister', 'Skipped']);
      expect(unregisterCalls(stack)).toBe(before);
      expect(await registered(HUB, 'kept-label')).toBeDefined();
    });

    it('another account’s connector, named by a forged deletion signal: refused and alerted, nothing unregistered anywhere', async () => {
      await optIn(FINANCE, 'finance-connector', 'finance-label');
      const before = unregisterCalls(stack);

      const put = await deliverOne(
        stack,
        clients,
        fixtureSample('lifecycle/spoke-sales.cloudtrail-delete-function.finance-connector.failed.json'),
      );

      const execution = executionOf(stack, origin(put).eventId, 'unregistration');
      expect({ status: execution.status, error: execution.error }).toEqual({
        status: 'FAILED',
        error: 'AccountMismatchError',
      });
      expect(registrarEventsOf(stack, execution.executionArn).map(({ event }) => event.detail)).toEqual([
        expect.objectContaining({
          error: 'AccountMismatchError',
          connectorLabel: null,
          lambdaArn: null,
          accountId: SALES,
        }),
      ]);
      expect(unregisterCalls(stack)).toBe(before);
      expect(await registered(FINANCE, 'finance-label')).toBeDefined();
    });

    it('a label a person registered by hand, even once its Lambda loses the tag', async () => {
      const before = unregisterCalls(stack);

      const signal = await untagLabel(stack, clients, HUB, 'hand-registered-connector');

      expectSkipped(stack, signal.event.id);
      expect(unregisterCalls(stack)).toBe(before);
      expect(await registered(HUB, 'hand-label')).toBeDefined();
    });
  });
});

describe('the connector lifecycle with the hub parameter unregisterInUse force', { timeout: SLOW }, () => {
  let stack: Stack;
  let clients: StackClients;

  beforeAll(async () => {
    ({ stack, clients } = await startStackWithClients({
      timeScale: 0.01,
      worldPath: fixtureWorld('lifecycle'),
      params: { unregisterInUse: 'force' },
    }));
  }, SLOW);

  afterAll(() => stopStackWithClients(stack, clients), SLOW);

  it('unregisters a connector a profile and a flow still use once its Lambda is deleted', async () => {
    const signal = await deleteFunction(stack, clients, SALES, 'in-use-connector');

    expectUnregistered(stack, signal, {
      accountId: SALES,
      functionName: 'in-use-connector',
      labels: ['in-use-label'],
      reason: 'deleted',
    });
    expect(await describeCustomConnector(clients.appflow(SALES, REGION), 'in-use-label')).toBeUndefined();
  });
});
