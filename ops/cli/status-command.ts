import type { Command } from 'commander';
import { sinceOf } from '../since.js';
import { connectorStatus, formatStatus } from '../status.js';
import { addHubOptions, type CommandContext, type HubFlags, openHubs } from './session.js';

interface StatusFlags extends HubFlags {
  account?: string;
  label?: string;
  since?: string;
  failed?: boolean;
}

/** `registrar status`: one line per connector from the inventory. Returns the exit code. */
export async function runStatus(flags: StatusFlags, context: CommandContext): Promise<number> {
  const now = context.now();
  const since = flags.since === undefined ? undefined : sinceOf(flags.since, now);
  const { clients, hubs } = await openHubs(flags, context);
  try {
    const report = await connectorStatus(clients, hubs, {
      accountId: flags.account,
      connectorLabel: flags.label,
      since,
      failedOnly: flags.failed ?? false,
    });
    context.output.write(
      flags.json
        ? JSON.stringify(
            {
              hubs: hubs.map(({ region, stackName }) => ({ region, stackName })),
              connectors: report.lines,
              failed: report.failed,
            },
            null,
            2,
          )
        : formatStatus(report, now),
    );
    return report.failed > 0 ? 1 : 0;
  } finally {
    clients.destroy();
  }
}

export function addStatusCommand(program: Command, context: CommandContext): void {
  addHubOptions(
    program
      .command('status')
      .summary("one line per connector, from the hub's inventory")
      .description(
        "One line per connector: account, Region, label, function, the latest outcome and action, when, whether the connector's own account was told, and for a failure its error and the message the alert carried (which names the fix). Read from the hub's inventory, not from executions.",
      )
      .option('--account <id>', "one account's connectors")
      .option('--label <label>', 'connectors with this label')
      .option('--since <duration|date>', 'outcomes recorded since: 30m, 12h, 7d, 2w, or an ISO 8601 date')
      .option('--failed', 'failures only'),
  )
    .addHelpText(
      'after',
      `
Examples:
  registrar status --region eu-west-1 --region us-east-1 --stage prod
  registrar status --failed --since 7d
  registrar status --account 222222222222 --json
  registrar status --endpoint-url http://127.0.0.1:4566     # the local stack (registrar serve)

Exit codes: 0 no failure shown, 1 failures found, 2 usage or access error.`,
    )
    .action(async (flags: StatusFlags) => {
      process.exitCode = await runStatus(flags, context);
    });
}
