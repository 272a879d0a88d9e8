import {
  AccessDeniedException,
  AppflowClient,
  ConflictException,
  DescribeConnectorCommand,
  DescribeConnectorProfilesCommand,
  ListFlowsCommand,
  ResourceNotFoundException,
  ThrottlingException,
  UnregisterConnectorCommand,
} from '@aws-sdk/client-appflow';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logger } from '../../../functions/shared/logger.js';
import {
  describeUsage,
  NAMED_USERS_AT_MOST,
  type UnregisterDeps,
  unregisterConnector,
} from '../../../functions/unregister-connector/unregister.js';
import { describeAnswer, fixture, isRegistrar, unregisterInput } from './helpers.js';

const appflowMock = mockClient(AppflowClient);
let deps: UnregisterDeps;

const notFound = () => new ResourceNotFoundException({ message: 'No connector acme-orders', $metadata: {} });

beforeEach(() => {
  deps = { appflow: new AppflowClient({ region: 'eu-west-1' }), inUse: 'alert', isRegistrar, log: logger };
  appflowMock.on(DescribeConnectorCommand).resolves(describeAnswer());
  appflowMock.on(DescribeConnectorProfilesCommand).resolves({ connectorProfileDetails: [] });
  appflowMock.on(ListFlowsCommand).resolves({ flows: [] });
  appflowMock.on(UnregisterConnectorCommand).resolves({});
});

afterEach(() => appflowMock.reset());

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('unregisterConnector succeeded');
}

function inUseByFixtures(): void {
  appflowMock.on(DescribeConnectorProfilesCommand).resolves(fixture('connector-profiles.json'));
  appflowMock.on(ListFlowsCommand).resolves(fixture('flows.json'));
}

describe('unregisterConnector', () => {
  describe('the registration VerifyRemoval confirmed, unused', () => {
    it('unregisters it with forceDelete false and answers what the event carries', async () => {
      await expect(unregisterConnector(unregisterInput(), deps)).resolves.toEqual({
        connectorArn: 'arn:aws:appflow:eu-west-1:222222222222:connector/acme-orders',
        connectorLabel: 'acme-orders',
        lambdaArn: 'arn:aws:lambda:eu-west-1:222222222222:function:acme-orders-connector',
        accountId: '222222222222',
        region: 'eu-west-1',
        reason: 'deleted',
        forced: false,
      });
      expect(appflowMock).toHaveReceivedCommandWith(UnregisterConnectorCommand, {
        connectorLabel: 'acme-orders',
        forceDelete: false,
      });
    });

    it('reads the registration again and looks up its users before unregistering it', async () => {
      await unregisterConnector(unregisterInput(), deps);

      const order = appflowMock.calls().map((call) => call.args[0].constructor.name);
      expect(order.at(0)).toBe('DescribeConnectorCommand');
      expect(order.at(-1)).toBe('UnregisterConnectorCommand');
      expect(order).toContain('DescribeConnectorProfilesCommand');
      expect(order).toContain('ListFlowsCommand');
    });
  });

  describe('a registration that changed since VerifyRemoval read it is never touched', () => {
    it.each([
      [
        'points at another function',
        { lambdaArn: 'arn:aws:lambda:eu-west-1:222222222222:function:other' },
        'now points at',
      ],
      [
        'points at a version of the function',
        { lambdaArn: `${unregisterInput().lambdaArn}:3` },
        'now points at',
      ],
      [
        'was registered by a person',
        { registeredBy: 'arn:aws:sts::222222222222:assumed-role/platform-admin/jane.doe' },
        'not the registrar',
      ],
      ['was registered again since', { registeredAt: '2026-11-28T10:00:00.000Z' }, 'registered again'],
    ])('one that %s: RegistrationChangedError, no UnregisterConnector', async (_, change, words) => {
      appflowMock.on(DescribeConnectorCommand).resolves(describeAnswer(change));

      const error = await rejectionOf(unregisterConnector(unregisterInput(), deps));
      expect(error.name).toBe('RegistrationChangedError');
      expect(error.message).toContain(words);
      expect(appflowMock).not.toHaveReceivedCommand(UnregisterConnectorCommand);
    });
  });

  describe('a label already gone', () => {
    it('counts as unregistered without calling UnregisterConnector (a retry after a crash finds this)', async () => {
      appflowMock.on(DescribeConnectorCommand).rejects(notFound());

      await expect(unregisterConnector(unregisterInput(), deps)).resolves.toMatchObject({ forced: false });
      expect(appflowMock).not.toHaveReceivedCommand(UnregisterConnectorCommand);
    });

    it('counts as unregistered when it vanishes between the check and the call', async () => {
      appflowMock.on(UnregisterConnectorCommand).rejects(notFound());

      await expect(unregisterConnector(unregisterInput(), deps)).resolves.toMatchObject({
        connectorLabel: 'acme-orders',
      });
    });
  });

  describe('a label in use', () => {
    it('with unregisterInUse alert: ConnectorInUseError naming the profiles and flows, nothing unregistered', async () => {
      inUseByFixtures();

      const error = await rejectionOf(unregisterConnector(unregisterInput(), deps));
      expect(error.name).toBe('ConnectorInUseError');
      expect(error.message).toContain(
        'connector profile(s) acme-orders-prod and flow(s) orders-to-s3, salesforce-to-acme',
      );
      expect(error.message).toContain(
        'aws appflow unregister-connector --connector-label acme-orders --region eu-west-1',
      );
      expect(appflowMock).not.toHaveReceivedCommand(UnregisterConnectorCommand);
    });

    it('with unregisterInUse force: unregisters it with forceDelete true, and says it forced', async () => {
      inUseByFixtures();

      const output = await unregisterConnector(unregisterInput(), { ...deps, inUse: 'force' });
      expect(output.forced).toBe(true);
      expect(appflowMock).toHaveReceivedCommandWith(UnregisterConnectorCommand, {
        connectorLabel: 'acme-orders',
        forceDelete: true,
      });
    });

    it('that only AppFlow knows of (ConflictException): ConnectorInUseError with AppFlow’s words', async () => {
      appflowMock.on(UnregisterConnectorCommand).rejects(
        new ConflictException({
          message: 'Connector: acme-orders is associated with one or more connector profiles.',
          $metadata: {},
        }),
      );

      const error = await rejectionOf(unregisterConnector(unregisterInput(), deps));
      expect(error.name).toBe('ConnectorInUseError');
      expect(error.message).toContain('associated with one or more connector profiles');
    });
  });

  describe('other AppFlow errors', () => {
    it.each([
      ['ThrottlingException', new ThrottlingException({ message: 'Rate exceeded', $metadata: {} })],
      ['AccessDeniedException', new AccessDeniedException({ message: 'denied', $metadata: {} })],
    ])('rethrows %s unchanged for the state machine', async (name, error) => {
      appflowMock.on(UnregisterConnectorCommand).rejects(error);

      expect((await rejectionOf(unregisterConnector(unregisterInput(), deps))).name).toBe(name);
    });
  });
});

describe('describeUsage', () => {
  it(`names at most ${NAMED_USERS_AT_MOST} of each kind and counts the rest`, () => {
    const flows = Array.from({ length: NAMED_USERS_AT_MOST + 3 }, (_, index) => `flow-${index}`);
    const text = describeUsage({ profiles: ['p'], flows, complete: true });

    expect(text).toContain('flow-9');
    expect(text).not.toContain('flow-10');
    expect(text).toContain('and 3 more');
  });

  it('says when the listings stopped at their bounds', () => {
    expect(describeUsage({ profiles: ['p'], flows: [], complete: false })).toContain('there may be more');
  });

  it('escapes what a name could hide', () => {
    expect(describeUsage({ profiles: ['p\u202e'], flows: [], complete: true })).toContain('p\\u202e');
  });
});
