import { AppflowClient, DescribeConnectorProfilesCommand, ListFlowsCommand } from '@aws-sdk/client-appflow';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  findUsers,
  inUse,
  MAX_FLOW_PAGES,
  MAX_PROFILE_PAGES,
} from '../../../functions/unregister-connector/usage.js';
import { fixture } from './helpers.js';

const appflowMock = mockClient(AppflowClient);
const appflow = new AppflowClient({ region: 'eu-west-1' });

afterEach(() => appflowMock.reset());

describe('findUsers', () => {
  it('names the label’s connector profiles and the flows whose source or destination it is', async () => {
    appflowMock.on(DescribeConnectorProfilesCommand).resolves(fixture('connector-profiles.json'));
    appflowMock.on(ListFlowsCommand).resolves(fixture('flows.json'));

    const usage = await findUsers(appflow, 'acme-orders');
    expect(usage).toEqual({
      profiles: ['acme-orders-prod'],
      flows: ['orders-to-s3', 'salesforce-to-acme'],
      complete: true,
    });
    expect(inUse(usage)).toBe(true);
    expect(appflowMock).toHaveReceivedCommandWith(DescribeConnectorProfilesCommand, {
      connectorType: 'CustomConnector',
      connectorLabel: 'acme-orders',
      maxResults: 100,
    });
  });

  it('finds nothing for a label nothing uses', async () => {
    appflowMock.on(DescribeConnectorProfilesCommand).resolves({ connectorProfileDetails: [] });
    appflowMock.on(ListFlowsCommand).resolves(fixture('flows.json'));

    const usage = await findUsers(appflow, 'unused');
    expect(usage).toEqual({ profiles: [], flows: [], complete: true });
    expect(inUse(usage)).toBe(false);
  });

  it('follows nextToken across pages', async () => {
    appflowMock.on(DescribeConnectorProfilesCommand).resolves({ connectorProfileDetails: [] });
    appflowMock
      .on(ListFlowsCommand)
      .resolvesOnce({ flows: [], nextToken: 'page-2' })
      .resolves(fixture('flows.json'));

    const usage = await findUsers(appflow, 'acme-orders');
    expect(usage.flows).toEqual(['orders-to-s3', 'salesforce-to-acme']);
    expect(appflowMock).toHaveReceivedNthCommandWith(ListFlowsCommand, 2, {
      maxResults: 100,
      nextToken: 'page-2',
    });
  });

  it(`stops after ${MAX_PROFILE_PAGES} pages of profiles and ${MAX_FLOW_PAGES} of flows, and says it is incomplete`, async () => {
    appflowMock
      .on(DescribeConnectorProfilesCommand)
      .resolves({ connectorProfileDetails: [], nextToken: 'more' });
    appflowMock.on(ListFlowsCommand).resolves({ flows: [], nextToken: 'more' });

    const usage = await findUsers(appflow, 'acme-orders');
    expect(usage.complete).toBe(false);
    expect(appflowMock).toHaveReceivedCommandTimes(DescribeConnectorProfilesCommand, MAX_PROFILE_PAGES);
    expect(appflowMock).toHaveReceivedCommandTimes(ListFlowsCommand, MAX_FLOW_PAGES);
  });
});
