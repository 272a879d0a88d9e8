import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type AppflowClient,
  ConnectorProvisioningType,
  RegisterConnectorCommand,
} from '@aws-sdk/client-appflow';
import { logger as defaultLogger } from '../shared/logger.js';
import type { RegisterInput, RegisterOutput } from '../shared/types.js';
import { clientTokenFor, tokenLogPrefix } from './idempotency.js';
import { outputFor } from './output.js';
import { reconcileConflict } from './reconcile.js';

/**
 * Registers the connector Lambda with AppFlow under its label. When the label is already taken
 * (ConflictException) it reconciles: the same Lambda is refreshed or left as is, another Lambda's
 * label is refused. Every other AppFlow error is rethrown unchanged, because the state machine
 * retries or alerts on its name.
 *
 * @example const output = await registerConnector(parseRegisterInput(event), clientsFor(target).appflow);
 */
export async function registerConnector(
  input: RegisterInput,
  appflow: AppflowClient,
  log: Logger = defaultLogger,
): Promise<RegisterOutput> {
  const clientToken = clientTokenFor('RegisterConnector', input);
  let connectorArn: string | undefined;
  try {
    ({ connectorArn } = await appflow.send(
      new RegisterConnectorCommand({
        connectorLabel: input.connectorLabel,
        ...(input.description === null ? {} : { description: input.description }),
        connectorProvisioningType: ConnectorProvisioningType.LAMBDA,
        connectorProvisioningConfig: { lambda: { lambdaArn: input.lambdaArn } },
        clientToken,
      }),
    ));
  } catch (error) {
    if ((error as Error).name !== 'ConflictException') {
      log.info('RegisterConnector failed', {
        error: (error as Error).name,
        clientToken: tokenLogPrefix(clientToken),
      });
      throw error;
    }
    log.warn('RegisterConnector: the label is already registered in this account and Region; reconciling', {
      clientToken: tokenLogPrefix(clientToken),
      conflict: (error as Error).message,
    });
    return reconcileConflict(input, appflow, error as Error, log);
  }

  if (!connectorArn) {
    throw new Error(
      `RegisterConnector answered without a connectorArn for label ${input.connectorLabel}. Check the connector in the AppFlow console of account ${input.accountId}, Region ${input.region}, then restart the workflow.`,
    );
  }
  log.info('RegisterConnector: connector registered', {
    action: 'registered',
    connectorArn,
    clientToken: tokenLogPrefix(clientToken),
  });
  return outputFor(input, 'registered', connectorArn);
}
