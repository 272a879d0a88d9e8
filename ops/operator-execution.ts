import { randomUUID } from 'node:crypto';
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { type FunctionArn, formatFunctionArn } from '../functions/shared/arn.js';
import type { WorkflowInput } from '../functions/shared/types.js';
import { call, OperatorError } from './errors.js';

/**
 * The workflow input an operator's command gives for one function: its account and Region, the
 * function, no hints (only its tags count), and a pipeline-kind trigger named after the command, so
 * that the workflow treats it as an explicit request and its history names the operator.
 */
export function operatorInput(
  arn: FunctionArn,
  triggerName: string,
  now: Date,
  eventId: string,
): WorkflowInput {
  return {
    accountId: arn.accountId,
    region: arn.region,
    functionArn: formatFunctionArn(arn),
    hints: null,
    trigger: { kind: 'pipeline', eventId, name: triggerName, time: now.toISOString() },
  };
}

/**
 * Starts a workflow for one function as an operator asked: the execution is named `operator-<id>`,
 * so the execution list says who started it, and its input (above) carries the same id as the
 * trigger's eventId. Returns the execution ARN.
 */
export async function startOperatorExecution(
  sfn: SFNClient,
  machine: { region: string; stateMachineArn: string },
  arn: FunctionArn,
  triggerName: string,
  options: { now?: Date; endpointUrl?: string | undefined } = {},
): Promise<string> {
  const id = randomUUID();
  const input = operatorInput(arn, triggerName, options.now ?? new Date(), id);
  const { executionArn } = await call(
    () =>
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn: machine.stateMachineArn,
          name: `operator-${id}`,
          input: JSON.stringify(input),
        }),
      ),
    { operation: 'StartExecution', region: machine.region, endpointUrl: options.endpointUrl },
  );
  if (!executionArn) throw new OperatorError(`StartExecution in ${machine.region} answered no executionArn`);
  return executionArn;
}
