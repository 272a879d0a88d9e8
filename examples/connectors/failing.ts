import type { Context } from 'aws-lambda';
import { CONNECTOR_CONFIGURATION } from './contacts-connector.js';
import { type ConnectorResponse, failure, requestType } from './protocol.js';

export const FAILURE_MESSAGE =
  'The address book backend is unreachable (connection refused); the connector cannot describe itself.';

/**
 * A connector whose backend is down: it speaks the protocol but answers every request, including
 * DescribeConnectorConfiguration, with isSuccess false and errorDetails, so registration must fail
 * with a clear reason instead of registering a connector that cannot work.
 */
export async function handler(event: unknown, context: Context): Promise<ConnectorResponse> {
  const type = requestType(event);
  console.error(`failing connector ${context.functionName}: ${type}: ${FAILURE_MESSAGE}`);
  const answer = failure('ServiceUnavailable', FAILURE_MESSAGE);
  if (type !== 'DescribeConnectorConfigurationRequest') return answer;
  // The SDK models make these fields required even in an unsuccessful answer.
  const { connectorOwner, connectorName, connectorVersion, connectorModes, supportedApiVersions } =
    CONNECTOR_CONFIGURATION;
  return { ...answer, connectorOwner, connectorName, connectorVersion, connectorModes, supportedApiVersions };
}
