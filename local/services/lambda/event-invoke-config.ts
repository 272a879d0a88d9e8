import type { DeployedStack } from '../../deploy/deploy.js';
import { TemplateError } from '../../deploy/errors.js';
import type { RoleRegistry } from '../../iam/roles.js';
import type { FunctionRegistry } from '../../types.js';

/**
 * Gives each function of a deployed stack its AWS::Lambda::EventInvokeConfig, refused as Lambda's
 * PutFunctionEventInvokeConfig refuses it: the function must exist, and its execution role must
 * already allow sqs:SendMessage on the on-failure queue (Lambda sends the record with that role).
 */
export function applyEventInvokeConfigs(
  registry: FunctionRegistry,
  roles: RoleRegistry,
  stack: DeployedStack,
): void {
  for (const config of stack.eventInvokeConfigs) {
    const fn = registry.get(stack.accountId, stack.region, config.functionName);
    if (fn === undefined) {
      throw new TemplateError(
        `${stack.stackName}: ${config.logicalId} configures ${config.functionName}, which does not exist.`,
      );
    }
    const queueArn = config.onFailureQueueArn;
    const caller = { accountId: fn.accountId, principalArn: fn.role, roleArn: fn.role };
    if (queueArn !== undefined && !roles.identityAllows(caller, 'sqs:SendMessage', queueArn)) {
      throw new TemplateError(
        `${stack.stackName}: creating ${config.logicalId} fails: the function's execution role does not have permissions to call SendMessage on ${queueArn} (InvalidParameterValueException).`,
      );
    }
    fn.eventInvokeConfig = {
      maximumRetryAttempts: config.maximumRetryAttempts,
      maximumEventAgeInSeconds: config.maximumEventAgeInSeconds,
      ...(queueArn !== undefined ? { onFailureQueueArn: queueArn } : {}),
    };
  }
}
