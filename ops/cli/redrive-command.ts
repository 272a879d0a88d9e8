import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import type { InventoryItem } from '../../functions/shared/inventory.js';
import type { OperatorClients } from '../clients.js';
import { OperatorError } from '../errors.js';
import { type ExecutionOutcome, outcomeOf, regionOfArn, waitForExecution } from '../executions.js';
import type { Hub } from '../hub.js';
import { readInventory } from '../inventory.js';
import {
  failedExecutionsSince,
  inputOf,
  latestPerFunction,
  planRedrive,
  type RedrivePlan,
  startAgain,
} from '../redrive.js';
import { sinceOf } from '../since.js';
import { spinner } from './output.js';
import { describeOutcome } from './register-command.js';
import { addHubOptions, type CommandContext, endpointOf, type HubFlags, openHubs } from './session.js';

interface RedriveFlags extends HubFlags {
  failed?: boolean;
  since: string;
  dryRun?: boolean;
  wait: boolean;
}

/** One execution's line of the report. */
interface RedriveResult extends RedrivePlan {
  /** The execution to follow: the same after a redrive, the new one after a restart. */
  startedArn?: string;
  note?: string;
  error?: string;
  outcome?: ExecutionOutcome;
}

const ENDED_BADLY = new Set(['failed', 'timed out', 'aborted']);

/** The plans for --failed: every hub's unsuccessful executions since, the superseded ones skipped. */
async function plansForFailed(
  clients: OperatorClients,
  hubs: readonly Hub[],
  since: Date,
  endpointUrl: string | undefined,
): Promise<RedrivePlan[]> {
  const plans: RedrivePlan[] = [];
  for (const hub of hubs) {
    const { sfn, dynamodb } = clients.in(hub.region);
    const failed = await failedExecutionsSince(sfn, hub, since, endpointUrl);
    if (failed.length === 0) continue;
    const withInput = await Promise.all(
      failed.map(async (execution) => ({
        ...execution,
        input: await inputOf(sfn, execution.executionArn, endpointUrl),
      })),
    );
    const inventory = new Map<string, InventoryItem>(
      (await readInventory(dynamodb, hub, {}, endpointUrl)).map((item) => [item.id, item]),
    );
    const { kept, skipped } = latestPerFunction(withInput, inventory);
    plans.push(...skipped);
    for (const execution of kept) plans.push(await planRedrive(sfn, execution.executionArn, endpointUrl));
  }
  return plans;
}

async function carryOut(
  sfn: SFNClient,
  plan: RedrivePlan,
  flags: RedriveFlags,
  context: CommandContext,
): Promise<RedriveResult> {
  const started = await startAgain(sfn, plan, endpointOf(flags));
  const result: RedriveResult = {
    ...plan,
    action: started.action,
    ...(started.executionArn ? { startedArn: started.executionArn } : {}),
    ...(started.note ? { note: started.note } : {}),
    ...(started.error ? { error: started.error } : {}),
  };
  if (!flags.wait || started.executionArn === undefined) return result;
  let polls = 0;
  const described = await waitForExecution(sfn, started.executionArn, {
    ...(context.pollMs !== undefined ? { pollMs: context.pollMs } : {}),
    endpointUrl: endpointOf(flags),
    onPoll: (status, waitedMs) =>
      context.output.progress(
        `${spinner(polls++)} ${started.executionArn}: ${status} ${Math.round(waitedMs / 1000)} s`,
      ),
  });
  context.output.doneProgress();
  return { ...result, outcome: outcomeOf(described) };
}

/** The terminal form: what was done with each execution and why, then how it ended. */
function formatResults(results: readonly RedriveResult[], dryRun: boolean): string {
  if (results.length === 0)
    return 'Nothing to redrive: no execution failed, timed out or was stopped in that time.';
  const verbs = dryRun
    ? { redrive: 'would redrive', restart: 'would restart', skip: 'would skip' }
    : { redrive: 'redrove', restart: 'restarted', skip: 'skipped' };
  return results
    .map((result) => {
      const lines = [`${verbs[result.action]} ${result.executionArn}: ${result.why}`];
      if (result.note) lines.push(`  note: ${result.note}`);
      if (result.action === 'restart' && result.startedArn) lines.push(`  as ${result.startedArn}`);
      if (result.error) lines.push(`  not started: ${result.error}`);
      if (result.outcome) lines.push(`  ended: ${describeOutcome(result.outcome)}`);
      return lines.join('\n');
    })
    .join('\n');
}

/** `registrar redrive`. Returns the exit code. */
export async function runRedrive(
  arns: string[],
  flags: RedriveFlags,
  context: CommandContext,
): Promise<number> {
  if (arns.length === 0 && !flags.failed) {
    throw new OperatorError('name the executions to redrive, or pass --failed (with --since) to find them');
  }
  const { clients, hubs } = await openHubs(flags, context);
  try {
    const endpointUrl = endpointOf(flags);
    const plans: RedrivePlan[] = [];
    if (flags.failed)
      plans.push(...(await plansForFailed(clients, hubs, sinceOf(flags.since, context.now()), endpointUrl)));
    for (const arn of arns) plans.push(await planRedrive(clients.in(regionOfArn(arn)).sfn, arn, endpointUrl));

    const results: RedriveResult[] = [];
    for (const plan of plans) {
      results.push(
        flags.dryRun || plan.action === 'skip'
          ? plan
          : await carryOut(clients.in(regionOfArn(plan.executionArn)).sfn, plan, flags, context),
      );
    }
    context.output.write(
      flags.json
        ? JSON.stringify({ dryRun: flags.dryRun ?? false, results }, null, 2)
        : formatResults(results, flags.dryRun ?? false),
    );
    const bad = results.filter(
      (result) => result.error !== undefined || ENDED_BADLY.has(result.outcome?.outcome ?? ''),
    );
    return bad.length > 0 ? 1 : 0;
  } finally {
    clients.destroy();
  }
}

export function addRedriveCommand(program: Command, context: CommandContext): void {
  addHubOptions(
    program
      .command('redrive')
      .summary('get failed registrations going again, once their cause is fixed')
      .description(
        `Get registrations that failed on something since fixed going again, and print what was done with each execution and how it ended.
An execution that was stopped, timed out, or failed inside a state (an error no Catch handles) is redriven: Step Functions' RedriveExecution continues it from that state, under the same ARN.
An execution the workflow ended itself, in the Fail state RegistrationFailed after alerting, would only re-enter that state and fail again: it is started anew with the same input instead (a new ARN), which checks everything again; RegisterConnector's idempotency keeps AppFlow from being asked twice for one deploy.
With --failed, of several failed executions of one function only the latest is taken, and none whose function registered since.`,
      )
      .argument('[execution-arns...]', 'executions to redrive')
      .option('--failed', "find the hub's failed, timed-out and stopped executions")
      .option(
        '--since <duration|date>',
        'with --failed: started since (Step Functions redrives up to 14 days)',
        '14d',
      )
      .option('--dry-run', 'say what would be done, and do nothing')
      .option('--no-wait', 'do not wait for the executions to end'),
  )
    .addHelpText(
      'after',
      `
Examples:
  registrar redrive --failed --since 2d --dry-run
  registrar redrive --failed --since 2d --region eu-west-1 --region us-east-1
  registrar redrive arn:aws:states:eu-west-1:111111111111:execution:appflow-connector-registrar-prod-register-connector:3f1c…

Exit codes: 0 every execution acted on ended well (or nothing to do), 1 one failed again or could
not be started, 2 usage or access error.`,
    )
    .action(async (arns: string[], flags: RedriveFlags) => {
      process.exitCode = await runRedrive(arns, flags, context);
    });
}
