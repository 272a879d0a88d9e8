import type { DescribeExecutionCommandOutput, SFNClient } from '@aws-sdk/client-sfn';
import type { FunctionArn } from '../functions/shared/arn.js';
import { OPERATOR_UNREGISTER_TRIGGER } from '../functions/shared/event-types.js';
import { type ExecutionOutcome, outcomeOf, parse } from './executions.js';
import type { Hub } from './hub.js';
import { startOperatorExecution } from './operator-execution.js';

/** What an execution of the unregistration workflow came to. */
export interface UnregistrationOutcome extends ExecutionOutcome {
  /** unregistered, left alone, skipped, failed, running, timed out or aborted. */
  outcome: string;
  /** Each label unregistered, with why (deleted, untagged, relabelled). */
  unregistered: { connectorLabel: string; reason: string }[];
  /** Labels that changed since VerifyRemoval read them (another function, another registrant): never touched. */
  leftAlone: string[];
}

/**
 * Starts the unregistration workflow of a hub for one function. Its trigger (kind pipeline, named
 * OPERATOR_UNREGISTER_TRIGGER) is a request VerifyRemoval reads as claiming nothing: its guards and
 * AWS's present state decide, so a function that still carries its label keeps its registration.
 * Returns the execution ARN.
 *
 * @example const executionArn = await startUnregistration(sfn, hub, functionArnOf(arnText))
 */
export function startUnregistration(
  sfn: SFNClient,
  hub: Pick<Hub, 'region' | 'unregisterStateMachineArn'>,
  arn: FunctionArn,
  options: { now?: Date; endpointUrl?: string | undefined } = {},
): Promise<string> {
  const machine = { region: hub.region, stateMachineArn: hub.unregisterStateMachineArn };
  return startOperatorExecution(sfn, machine, arn, OPERATOR_UNREGISTER_TRIGGER, options);
}

interface UnregistrationOutput {
  removal?: { unregister?: boolean; lambdaArn?: string | null; why?: string };
  unregistrations?: {
    connectorLabel?: string;
    unregistration?: { connectorLabel?: string; reason?: string };
    leftAlone?: unknown;
  }[];
}

/**
 * Reads the outcome of a described unregistration execution from the states it ends in (Skipped,
 * Finished after the UnregisterEach Map); a failure or an execution still running reads as a
 * registration's does.
 */
export function unregistrationOutcomeOf(described: DescribeExecutionCommandOutput): UnregistrationOutcome {
  const none = { unregistered: [], leftAlone: [] };
  if (described.status !== 'SUCCEEDED') return { ...outcomeOf(described), ...none };
  const output = parse(described.output) as UnregistrationOutput | undefined;
  const base = {
    executionArn: described.executionArn ?? '',
    status: described.status,
    ...(output?.removal?.lambdaArn ? { lambdaArn: output.removal.lambdaArn } : {}),
  };
  if (!Array.isArray(output?.unregistrations)) {
    return {
      ...base,
      ...none,
      outcome: 'skipped',
      ...(output?.removal?.why ? { message: output.removal.why } : {}),
    };
  }
  const unregistered = output.unregistrations.flatMap(({ unregistration }) =>
    unregistration?.connectorLabel && unregistration.reason
      ? [{ connectorLabel: unregistration.connectorLabel, reason: unregistration.reason }]
      : [],
  );
  const leftAlone = output.unregistrations.flatMap((item) =>
    item.leftAlone !== undefined && item.connectorLabel ? [item.connectorLabel] : [],
  );
  return {
    ...base,
    outcome: unregistered.length > 0 ? 'unregistered' : 'left alone',
    ...(unregistered.length > 0
      ? { connectorLabel: unregistered.map((u) => u.connectorLabel).join(', ') }
      : {}),
    unregistered,
    leftAlone,
  };
}
