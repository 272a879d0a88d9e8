import { AppflowClient, ListConnectorsCommand } from '@aws-sdk/client-appflow';
import { GetFunctionCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountClients, Target } from '../../../functions/shared/clients.js';
import { type RemovalDependencies, verifyRemoval } from '../../../functions/verify-removal/verify.js';
import {
  answerConnectors,
  FUNCTION_ARN,
  fakeLogger,
  fixture,
  getFunctionOutput,
  HUB,
  identity,
  rejection,
} from './helpers.js';

const lambdaMock = mockClient(LambdaClient);
const appflowMock = mockClient(AppflowClient);

let clientsFor: ReturnType<typeof vi.fn<(target: Target) => AccountClients>>;
let deps: RemovalDependencies;

beforeEach(() => {
  clientsFor = vi.fn((target: Target) => ({
    lambda: new LambdaClient({ region: target.region }),
    appflow: new AppflowClient({ region: target.region }),
    config: { region: target.region },
  }));
  deps = {
    clientsFor,
    hub: { allowedAccountIds: [], servedRegions: [], partition: 'aws' },
    identity,
    logger: fakeLogger(),
  };
});

afterEach(() => {
  lambdaMock.reset();
  appflowMock.reset();
});

const ACME_ORDERS = {
  connectorLabel: 'acme-orders',
  connectorArn: 'arn:aws:appflow:eu-west-1:222222222222:connector/acme-orders',
  registeredAt: '2026-11-27T08:00:05.000Z',
};

function functionGone(): void {
  lambdaMock
    .on(GetFunctionCommand)
    .rejects(new ResourceNotFoundException({ message: 'Function not found', $metadata: {} }));
}

function input(name: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...fixture(name), ...changes };
}

describe('verifyRemoval', () => {
  describe('a deleted function', () => {
    it('answers the registrar’s registration that points at it, reason deleted', async () => {
      functionGone();
      answerConnectors(appflowMock);

      await expect(verifyRemoval(fixture('input-delete-function.json'), deps)).resolves.toEqual({
        unregister: true,
        accountId: '222222222222',
        region: 'eu-west-1',
        lambdaArn: FUNCTION_ARN,
        reason: 'deleted',
        registrations: [ACME_ORDERS],
      });
    });

    it('reads the function and AppFlow in the event’s account and Region, as the execution', async () => {
      functionGone();
      answerConnectors(appflowMock);
      await verifyRemoval(fixture('input-delete-function.json'), deps);

      expect(clientsFor).toHaveBeenCalledWith({
        accountId: '222222222222',
        region: 'eu-west-1',
        executionArn: fixture('input-delete-function.json').executionArn,
      });
      expect(lambdaMock).toHaveReceivedCommandWith(GetFunctionCommand, { FunctionName: FUNCTION_ARN });
    });

    it('resolves a CloudFormation DELETE_COMPLETE’s physical id the same way', async () => {
      functionGone();
      answerConnectors(appflowMock);

      await expect(verifyRemoval(fixture('input-cloudformation-delete.json'), deps)).resolves.toMatchObject({
        unregister: true,
        lambdaArn: FUNCTION_ARN,
        reason: 'deleted',
      });
    });

    it('leaves a registration someone else made alone', async () => {
      functionGone();
      answerConnectors(appflowMock, {
        configurations: {
          'acme-orders-by-hand':
            fixture<Record<string, unknown>>('describe-connectors.json')['acme-orders-by-hand'],
        },
      });

      const answer = await verifyRemoval(fixture('input-delete-function.json'), deps);
      expect(answer).toMatchObject({ unregister: false, lambdaArn: FUNCTION_ARN });
    });

    it('names a registration someone else made when only DescribeConnector said who', async () => {
      functionGone();
      const connectors = fixture<{ connectors: Record<string, unknown>[] }>(
        'list-connectors.json',
      ).connectors.map(({ registeredBy: _, ...connector }) => ({ ...connector, registeredAt: new Date() }));
      answerConnectors(appflowMock, {
        connectors,
        configurations: {
          'acme-orders-by-hand':
            fixture<Record<string, unknown>>('describe-connectors.json')['acme-orders-by-hand'],
        },
      });

      const answer = await verifyRemoval(fixture('input-delete-function.json'), deps);
      expect(answer.unregister === false && answer.why).toMatch(
        /not made by the registrar \(acme-orders-by-hand\): never touched/,
      );
    });

    it('answers nothing to unregister when no registration points at it', async () => {
      functionGone();
      answerConnectors(appflowMock, { configurations: {} });

      const answer = await verifyRemoval(fixture('input-delete-function.json'), deps);
      expect(answer).toMatchObject({ unregister: false, lambdaArn: FUNCTION_ARN });
      expect(answer.unregister === false && answer.why).toContain('is gone');
    });
  });

  describe('a deletion signal for a function that still exists (stale, replayed or forged)', () => {
    it('unregisters nothing and reads nothing of AppFlow', async () => {
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput('get-function-relabelled.json'));
      answerConnectors(appflowMock);

      const answer = await verifyRemoval(fixture('input-delete-function.json'), deps);
      expect(answer).toMatchObject({ unregister: false, lambdaArn: FUNCTION_ARN });
      expect(answer.unregister === false && answer.why).toContain('still exists');
      expect(appflowMock).not.toHaveReceivedCommand(ListConnectorsCommand);
    });
  });

  describe('a tag signal', () => {
    it('unregisters every registration of an untagged function, reason untagged', async () => {
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput('get-function-untagged.json'));
      answerConnectors(appflowMock);

      await expect(verifyRemoval(fixture('input-untag-resource.json'), deps)).resolves.toMatchObject({
        unregister: true,
        reason: 'untagged',
        registrations: [ACME_ORDERS],
      });
    });

    it('unregisters the old label of a relabelled function, reason relabelled', async () => {
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput('get-function-relabelled.json'));
      answerConnectors(appflowMock);

      await expect(verifyRemoval(fixture('input-untag-resource.json'), deps)).resolves.toMatchObject({
        unregister: true,
        reason: 'relabelled',
        registrations: [ACME_ORDERS],
      });
    });

    it('unregisters what the drift sweep found orphaned, reason orphaned, and keeps the label still carried', async () => {
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput('get-function-relabelled.json'));
      answerConnectors(appflowMock);
      const swept = {
        ...fixture<Record<string, unknown>>('input-untag-resource.json'),
        trigger: {
          kind: 'sweep',
          eventId: 'arn:aws:states:eu-west-1:111111111111:execution:sweep:1',
          name: 'orphaned',
          time: '2026-12-01T00:00:00Z',
        },
      };

      await expect(verifyRemoval(swept, deps)).resolves.toMatchObject({
        unregister: true,
        reason: 'orphaned',
        registrations: [ACME_ORDERS],
      });
    });

    it('keeps the label the function still carries (a replayed or undone untag)', async () => {
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput('get-function-tagged.json'));
      answerConnectors(appflowMock);

      const answer = await verifyRemoval(fixture('input-untag-resource.json'), deps);
      expect(answer.unregister).toBe(false);
      expect(answer.unregister === false && answer.why).toContain(
        'carries appflow:connector-label "acme-orders"',
      );
    });

    it('of a function deleted since unregisters as deleted', async () => {
      functionGone();
      answerConnectors(appflowMock);

      await expect(verifyRemoval(fixture('input-untag-resource.json'), deps)).resolves.toMatchObject({
        reason: 'deleted',
      });
    });
  });

  describe('a DeleteFunction of one version', () => {
    it('unregisters nothing and calls nothing', async () => {
      const answer = await verifyRemoval(
        input('input-delete-function.json', { functionArn: 'acme-orders-connector:7' }),
        deps,
      );

      expect(answer).toMatchObject({ unregister: false, lambdaArn: FUNCTION_ARN });
      expect(clientsFor).not.toHaveBeenCalled();
    });
  });

  describe('the guards, before any AWS call', () => {
    it.each([
      [
        'another account’s function',
        { functionArn: 'arn:aws:lambda:eu-west-1:333333333333:function:acme-orders-connector' },
        'AccountMismatchError',
      ],
      [
        'another account’s partial ARN',
        { functionArn: '333333333333:function:acme-orders-connector' },
        'AccountMismatchError',
      ],
      [
        'another Region’s function',
        { functionArn: 'arn:aws:lambda:us-east-1:222222222222:function:acme-orders-connector' },
        'AccountMismatchError',
      ],
      [
        'another partition',
        { functionArn: 'arn:aws-cn:lambda:eu-west-1:222222222222:function:acme-orders-connector' },
        'InvalidFunctionArnError',
      ],
      ['a name that is no function name', { functionArn: 'acme orders' }, 'InvalidFunctionArnError'],
      [
        'a trigger that is no removal signal',
        { trigger: { kind: 'pipeline', eventId: 'e', name: 'Connector Lambda Deployed', time: 't' } },
        'InvalidInputError',
      ],
      ['a malformed account', { accountId: '2222' }, 'InvalidInputError'],
    ])('refuses %s', async (_, changes, errorName) => {
      const error = await rejection(verifyRemoval(input('input-delete-function.json', changes), deps));

      expect(error.name).toBe(errorName);
      expect(clientsFor).not.toHaveBeenCalled();
    });

    it.each([
      ['an account off the allow-list', { allowedAccountIds: ['444444444444'] }, 'AccountNotAllowedError'],
      ['a Region the hub does not serve', { servedRegions: ['us-east-1'] }, 'RegionNotServedError'],
    ])('refuses %s', async (_, hub, errorName) => {
      deps.hub = { ...deps.hub, ...hub };
      const error = await rejection(verifyRemoval(fixture('input-delete-function.json'), deps));

      expect(error.name).toBe(errorName);
      expect(clientsFor).not.toHaveBeenCalled();
    });
  });

  describe('in the hub account', () => {
    it('counts only the hub’s RegisterConnector role as the registrar, not a spoke role', async () => {
      functionGone();
      const hubArn = FUNCTION_ARN.replaceAll('222222222222', HUB);
      const configurations = Object.fromEntries(
        Object.entries(fixture<Record<string, unknown>>('describe-connectors.json')).map(
          ([label, configuration]) => [
            label,
            JSON.parse(JSON.stringify(configuration).replaceAll('222222222222', HUB)),
          ],
        ),
      );
      answerConnectors(appflowMock, { configurations });
      const signal = input('input-delete-function.json', { accountId: HUB });

      const answer = await verifyRemoval(signal, deps);
      expect(answer).toMatchObject({ unregister: false, lambdaArn: hubArn });
    });
  });
});
