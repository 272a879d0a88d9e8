import type { RegisterInput, RegisterOutput } from '../shared/types.js';

/**
 * The task's answer: the registration's identity from the input, what was done and the connector's
 * ARN. The ConnectorRegistered event is built from it.
 */
export function outputFor(
  input: RegisterInput,
  action: RegisterOutput['action'],
  connectorArn: string,
): RegisterOutput {
  return {
    connectorArn,
    connectorLabel: input.connectorLabel,
    lambdaArn: input.lambdaArn,
    accountId: input.accountId,
    region: input.region,
    action,
    codeSha256: input.codeSha256,
  };
}
