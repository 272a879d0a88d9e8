import type { Command } from 'commander';
import { OperatorError } from '../errors.js';
import { waitForExecution } from '../executions.js';
import { describeSweep, startSweep, sweepOutcomeOf } from '../sweep.js';
import { spinner } from './output.js';
import { addHubOptions, type CommandContext, endpointOf, type HubFlags, openHubs } from './session.js';

interface SweepFlags extends HubFlags {
  account?: string;
  dryRun?: boolean;
  wait: boolean;
}

const ACCOUNT_ID = /^\d{12}$/;

/**
 * `registrar sweep`: starts the drift sweep of one account in each hub Region (the hub's own account
 * unless --account), waits for each, and prints its report. Returns the exit code: 1 when a sweep
 * did not succeed.
 */
export async function runSweep(flags: SweepFlags, context: CommandContext): Promise<number> {
  if (flags.account !== undefined && !ACCOUNT_ID.test(flags.account)) {
    throw new OperatorError(`--account ${flags.account} is not a 12-digit AWS account ID`);
  }
  const { clients, hubs } = await openHubs(flags, context);
  try {
    const started = await Promise.all(
      hubs.map(async (hub) => ({
        hub,
        executionArn: await startSweep(
          clients.in(hub.region).sfn,
          hub,
          { accountId: flags.account ?? hub.accountId, dryRun: flags.dryRun === true },
          endpointOf(flags),
        ),
      })),
    );
    if (!flags.wait) {
      const arns = started.map(({ executionArn }) => executionArn);
      context.output.write(
        flags.json
          ? JSON.stringify({ executionArns: arns }, null, 2)
          : arns.map((arn) => `started ${arn}`).join('\n'),
      );
      return 0;
    }
    let polls = 0;
    const outcomes = [];
    for (const { hub, executionArn } of started) {
      const described = await waitForExecution(clients.in(hub.region).sfn, executionArn, {
        ...(context.pollMs !== undefined ? { pollMs: context.pollMs } : {}),
        endpointUrl: endpointOf(flags),
        onPoll: (status, waitedMs) =>
          context.output.progress(
            `${spinner(polls++)} sweeping in ${hub.region}: ${status} ${Math.round(waitedMs / 1000)} s`,
          ),
      });
      outcomes.push(sweepOutcomeOf(described));
    }
    context.output.doneProgress();
    context.output.write(
      flags.json ? JSON.stringify(outcomes, null, 2) : outcomes.map(describeSweep).join('\n'),
    );
    return outcomes.every((outcome) => outcome.outcome === 'succeeded') ? 0 : 1;
  } finally {
    clients.destroy();
  }
}

export function addSweepCommand(program: Command, context: CommandContext): void {
  addHubOptions(
    program
      .command('sweep')
      .summary('sweep an account for connector drift now, and print the report')
      .description(
        "Start the drift sweep of one account in each hub Region: the labelled functions against AppFlow's custom connectors, each label current, missing, stale, orphaned or foreign. Missing and stale labels are registered, orphaned ones unregistered by the guarded workflows; foreign ones are only reported. Waits for each sweep and prints its report (the repairs it started run on their own: `registrar status` shows how they end).",
      )
      .option('--account <account-id>', "the account to sweep (default: the hub's own)")
      .option('--dry-run', 'classify and report, start nothing')
      .option('--no-wait', 'print the execution ARNs and return at once'),
  )
    .addHelpText(
      'after',
      `
Examples:
  registrar sweep --account 222222222222 --dry-run --stage prod --region eu-west-1
  registrar sweep --account 222222222222 --region eu-west-1 --region us-east-1 --json

Exit codes: 0 every sweep succeeded (or started, with --no-wait); 1 a sweep failed (the account's
spoke role is missing or refused, …); 2 usage or access error.`,
    )
    .action(async (flags: SweepFlags) => {
      process.exitCode = await runSweep(flags, context);
    });
}
