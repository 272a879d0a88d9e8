import type { Logger } from '@aws-lambda-powertools/logger';
import { type AppflowClient, ConnectorType, DescribeConnectorCommand } from '@aws-sdk/client-appflow';
import { logger as defaultLogger } from '../shared/logger.js';
import type { RegisterInput } from '../shared/types.js';
import { isSameFunction } from './reconcile.js';

/**
 * Whether AppFlow still holds the label for this input's function: what a stored result claims
 * before it is replayed. Someone may have unregistered the connector (or given its label to another
 * function) since the registrar registered it; the idempotency record, which lives 8 hours, does
 * not know. ResourceNotFoundException means it does not hold; any other AppFlow error is rethrown
 * for the state machine to retry or alert on, since nothing can be concluded from it.
 *
 * @example if (!(await registrationHolds(input, appflow))) { … register again … }
 */
export async function registrationHolds(
  input: RegisterInput,
  appflow: AppflowClient,
  log: Logger = defaultLogger,
): Promise<boolean> {
  try {
    const { connectorConfiguration } = await appflow.send(
      new DescribeConnectorCommand({
        connectorType: ConnectorType.CUSTOMCONNECTOR,
        connectorLabel: input.connectorLabel,
      }),
    );
    const registeredLambdaArn = connectorConfiguration?.connectorProvisioningConfig?.lambda?.lambdaArn;
    if (isSameFunction(registeredLambdaArn, input.lambdaArn)) return true;
    log.warn('DescribeConnector: the label no longer points at this function', { registeredLambdaArn });
    return false;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') {
      log.warn('DescribeConnector: the label is no longer registered');
      return false;
    }
    log.info('DescribeConnector failed', { error: (error as Error).name });
    throw error;
  }
}
