import type { Logger } from '@aws-lambda-powertools/logger';
import type { AppflowClient } from '@aws-sdk/client-appflow';
import { logger as defaultLogger } from '../shared/logger.js';
import type { RegisterInput } from '../shared/types.js';
import { describeLabel, isSameFunction } from './reconcile.js';

/**
 * Whether AppFlow still holds the label for this input's function, with the description the input
 * asks for: what a stored result claims before it is replayed. Someone may have unregistered the
 * connector (or given its label to another function) since the registrar registered it, and the
 * description is not part of the idempotency key, so a changed appflow:connector-description tag
 * finds the record of the registration before it; the record, which lives 8 hours, knows neither.
 * A null description (no tag) leaves AppFlow's alone, as reconcile.ts does. Any AppFlow error but
 * ResourceNotFoundException is rethrown for the state machine to retry or alert on.
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
  if (!isSameFunction(registeredLambdaArn, input.lambdaArn)) {
    log.warn('DescribeConnector: the label no longer points at this function', { registeredLambdaArn });
    return false;
  }
  if (input.description !== null && (registration.connectorDescription ?? '') !== input.description) {
    log.warn('DescribeConnector: the registered description differs from the tag', {
      registeredDescription: registration.connectorDescription,
    });
    return false;
  }
  return true;
}
