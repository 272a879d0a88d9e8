import type { Command } from 'commander';
import { type ExecutionOutcome, outcomeOf, waitForExecution } from '../executions.js';
import { functionArnOf, startRegistration } from '../register.js';
import { spinner } from './output.js';
import { addHubOptions, type CommandContext, endpointOf, type HubFlags, openHubs } from './session.js';

interface RegisterFlags extends HubFlags {
  wait: boolean;
}

const FAILED = new Set(['failed', 'timed out', 'aborted']);

/** One line for an outcome: what it came to, for which connector, and a failure's error and fix. */
export function describeOutcome(outcome: ExecutionOutcome): string {
  const who = [outcome.connectorLabel, outcome.lambdaArn].filter(Boolean).join(' ');
  const error = outcome.error ? `: ${outcome.error}${outcome.message ? `: ${outcome.message}` : ''}` : '';
  const skipped = outcome.outcome === 'skipped' && outcome.message ? ` (${outcome.message})` : '';
  return `${outcome.outcome}${who ? ` ${who}` : ''}${error}${skipped}`;
}

/** `registrar register`: starts the workflow for one function and waits for it. Returns the exit code. */
export async function runRegister(
  functionArnText: string,
  flags: RegisterFlags,
  context: CommandContext,
): Promise<number> {
  const arn = functionArnOf(functionArnText);
  const { clients, hubs } = await openHubs(flags, context);
  try {
    // The hub of the function's Region; a Region without one is served by the first hub given.
    const hub =
      hubs.find((candidate) => candidate.region === arn.region) ?? (hubs[0] as (typeof hubs)[number]);
    const { sfn } = clients.in(hub.region);
    const executionArn = await startRegistration(sfn, hub, arn, {
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
          `${spinner(polls++)} registering ${arn.functionName} in ${arn.accountId}/${arn.region}: ${status} ${Math.round(waitedMs / 1000)} s`,
        ),
    });
    context.output.doneProgress();
    const outcome = outcomeOf(described);
    context.output.write(
      flags.json
        ? JSON.stringify(outcome, null, 2)
        : `${describeOutcome(outcome)}\n  execution: ${executionArn}`,
    );
    return FAILED.has(outcome.outcome) ? 1 : 0;
  } finally {
    clients.destroy();
  }
}

export function addRegisterCommand(program: Command, context: CommandContext): void {
  addHubOptions(
    program
      .command('register')
      .summary('start the registration workflow for one function and wait for it')
      .description(
        "Start the registration workflow for one function, as a deploy signal would (its tags decide), wait for it with a progress indicator on a terminal, and print the outcome. It runs in the hub of the function's Region, else in the first --region.",
      )
      .argument('<function-arn>', 'the unqualified ARN of the connector Lambda')
      .option('--no-wait', 'print the execution ARN and return at once'),
  )
    .addHelpText(
      'after',
      `
Examples:
  registrar register arn:aws:lambda:eu-west-1:222222222222:function:sales-connector --stage prod
  registrar register arn:aws:lambda:eu-west-1:111111111111:function:healthy-connector --no-wait --json

Exit codes: 0 registered, updated, unchanged or skipped (not tagged), or started with --no-wait;
1 the registration failed; 2 usage or access error.`,
    )
    .action(async (functionArn: string, flags: RegisterFlags) => {
      process.exitCode = await runRegister(functionArn, flags, context);
    });
}
