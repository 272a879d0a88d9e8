import type { SFNClient } from '@aws-sdk/client-sfn';
import { type FunctionArn, formatFunctionArn } from '../functions/shared/arn.js';
import type { WorkflowInput } from '../functions/shared/types.js';
import { startNamedExecution } from './executions.js';

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
export function startOperatorExecution(
  sfn: SFNClient,
  machine: { region: string; stateMachineArn: string },
  arn: FunctionArn,
  triggerName: string,
  options: { now?: Date; endpointUrl?: string | undefined } = {},
): Promise<string> {
  const now = options.now ?? new Date();
  return startNamedExecution(
    sfn,
    machine.region,
    machine.stateMachineArn,
    'operator',
    (id) => operatorInput(arn, triggerName, now, id),
    options.endpointUrl,
  );
}
