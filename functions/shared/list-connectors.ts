import {
  type AppflowClient,
  type ConnectorDetail,
  ConnectorType,
  ListConnectorsCommand,
} from '@aws-sdk/client-appflow';
import { readPages } from './pages.js';

/** ListConnectors' largest page. */
export const LIST_PAGE_SIZE = 100;
/** Pages read at most: 1,000 custom connectors in one account and Region. */
export const MAX_LIST_PAGES = 10;

/**
 * The custom connectors of the client's account and Region, each with its label and who registered
 * it (ListConnectors names no Lambda), read page by page up to MAX_LIST_PAGES; `complete` is false
 * when a page was left unread. AppFlow errors are rethrown for the state machine.
 *
 * @example const { connectors, complete } = await listCustomConnectors(appflow);
 */
export async function listCustomConnectors(
  appflow: AppflowClient,
): Promise<{ connectors: ConnectorDetail[]; complete: boolean }> {
  const { items, complete } = await readPages(MAX_LIST_PAGES, async (nextToken) => {
    const answer = await appflow.send(
      new ListConnectorsCommand({ maxResults: LIST_PAGE_SIZE, ...(nextToken ? { nextToken } : {}) }),
    );
    return { items: answer.connectors, nextToken: answer.nextToken };
  });
  // ListConnectors lists custom connectors only; the filter keeps it so if that ever changes.
  const connectors = items.filter(
    (connector) => connector.connectorType === ConnectorType.CUSTOMCONNECTOR && connector.connectorLabel,
  );
  return { connectors, complete };
}
