import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type AppflowClient,
  type ConnectorConfiguration,
  UpdateConnectorRegistrationCommand,
} from '@aws-sdk/client-appflow';
import { formatFunctionArn, parseFunctionArn } from '../shared/arn.js';
import { describeCustomConnector } from '../shared/describe-connector.js';
import { LabelOwnedByAnotherFunctionError } from '../shared/errors.js';
import { logger as defaultLogger } from '../shared/logger.js';
import type { RegisterInput, RegisterOutput } from '../shared/types.js';
import { clientTokenFor, tokenLogPrefix } from './idempotency.js';
import { outputFor } from './output.js';

/**
 * Settles a ConflictException from RegisterConnector by looking at who holds the label.
 * - This Lambda, registered after its code last changed and with the same description: nothing to
 *   do ('unchanged').
 * - This Lambda, registered earlier: UpdateConnectorRegistration, which makes AppFlow read the
 *   connector's configuration again ('updated').
 * - Another Lambda: LabelOwnedByAnotherFunctionError; a label is never taken over.
 * - The label vanished meanwhile (DescribeConnector ResourceNotFoundException): the original
 *   ConflictException is rethrown, so the workflow reports what RegisterConnector said.
 * Other AppFlow errors are rethrown unchanged for the state machine to retry or alert on.
 */
export async function reconcileConflict(
  input: RegisterInput,
  appflow: AppflowClient,
  conflict: Error,
  log: Logger = defaultLogger,
): Promise<RegisterOutput> {
  const registration = await describeRegistration(input, appflow, conflict, log);
  const registeredLambdaArn = registration.connectorProvisioningConfig?.lambda?.lambdaArn;

  if (!isSameFunction(registeredLambdaArn, input.lambdaArn)) {
    log.warn('DescribeConnector: the label belongs to another function; leaving it alone', {
      registeredLambdaArn,
      connectorArn: registration.connectorArn,
    });
    throw new LabelOwnedByAnotherFunctionError(
      `Connector label "${input.connectorLabel}" in account ${input.accountId}, Region ${input.region} is registered for ${registeredLambdaArn ?? 'a function AppFlow does not name'}, not for ${input.lambdaArn}. The registrar never takes a label over. Give ${input.lambdaArn} another label (its appflow:connector-label tag), or, if the other connector is obsolete, unregister it deliberately (aws appflow unregister-connector --connector-label ${input.connectorLabel} --region ${input.region}, in that account) and deploy again.`,
    );
  }

  if (isUpToDate(registration, input)) {
    const connectorArn = requireConnectorArn(registration.connectorArn, 'DescribeConnector', input);
    log.info('DescribeConnector: registered after the last code change, same description; nothing to do', {
      action: 'unchanged',
      connectorArn,
      registeredAt: registration.registeredAt?.toISOString(),
    });
    return outputFor(input, 'unchanged', connectorArn);
  }

  const clientToken = clientTokenFor('UpdateConnectorRegistration', input);
  let updatedArn: string | undefined;
  try {
    ({ connectorArn: updatedArn } = await appflow.send(
      new UpdateConnectorRegistrationCommand({
        connectorLabel: input.connectorLabel,
        ...(input.description === null ? {} : { description: input.description }),
        connectorProvisioningConfig: { lambda: { lambdaArn: input.lambdaArn } },
        clientToken,
      }),
    ));
  } catch (error) {
    log.info('UpdateConnectorRegistration failed', {
      error: (error as Error).name,
      clientToken: tokenLogPrefix(clientToken),
    });
    throw error;
  }
  const connectorArn = requireConnectorArn(
    updatedArn ?? registration.connectorArn,
    'UpdateConnectorRegistration',
    input,
  );
  log.info('UpdateConnectorRegistration: connector registration refreshed', {
    action: 'updated',
    connectorArn,
    clientToken: tokenLogPrefix(clientToken),
    previouslyRegisteredAt: registration.registeredAt?.toISOString(),
  });
  return outputFor(input, 'updated', connectorArn);
}

async function describeRegistration(
  input: RegisterInput,
  appflow: AppflowClient,
  conflict: Error,
  log: Logger,
): Promise<ConnectorConfiguration> {
  const registration = await describeLabel(input, appflow, log);
  if (registration) return registration;
  // Registered a moment ago, gone now (unregistered in between): nothing here can be reconciled.
  log.warn('DescribeConnector: the label is no longer registered; reporting the original conflict');
  throw conflict;
}

/**
 * The custom connector registered under the input's label in its account and Region, or undefined
 * when there is none. Other AppFlow errors are logged and rethrown unchanged.
 */
export async function describeLabel(
  input: RegisterInput,
  appflow: AppflowClient,
  log: Logger = defaultLogger,
): Promise<ConnectorConfiguration | undefined> {
  try {
    return await describeCustomConnector(appflow, input.connectorLabel);
  } catch (error) {
    log.info('DescribeConnector failed', { error: (error as Error).name });
    throw error;
  }
}

/**
 * Whether AppFlow's registration points at our function. The registered ARN may carry a version or
 * alias; an ARN that cannot be read counts as someone else's, so it is never overwritten.
 */
export function isSameFunction(registeredLambdaArn: string | undefined, lambdaArn: string): boolean {
  if (registeredLambdaArn === undefined) return false;
  try {
    return formatFunctionArn(parseFunctionArn(registeredLambdaArn)) === lambdaArn;
  } catch {
    return false;
  }
}

/**
 * Whether the registration already reflects the deployed code: AppFlow registered it at or after
 * the function's LastModified, with the description we would send. A null description means the
 * function has no description tag; the registrar then leaves AppFlow's description alone (an update
 * without one would not clear it either), so it does not count as a difference.
 */
export function isUpToDate(registration: ConnectorConfiguration, input: RegisterInput): boolean {
  const registeredAt = registration.registeredAt?.getTime();
  if (registeredAt === undefined || Number.isNaN(registeredAt)) return false;
  if (registeredAt < Date.parse(input.lastModified)) return false;
  return input.description === null || (registration.connectorDescription ?? '') === input.description;
}

function requireConnectorArn(
  connectorArn: string | undefined,
  operation: string,
  input: RegisterInput,
): string {
  if (connectorArn) return connectorArn;
  throw new Error(
    `${operation} answered without a connectorArn for label ${input.connectorLabel}. Check the connector in the AppFlow console of account ${input.accountId}, Region ${input.region}, then start the workflow again.`,
  );
}
