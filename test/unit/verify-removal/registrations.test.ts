import {
  AppflowClient,
  type ConnectorDetail,
  DescribeConnectorCommand,
  ListConnectorsCommand,
  ThrottlingException,
} from '@aws-sdk/client-appflow';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { LIST_PAGE_SIZE, MAX_LIST_PAGES } from '../../../functions/shared/list-connectors.js';
import { isRegistrarPrincipal } from '../../../functions/shared/registrar-principal.js';
import { findRegistrationsOf, MAX_DESCRIBED } from '../../../functions/verify-removal/registrations.js';
import {
  answerConnectors,
  FUNCTION_ARN,
  fakeLogger,
  fixture,
  identity,
  rejection,
  SPOKE,
} from './helpers.js';

const appflowMock = mockClient(AppflowClient);
const appflow = new AppflowClient({ region: 'eu-west-1' });
const isRegistrar = (registeredBy: string | undefined) => isRegistrarPrincipal(registeredBy, SPOKE, identity);

afterEach(() => appflowMock.reset());

/** `count` connectors the registrar registered, labels c000…, none pointing at the function. */
function manyConnectors(count: number): ConnectorDetail[] {
  const [template] = fixture<{ connectors: ConnectorDetail[] }>('list-connectors.json').connectors;
  return Array.from({ length: count }, (_, index) => ({
    ...template,
    connectorLabel: `c${String(index).padStart(4, '0')}`,
    registeredAt: new Date('2026-11-01T00:00:00Z'),
  }));
}

describe('findRegistrationsOf', () => {
  describe('finds the registrations that point at exactly the function', () => {
    it('with who made each: the registrar or someone else', async () => {
      answerConnectors(appflowMock);
      const search = await findRegistrationsOf(appflow, FUNCTION_ARN, isRegistrar, fakeLogger());

      expect(search.pointing).toEqual([
        {
          connectorLabel: 'acme-orders',
          connectorArn: 'arn:aws:appflow:eu-west-1:222222222222:connector/acme-orders',
          registeredAt: '2026-11-27T08:00:05.000Z',
          registeredBy: 'arn:aws:sts::222222222222:assumed-role/AppFlowConnectorRegistrar/registrar-0b6f3d0e',
          byRegistrar: true,
        },
      ]);
      expect(search).toMatchObject({ listed: 3, described: 2, truncated: false });
    });

    it('never describes a registration ListConnectors says someone else made', async () => {
      answerConnectors(appflowMock);
      await findRegistrationsOf(appflow, FUNCTION_ARN, isRegistrar, fakeLogger());

      expect(appflowMock).not.toHaveReceivedCommandWith(DescribeConnectorCommand, {
        connectorLabel: 'acme-orders-by-hand',
      });
      expect(appflowMock).toHaveReceivedCommandWith(DescribeConnectorCommand, {
        connectorType: 'CustomConnector',
        connectorLabel: 'billing',
      });
    });

    it('describes a registration whose registrant ListConnectors leaves out, and reports who made it', async () => {
      const connectors = fixture<{ connectors: ConnectorDetail[] }>('list-connectors.json').connectors.map(
        ({ registeredBy: _, ...connector }) => ({ ...connector, registeredAt: new Date() }),
      );
      answerConnectors(appflowMock, { connectors });
      const search = await findRegistrationsOf(appflow, FUNCTION_ARN, isRegistrar, fakeLogger());

      expect(search.pointing.map((found) => [found.connectorLabel, found.byRegistrar])).toEqual([
        ['acme-orders', true],
        ['acme-orders-by-hand', false],
      ]);
    });

    it('passes over a label unregistered between the listing and its description', async () => {
      const configurations = fixture<Record<string, unknown>>('describe-connectors.json');
      delete configurations['acme-orders'];
      answerConnectors(appflowMock, { configurations });

      const search = await findRegistrationsOf(appflow, FUNCTION_ARN, isRegistrar, fakeLogger());
      expect(search.pointing).toEqual([]);
    });

    it('matches the function ARN exactly: a registration of a version or alias is not this function', async () => {
      const configurations =
        fixture<Record<string, { connectorProvisioningConfig: { lambda: { lambdaArn: string } } }>>(
          'describe-connectors.json',
        );
      (
        configurations['acme-orders'] as { connectorProvisioningConfig: { lambda: { lambdaArn: string } } }
      ).connectorProvisioningConfig.lambda.lambdaArn = `${FUNCTION_ARN}:live`;
      answerConnectors(appflowMock, { configurations });

      const search = await findRegistrationsOf(appflow, FUNCTION_ARN, isRegistrar, fakeLogger());
      expect(search.pointing).toEqual([]);
    });
  });

  describe('bounds its work', () => {
    it('reads ListConnectors page by page with the largest page size', async () => {
      answerConnectors(appflowMock, { connectors: manyConnectors(250), pageSize: LIST_PAGE_SIZE });
      const search = await findRegistrationsOf(appflow, FUNCTION_ARN, () => false, fakeLogger());

      expect(appflowMock).toHaveReceivedCommandTimes(ListConnectorsCommand, 3);
      expect(appflowMock).toHaveReceivedNthCommandWith(ListConnectorsCommand, 2, {
        maxResults: 100,
        nextToken: '100',
      });
      expect(search).toMatchObject({ listed: 250, truncated: false });
    });

    it(`stops after ${MAX_LIST_PAGES} pages and says the search was truncated`, async () => {
      answerConnectors(appflowMock, { connectors: manyConnectors(MAX_LIST_PAGES * 10 + 1), pageSize: 10 });
      const logger = fakeLogger();
      const search = await findRegistrationsOf(appflow, FUNCTION_ARN, () => false, logger);

      expect(appflowMock).toHaveReceivedCommandTimes(ListConnectorsCommand, MAX_LIST_PAGES);
      expect(search.truncated).toBe(true);
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('bounds'), expect.any(Object));
    });

    it(`describes at most ${MAX_DESCRIBED} registrations and says the search was truncated`, async () => {
      answerConnectors(appflowMock, { connectors: manyConnectors(MAX_DESCRIBED + 5), configurations: {} });
      const search = await findRegistrationsOf(appflow, FUNCTION_ARN, isRegistrar, fakeLogger());

      expect(appflowMock).toHaveReceivedCommandTimes(DescribeConnectorCommand, MAX_DESCRIBED);
      expect(search).toMatchObject({ described: MAX_DESCRIBED, truncated: true });
    });
  });

  it('rethrows AppFlow errors unchanged for the state machine', async () => {
    appflowMock
      .on(ListConnectorsCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));

    expect(
      (await rejection(findRegistrationsOf(appflow, FUNCTION_ARN, isRegistrar, fakeLogger()))).name,
    ).toBe('ThrottlingException');
  });
});
