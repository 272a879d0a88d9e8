import {
  type AppflowClient,
  type ConnectorConfiguration,
  ConnectorType,
  DescribeConnectorCommand,
} from '@aws-sdk/client-appflow';

/**
 * The custom connector registered under `connectorLabel` in the client's account and Region, or
 * undefined when there is none (ResourceNotFoundException). Other AppFlow errors are rethrown
 * unchanged for the state machine to retry or alert on.
 *
 * @example const registration = await describeCustomConnector(appflow, 'acme-orders');
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
