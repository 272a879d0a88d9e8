import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_WORLD, startStack } from '../stack.js';
import {
  collect,
  type FaultFlags,
  faultConfigOf,
  numberOption,
  probabilityOption,
} from './faults-options.js';
import { formatRunReport } from './report.js';
import { defaultSampleFiles, runSamples } from './run.js';
import { serve } from './serve.js';

/** Progress for anything slower than a second goes to stderr, so stdout stays the report. */
function progress(message: string): void {
  process.stderr.write(`registrar: ${message}\n`);
}

function addStackOptions(command: Command): Command {
  return command
    .option('--world <file>', 'the world file: accounts, Regions, functions', DEFAULT_WORLD)
    .option('--seed <n>', 'seed of the fault injection', numberOption('--seed'), 1)
    .option(
      '--appflow-rate <n>',
      'AppFlow requests per second per account and Region, then ThrottlingException',
      numberOption('--appflow-rate'),
    )
    .option('--appflow-burst <n>', 'token bucket size for --appflow-rate', numberOption('--appflow-burst'))
    .option('--fault <Exception=p>', 'probability of an AppFlow exception per call (repeatable)', collect)
    .option('--latency <ms|min-max>', 'latency added to every AppFlow call')
    .option(
      '--crash-after-register <p>',
      'probability that RegisterConnector’s handler dies after AppFlow answered',
      probabilityOption('--crash-after-register'),
    )
    .option('--param <name=value>', 'a serverless.yml --param for the hub (repeatable)', collect);
}

function paramsOf(items: string[] | undefined): Record<string, string> {
  return Object.fromEntries(
    (items ?? []).map((item) => {
      const at = item.indexOf('=');
      return [item.slice(0, at), item.slice(at + 1)];
    }),
  );
}

export function createProgram(): Command {
  const program = new Command('registrar')
    .description(
      'Runs the AppFlow connector registration workflow on this machine: the real ASL, handler bundles and AWS SDK clients against an AWS emulation on loopback.',
    )
    .showHelpAfterError()
    .addHelpText('after', '\nAdd --debug to any command to see the stack trace of a failure.');

  addStackOptions(
    program
      .command('run')
      .description(
        'Start the local stack, put each event through EventBridge, wait for every execution and compare each outcome with the one its sample expects. Exit 0 only when all match.',
      )
      .argument('[event-files...]', 'sample files (default: every file in events/samples)'),
  )
    .option('--time-scale <x>', 'multiplies retry waits: 1 is AWS timing', numberOption('--time-scale'), 0.01)
    .option('--json', 'print the report as JSON')
    .action(
      async (
        files: string[],
        options: FaultFlags & { world: string; timeScale: number; json?: boolean; param?: string[] },
        command: Command,
      ) => {
        const started = Date.now();
        // A crashed register invocation holds its idempotency lock for the function's real timeout
        // (30 s); shortened retries would give up before it frees. Keep AWS timing unless told.
        if (options.crashAfterRegister && command.getOptionValueSource('timeScale') === 'default') {
          options.timeScale = 1;
          progress('--crash-after-register: retries run at AWS timing (--time-scale 1); a crash costs ~30 s');
        }
        const eventFiles = files.length > 0 ? files.map((file) => resolve(file)) : defaultSampleFiles();
        progress(`starting the local stack (${options.world})`);
        const stack = await startStack({
          worldPath: options.world,
          faults: faultConfigOf(options),
          timeScale: options.timeScale,
          params: paramsOf(options.param),
        });
        try {
          progress(`sending ${eventFiles.length} events through EventBridge at ${stack.endpoint}`);
          const report = await runSamples(stack, eventFiles);
          if (options.json) {
            process.stdout.write(`${JSON.stringify({ ...report, ms: Date.now() - started }, null, 2)}\n`);
          } else {
            process.stdout.write(`${formatRunReport(report)}\n`);
            progress(`done in ${Date.now() - started} ms`);
          }
          process.exitCode = report.ok ? 0 : 1;
        } finally {
          await stack.stop();
        }
      },
    );

  addStackOptions(
    program
      .command('serve')
      .description(
        'Keep the local stack up and print the endpoint and the environment that points the AWS CLI or an SDK at it. Ctrl-C or SIGTERM stops it.',
      ),
  )
    .addOption(new Option('--port <n>', 'port on 127.0.0.1').argParser(numberOption('--port')).default(4566))
    .option(
      '--data <dir>',
      'keep DynamoDB data and AppFlow registrations here, so they survive a restart (default: in memory)',
    )
    .option('--time-scale <x>', 'multiplies retry waits: 1 is AWS timing', numberOption('--time-scale'), 1)
    .option('--json', 'print the endpoint and environment as one JSON line')
    .action(
      async (
        options: FaultFlags & {
          world: string;
          port: number;
          data?: string;
          timeScale: number;
          param?: string[];
          json?: boolean;
        },
      ) => {
        await serve(
          {
            worldPath: options.world,
            port: options.port,
            ...(options.data ? { dataDir: options.data } : {}),
            faults: faultConfigOf(options),
            timeScale: options.timeScale,
            params: paramsOf(options.param),
          },
          progress,
          { json: options.json ?? false },
        );
      },
    );

  return program;
}

/**
 * Runs the registrar command. A failure is one line naming what went wrong (a world file's problems
 * each on a line of their own); `--debug` adds the stack trace.
 */
export async function runCli(argv: readonly string[]): Promise<void> {
  const debug = argv.includes('--debug');
  try {
    await createProgram().parseAsync(argv.filter((arg) => arg !== '--debug'));
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    process.stderr.write(
      debug
        ? `${failure.stack ?? failure.message}\n`
        : `registrar: ${failure.message} (--debug shows where)\n`,
    );
    process.exitCode = 2;
  }
}
