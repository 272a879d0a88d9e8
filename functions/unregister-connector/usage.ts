import {
  type AppflowClient,
  ConnectorType,
  DescribeConnectorProfilesCommand,
  ListFlowsCommand,
} from '@aws-sdk/client-appflow';
import { readPages } from '../shared/pages.js';

/** The largest page of DescribeConnectorProfiles and ListFlows. */
export const USAGE_PAGE_SIZE = 100;
/** Pages of connector profiles of the label read at most. */
export const MAX_PROFILE_PAGES = 5;
/** Pages of the account's flows read at most: 1,000 flows. */
export const MAX_FLOW_PAGES = 10;

/** What uses a connector label, as far as the bounded listings read. */
export interface Usage {
  /** Names of the connector profiles of the label. */
  profiles: string[];
  /** Names of the flows whose source or destination is the label. */
  flows: string[];
  /** false when a bound stopped a listing: more may use it. */
  complete: boolean;
}

/**
 * Looks up what uses a connector label in the client's account and Region: its connector profiles
 * (DescribeConnectorProfiles filtered by the label) and the flows whose source or destination it is
 * (ListFlows, read page by page). Bounded by MAX_PROFILE_PAGES and MAX_FLOW_PAGES; past them
 * `complete` is false, and UnregisterConnector's own refusal (ConflictException for a label its
 * profiles use) remains the backstop. AppFlow errors are rethrown for the state machine.
 *
 * @example const usage = await findUsers(appflow, 'acme-orders');
 */
export async function findUsers(appflow: AppflowClient, connectorLabel: string): Promise<Usage> {
  const profiles = await readPages(MAX_PROFILE_PAGES, async (nextToken) => {
    const answer = await appflow.send(
      new DescribeConnectorProfilesCommand({
        connectorType: ConnectorType.CUSTOMCONNECTOR,
        connectorLabel,
        maxResults: USAGE_PAGE_SIZE,
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    return { items: answer.connectorProfileDetails, nextToken: answer.nextToken };
  });
  const flows = await readPages(MAX_FLOW_PAGES, async (nextToken) => {
    const answer = await appflow.send(
      new ListFlowsCommand({ maxResults: USAGE_PAGE_SIZE, ...(nextToken ? { nextToken } : {}) }),
    );
    return { items: answer.flows, nextToken: answer.nextToken };
  });
  return {
    profiles: profiles.items
      .filter((profile) => profile.connectorLabel === connectorLabel)
      .flatMap((profile) => (profile.connectorProfileName ? [profile.connectorProfileName] : [])),
    flows: flows.items
      .filter(
        (flow) =>
          flow.sourceConnectorLabel === connectorLabel || flow.destinationConnectorLabel === connectorLabel,
      )
      .flatMap((flow) => (flow.flowName ? [flow.flowName] : [])),
    complete: profiles.complete && flows.complete,
  };
}

/** Whether anything was found using the label. */
export function inUse(usage: Usage): boolean {
  return usage.profiles.length > 0 || usage.flows.length > 0;
}
