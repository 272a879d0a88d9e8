import { Command, CommanderError } from 'commander';
import { addLocalCommands } from '../../local/cli/main.js';
import { addHistoryCommand } from './history-command.js';
import { outputTo } from './output.js';
import { addRedriveCommand } from './redrive-command.js';
import { addRegisterCommand } from './register-command.js';
import type { CommandContext } from './session.js';
import { addStatusCommand } from './status-command.js';
import { addSweepCommand } from './sweep-command.js';
import { addUnregisterCommand } from './unregister-command.js';

/** Exit codes every command documents. */
export const EXIT = { ok: 0, failuresFound: 1, usageOrAccess: 2 } as const;

/**
 * The registrar program: the operator commands (status, history, redrive, register, unregister, sweep), which work
 * against a deployed hub and the local stack alike, and the local stack's own (run, serve).
 */
export function createProgram(context: CommandContext): Command {
  const program = new Command('registrar')
    .description(
      'Registers AppFlow custom connectors when their Lambda is deployed. Operate a hub (status, history, redrive, register, unregister, sweep) on AWS or on the local stack; run the whole workflow on this machine (run, serve).',
    )
    .exitOverride()
    .configureOutput({
      // Commander's own usage errors, as one line like every other failure.
      outputError: (text, write) =>
        write(`registrar: ${text.replace(/^error: /, '').trim()} (--help shows usage and examples)\n`),
    })
    .addHelpText(
      'after',
      `
Find a deployed hub with the AWS SDK's credential chain (--profile), --region (once per hub Region)
and --stage; point at the local stack with the --endpoint-url and environment \`registrar serve\` prints.

Exit codes: 0 all good, 1 failures found, 2 usage or access error.
Add --debug to any command to see the stack trace of a failure.`,
    );
  addStatusCommand(program, context);
  addHistoryCommand(program, context);
  addRedriveCommand(program, context);
  addRegisterCommand(program, context);
  addUnregisterCommand(program, context);
  addSweepCommand(program, context);
  addLocalCommands(program);
  return program;
}

/**
 * Runs the registrar command. A failure is one line naming what went wrong and what to do (a world
 * file's problems each on a line of their own), exit code 2; `--debug` adds the stack trace.
 */
export async function runCli(argv: readonly string[]): Promise<void> {
  const debug = argv.includes('--debug');
  const context: CommandContext = { output: outputTo(process.stdout, process.stderr), now: () => new Date() };
  try {
    await createProgram(context).parseAsync(argv.filter((arg) => arg !== '--debug'));
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end here too; commander has already written what it had to say.
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usageOrAccess;
      return;
    }
    context.output.doneProgress();
    const failure = error instanceof Error ? error : new Error(String(error));
    process.stderr.write(
      debug
        ? `${failure.stack ?? failure.message}\n`
        : `registrar: ${lineOf(failure)} (--debug shows where)\n`,
    );
    process.exitCode = EXIT.usageOrAccess;
  }
}

/**
 * The message of a failure for its one line. A world file with a single problem says it on that
 * line; one with several lists them, a line each.
 */
function lineOf(failure: Error): string {
  const { file, problems } = failure as Error & { file?: unknown; problems?: unknown };
  if (failure.name === 'WorldFileError' && Array.isArray(problems) && problems.length === 1) {
    return `invalid world file ${String(file)}: ${String(problems[0])}`;
  }
  return failure.message;
}
