import type { Command } from 'commander';
import { createOperatorClients } from '../clients.js';
import { OperatorError } from '../errors.js';
import { regionOfArn } from '../executions.js';
import { executionHistory, formatHistory } from '../history.js';
import { readInventory } from '../inventory.js';
import {
  addHubOptions,
  type CommandContext,
  connectionOf,
  endpointOf,
  type HubFlags,
  openHubs,
} from './session.js';

interface HistoryFlags extends HubFlags {
  account?: string;
}

const ENDED_BADLY = /^execution (failed|timed out|aborted)$/;

/**
 * The execution a label names: the latest one the inventory recorded for that label (in one account
 * when --account is given). A label found in several places must be narrowed.
 */
async function executionOfLabel(
  label: string,
  flags: HistoryFlags,
  context: CommandContext,
): Promise<string> {
  const { clients, hubs } = await openHubs(flags, context);
  try {
    const lists = await Promise.all(
      hubs.map((hub) =>
        readInventory(
          clients.in(hub.region).dynamodb,
          hub,
          { connector: label, accountId: flags.account },
          endpointOf(flags),
        ),
      ),
    );
    const items = lists.flat();
    if (items.length === 0) {
      throw new OperatorError(
        `no connector labelled or named ${label} in the inventory of ${hubs.map((hub) => hub.region).join(', ')}${flags.account ? ` for account ${flags.account}` : ''}: check the label and --region, or pass the execution ARN`,
      );
    }
    const places = [...new Set(items.map((item) => `${item.accountId}/${item.region}`))];
    if (places.length > 1) {
      throw new OperatorError(
        `the label ${label} is in ${places.length} places (${places.join(', ')}): pass --account and --region to pick one, or the execution ARN`,
      );
    }
    const latest = items.reduce((a, b) => (a.startedAt >= b.startedAt ? a : b));
    return latest.executionArn;
  } finally {
    clients.destroy();
  }
}

/** `registrar history`: the states an execution passed through. Returns the exit code. */
export async function runHistory(
  target: string,
  flags: HistoryFlags,
  context: CommandContext,
): Promise<number> {
  const executionArn = target.startsWith('arn:') ? target : await executionOfLabel(target, flags, context);
  const clients = createOperatorClients(connectionOf(flags, context));
  try {
    const steps = await executionHistory(
      clients.in(regionOfArn(executionArn)).sfn,
      executionArn,
      endpointOf(flags),
    );
    context.output.write(
      flags.json ? JSON.stringify({ executionArn, steps }, null, 2) : formatHistory(executionArn, steps),
    );
    return ENDED_BADLY.test(steps.at(-1)?.what ?? '') ? 1 : 0;
  } finally {
    clients.destroy();
  }
}

export function addHistoryCommand(program: Command, context: CommandContext): void {
  addHubOptions(
    program
      .command('history')
      .summary('the states an execution passed through, its retries and errors')
      .description(
        'The states an execution passed through, each attempt that failed with its error and message, each retry and redrive, and how it ended. Given a label (or a function name), the latest execution the inventory recorded for it.',
      )
      .argument(
        '<execution-arn|label>',
        "an execution ARN, a connector label, or a connector function's name",
      )
      .option('--account <id>', 'the account of the label, when it is registered in several'),
  )
    .addHelpText(
      'after',
      `
Examples:
  registrar history arn:aws:states:eu-west-1:111111111111:execution:appflow-connector-registrar-prod-register-connector:3f1c…
  registrar history sales-connector --account 222222222222 --region eu-west-1
  registrar history healthy-connector --json

Exit codes: 0 the execution succeeded or runs, 1 it failed, timed out or was stopped, 2 usage or access error.`,
    )
    .action(async (target: string, flags: HistoryFlags) => {
      process.exitCode = await runHistory(target, flags, context);
    });
}
