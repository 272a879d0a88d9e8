import {
  type AppflowClient,
  type ConnectorConfiguration,
  ConnectorType,
  DescribeConnectorCommand,
  ListConnectorsCommand,
} from '@aws-sdk/client-appflow';

/**
 * DescribeConnector for a custom connector label: its configuration, or undefined when AppFlow
 * answers ResourceNotFoundException (nothing registered under the label).
 */
export async function describeCustomConnector(
  appflow: AppflowClient,
  connectorLabel: string,
): Promise<ConnectorConfiguration | undefined> {
  try {
    const { connectorConfiguration } = await appflow.send(
      new DescribeConnectorCommand({ connectorType: ConnectorType.CUSTOMCONNECTOR, connectorLabel }),
    );
    return connectorConfiguration;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** Every connector label registered in the client's account and Region (ListConnectors, all pages). */
export async function registeredLabels(appflow: AppflowClient): Promise<string[]> {
  const labels: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await appflow.send(new ListConnectorsCommand({ maxResults: 100, nextToken }));
    for (const connector of page.connectors ?? []) {
      if (connector.connectorLabel) labels.push(connector.connectorLabel);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return labels.sort();
}
