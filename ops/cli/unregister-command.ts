import type { Command } from 'commander';
import { startUnregistration, type UnregistrationOutcome, unregistrationOutcomeOf } from '../unregister.js';
import {
  addFunctionCommand,
  type FunctionExecutionFlags,
  runFunctionWorkflow,
} from './function-execution.js';
import { describeOutcome } from './register-command.js';
import type { CommandContext } from './session.js';

/**
 * One line for an unregistration: each label with why it went, and any left alone because it
 * changed meanwhile; a skip, a failure or a run still going reads as a registration's does.
 */
export function describeUnregistration(outcome: UnregistrationOutcome): string {
  if (outcome.outcome !== 'unregistered' && outcome.outcome !== 'left alone') return describeOutcome(outcome);
  const labels = outcome.unregistered.map(({ connectorLabel, reason }) => `${connectorLabel} (${reason})`);
  const leftAlone =
    outcome.leftAlone.length > 0 ? `; left alone, changed meanwhile: ${outcome.leftAlone.join(', ')}` : '';
  return `${[outcome.outcome, ...labels, outcome.lambdaArn].filter(Boolean).join(' ')}${leftAlone}`;
}

/** `registrar unregister`: starts the unregistration workflow for one function and waits for it. */
export function runUnregister(
  functionArnText: string,
  flags: FunctionExecutionFlags,
  context: CommandContext,
): Promise<number> {
  return runFunctionWorkflow(functionArnText, flags, context, {
    doing: 'unregistering',
    start: startUnregistration,
    outcomeOf: unregistrationOutcomeOf,
    describe: describeUnregistration,
  });
}

export function addUnregisterCommand(program: Command, context: CommandContext): void {
  addFunctionCommand(
    program,
    {
      name: 'unregister',
      summary: 'start the unregistration workflow for one function and wait for it',
      description:
        "Start the unregistration workflow for one function, wait for it with a progress indicator on a terminal, and print the outcome. It is guarded as a removal signal is: only registrations the registrar made that point at exactly this function and whose label it no longer carries go (the function deleted, untagged or relabelled); a function that still carries its label keeps it and the run ends skipped, saying why. It runs in the hub of the function's Region, else in the first --region.",
      helpAfter: `
Examples:
  registrar unregister arn:aws:lambda:eu-west-1:222222222222:function:sales-connector --stage prod
  registrar unregister arn:aws:lambda:eu-west-1:111111111111:function:retired-connector --no-wait --json

Exit codes: 0 unregistered, left alone (changed meanwhile) or skipped (nothing of the registrar's to
unregister), or started with --no-wait; 1 the unregistration failed (e.g. ConnectorInUseError: a
connector profile or flow still uses the label); 2 usage or access error.`,
    },
    (functionArn, flags) => runUnregister(functionArn, flags, context),
  );
}
