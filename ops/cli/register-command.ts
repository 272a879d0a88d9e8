import type { Command } from 'commander';
import { type ExecutionOutcome, outcomeOf } from '../executions.js';
import { startRegistration } from '../register.js';
import {
  addFunctionCommand,
  type FunctionExecutionFlags,
  runFunctionWorkflow,
} from './function-execution.js';
import type { CommandContext } from './session.js';

/** One line for an outcome: what it came to, for which connector, and a failure's error and fix. */
export function describeOutcome(outcome: ExecutionOutcome): string {
  const who = [outcome.connectorLabel, outcome.lambdaArn].filter(Boolean).join(' ');
  const error = outcome.error ? `: ${outcome.error}${outcome.message ? `: ${outcome.message}` : ''}` : '';
  const skipped = outcome.outcome === 'skipped' && outcome.message ? ` (${outcome.message})` : '';
  return `${outcome.outcome}${who ? ` ${who}` : ''}${error}${skipped}`;
}

/** `registrar register`: starts the workflow for one function and waits for it. Returns the exit code. */
export function runRegister(
  functionArnText: string,
  flags: FunctionExecutionFlags,
  context: CommandContext,
): Promise<number> {
  return runFunctionWorkflow(functionArnText, flags, context, {
    doing: 'registering',
    start: startRegistration,
    outcomeOf,
    describe: describeOutcome,
  });
}

export function addRegisterCommand(program: Command, context: CommandContext): void {
  addFunctionCommand(
    program,
    {
      name: 'register',
      summary: 'start the registration workflow for one function and wait for it',
      description:
        "Start the registration workflow for one function, as a deploy signal would (its tags decide), wait for it with a progress indicator on a terminal, and print the outcome. It runs in the hub of the function's Region, else in the first --region.",
      helpAfter: `
Examples:
  registrar register arn:aws:lambda:eu-west-1:222222222222:function:sales-connector --stage prod
  registrar register arn:aws:lambda:eu-west-1:111111111111:function:healthy-connector --no-wait --json

Exit codes: 0 registered, updated, unchanged or skipped (not tagged), or started with --no-wait;
1 the registration failed; 2 usage or access error.`,
    },
    (functionArn, flags) => runRegister(functionArn, flags, context),
  );
}
