import type { DescribeExecutionCommandOutput, SFNClient } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import type { FunctionArn } from '../../functions/shared/arn.js';
import { type ExecutionOutcome, waitForExecution } from '../executions.js';
import type { Hub } from '../hub.js';
import { functionArnOf } from '../register.js';
import { spinner } from './output.js';
import { addHubOptions, type CommandContext, endpointOf, type HubFlags, openHubs } from './session.js';

export interface FunctionExecutionFlags extends HubFlags {
  wait: boolean;
}

/** What differs between `register` and `unregister`: the workflow, how its outcome reads, how it prints. */
export interface FunctionWorkflow<T extends ExecutionOutcome> {
  /** For the progress line: "registering", "unregistering". */
  doing: string;
  start: (
    sfn: SFNClient,
    hub: Hub,
    arn: FunctionArn,
    options: { now: Date; endpointUrl: string | undefined },
  ) => Promise<string>;
  outcomeOf: (described: DescribeExecutionCommandOutput) => T;
  describe: (outcome: T) => string;
}

const FAILED = new Set(['failed', 'timed out', 'aborted']);

/**
 * Starts a workflow for one function in the hub of its Region (a Region without one is served by
 * the first hub given), waits for it with a progress line, and prints the outcome. Returns the exit
 * code: 1 when the execution failed, timed out or was aborted.
 */
export async function runFunctionWorkflow<T extends ExecutionOutcome>(
  functionArnText: string,
  flags: FunctionExecutionFlags,
  context: CommandContext,
  workflow: FunctionWorkflow<T>,
): Promise<number> {
  const arn = functionArnOf(functionArnText);
  const { clients, hubs } = await openHubs(flags, context);
  try {
    const hub =
      hubs.find((candidate) => candidate.region === arn.region) ?? (hubs[0] as (typeof hubs)[number]);
    const { sfn } = clients.in(hub.region);
    const executionArn = await workflow.start(sfn, hub, arn, {
      now: context.now(),
      endpointUrl: endpointOf(flags),
    });
    if (!flags.wait) {
      context.output.write(
        flags.json ? JSON.stringify({ executionArn }, null, 2) : `started ${executionArn}`,
      );
      return 0;
    }
    let polls = 0;
    const described = await waitForExecution(sfn, executionArn, {
      ...(context.pollMs !== undefined ? { pollMs: context.pollMs } : {}),
      endpointUrl: endpointOf(flags),
      onPoll: (status, waitedMs) =>
        context.output.progress(
          `${spinner(polls++)} ${workflow.doing} ${arn.functionName} in ${arn.accountId}/${arn.region}: ${status} ${Math.round(waitedMs / 1000)} s`,
        ),
    });
    context.output.doneProgress();
    const outcome = workflow.outcomeOf(described);
    context.output.write(
      flags.json
        ? JSON.stringify(outcome, null, 2)
        : `${workflow.describe(outcome)}\n  execution: ${executionArn}`,
    );
    return FAILED.has(outcome.outcome) ? 1 : 0;
  } finally {
    clients.destroy();
  }
}

/**
 * Adds a command that takes one function ARN and runs a workflow for it: the hub flags, --no-wait,
 * and the help text after the options (examples, exit codes).
 */
export function addFunctionCommand(
  program: Command,
  spec: { name: string; summary: string; description: string; helpAfter: string },
  run: (functionArn: string, flags: FunctionExecutionFlags) => Promise<number>,
): void {
  addHubOptions(
    program
      .command(spec.name)
      .summary(spec.summary)
      .description(spec.description)
      .argument('<function-arn>', 'the unqualified ARN of the connector Lambda')
      .option('--no-wait', 'print the execution ARN and return at once'),
  )
    .addHelpText('after', spec.helpAfter)
    .action(async (functionArn: string, flags: FunctionExecutionFlags) => {
      process.exitCode = await run(functionArn, flags);
    });
}
