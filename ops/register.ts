import type { SFNClient } from '@aws-sdk/client-sfn';
import { type FunctionArn, formatFunctionArn, parseFunctionArn } from '../functions/shared/arn.js';
import { OperatorError } from './errors.js';
import type { Hub } from './hub.js';
import { startOperatorExecution } from './operator-execution.js';

/** The trigger name an operator's registration carries, so its history says who started it. */
export const OPERATOR_TRIGGER = 'registrar register';

/**
 * Reads the function ARN an operator typed: unqualified, as the registrar registers it. A malformed
 * one is an OperatorError (exit 2) that says what a valid one looks like.
 */
export function functionArnOf(text: string): FunctionArn {
  let arn: FunctionArn;
  try {
    arn = parseFunctionArn(text);
  } catch (error) {
    throw new OperatorError((error as Error).message, { cause: error });
  }
  if (arn.qualifier !== undefined) {
    throw new OperatorError(
      `${text} is qualified (${arn.qualifier}); connectors are registered by their unqualified ARN: ${formatFunctionArn(arn)}`,
    );
  }
  return arn;
}

/**
 * Starts the registration workflow of a hub for one function, as a deploy signal would (kind
 * pipeline, so VerifyFunction treats it as an explicit request; its tags decide). Returns the
 * execution ARN.
 *
 * @example const executionArn = await startRegistration(sfn, hub, functionArnOf(arnText))
 */
export function startRegistration(
  sfn: SFNClient,
  hub: Pick<Hub, 'region' | 'stateMachineArn'>,
  arn: FunctionArn,
  options: { now?: Date; endpointUrl?: string | undefined } = {},
): Promise<string> {
  return startOperatorExecution(sfn, hub, arn, OPERATOR_TRIGGER, options);
}
