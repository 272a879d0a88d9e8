import type { SFNClient } from '@aws-sdk/client-sfn';
import { type FunctionArn, formatFunctionArn, parseFunctionArn } from '../functions/shared/arn.js';
import type { WorkflowInput } from '../functions/shared/types.js';
import { OperatorError } from './errors.js';
import { startOperatorExecution } from './executions.js';
import type { Hub } from './hub.js';

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
 * The workflow input the rules would build for this function: its account and Region, the function,
 * no hints (only its tags count), and a pipeline-kind trigger named after this command, so that
 * VerifyFunction treats it as an explicit request and its history names the operator.
 */
export function registrationInput(arn: FunctionArn, now: Date, eventId: string): WorkflowInput {
  return {
    accountId: arn.accountId,
    region: arn.region,
    functionArn: formatFunctionArn(arn),
    hints: null,
    trigger: { kind: 'pipeline', eventId, name: OPERATOR_TRIGGER, time: now.toISOString() },
  };
}

/**
 * Starts the registration workflow of a hub for one function, with the input above; the execution
 * name says an operator started it. Returns the execution ARN.
 *
 * @example const executionArn = await startRegistration(sfn, hub, functionArnOf(arnText))
 */
export async function startRegistration(
  sfn: SFNClient,
  hub: Pick<Hub, 'region' | 'stateMachineArn'>,
  arn: FunctionArn,
  options: { now?: Date; endpointUrl?: string | undefined } = {},
): Promise<string> {
  return startOperatorExecution(
    sfn,
    hub.region,
    hub.stateMachineArn,
    'operator',
    (id) => registrationInput(arn, options.now ?? new Date(), id),
    options.endpointUrl,
  );
}
