import type { Logger } from '@aws-lambda-powertools/logger';
import type { AppflowClient } from '@aws-sdk/client-appflow';
import { logger as defaultLogger } from '../shared/logger.js';
import type { RegisterInput } from '../shared/types.js';
import { describeLabel, isSameFunction } from './reconcile.js';

/**
 * Whether AppFlow still holds the label for this input's function: what a stored result claims
 * before it is replayed. Someone may have unregistered the connector (or given its label to another
 * function) since the registrar registered it; the idempotency record, which lives 8 hours, does
 * not know. Any AppFlow error but ResourceNotFoundException is rethrown for the state machine to
 * retry or alert on, since nothing can be concluded from it.
 *
 * @example if (!(await registrationHolds(input, appflow))) { … register again … }
 */
export async function registrationHolds(
  input: RegisterInput,
  appflow: AppflowClient,
  log: Logger = defaultLogger,
): Promise<boolean> {
  const registration = await describeLabel(input, appflow, log);
  if (!registration) {
    log.warn('DescribeConnector: the label is no longer registered');
    return false;
  }
  const registeredLambdaArn = registration.connectorProvisioningConfig?.lambda?.lambdaArn;
  if (isSameFunction(registeredLambdaArn, input.lambdaArn)) return true;
  log.warn('DescribeConnector: the label no longer points at this function', { registeredLambdaArn });
  return false;
}
