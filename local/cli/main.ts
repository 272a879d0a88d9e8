import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, Option } from 'commander';
import {
  collect,
  type FaultFlags,
  faultConfigOf,
  numberOption,
  probabilityOption,
} from './faults-options.js';

// The stack and its services load only when `run` or `serve` runs: the operator commands, which
// share this program, need none of it (ops/cli/main.ts).
const DEFAULT_WORLD = fileURLToPath(new URL('../worlds/default.json', import.meta.url));

/** What `run` tells a newcomer to do next: its own stack is gone once it has printed its report. */
export const NEXT_STEP = [
  'Next: see each connector as an operator does. `registrar run` has stopped its stack, so start one',
  'that stays up, export the environment it prints, and ask it in another shell:',
  '  npx registrar serve --port 4566',
  '  npx registrar status --endpoint-url http://127.0.0.1:4566',
].join('\n');

/** Progress for anything slower than a second goes to stderr, so stdout stays the report. */
function progress(message: string): void {
  process.stderr.write(`registrar: ${message}\n`);
}

/** Reads the world file before saying anything: a bad one is the command's one line of output. */
async function checkWorld(path: string): Promise<void> {
  const { loadWorld } = await import('../world/load.js');
  loadWorld(path);
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

/**
 * Adds the local stack's commands, `run` and `serve`, to the registrar program: the workflow on this
 * machine, the real ASL, handler bundles and AWS SDK clients against an AWS emulation on loopback.
 */
export function addLocalCommands(program: Command): void {
  addStackOptions(
    program
      .command('run')
      .summary('run sample deploy events through the workflow on this machine and report each outcome')
      .description(
        'Start the local stack, put each event through EventBridge, wait for every execution and compare each outcome with the one its sample expects. Exit 0 only when all match.',
      )
      .argument('[event-files...]', 'sample files (default: every file in events/samples)'),
  )
    .option(
      '--time-scale <x>',
      'multiplies retry waits and the AppFlow pacer spacing: 1 is AWS timing',
      numberOption('--time-scale'),
      0.01,
    )
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Examples:
  registrar run                                   # every sample of events/samples
  registrar run events/samples/pipeline-connector-deployed.registered.json --json
  registrar run --fault ThrottlingException=0.3 --latency 5-50 --crash-after-register 0.2

Exit codes: 0 every event ended as its sample expects, 1 one did not, 2 usage error (a bad world file…).`,
    )
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
        await checkWorld(options.world);
        const { startStack } = await import('../stack.js');
        const { timeScaledParams } = await import('./time-scaled-params.js');
        const { defaultSampleFiles, runSamples } = await import('./run.js');
        const { formatRunReport } = await import('./report.js');
        const eventFiles = files.length > 0 ? files.map((file) => resolve(file)) : defaultSampleFiles();
        progress(`starting the local stack (${options.world})`);
        const stack = await startStack({
          worldPath: options.world,
          faults: faultConfigOf(options),
          timeScale: options.timeScale,
          params: timeScaledParams(paramsOf(options.param), options.timeScale),
        });
        try {
          progress(`sending ${eventFiles.length} events through EventBridge at ${stack.endpoint}`);
          const report = await runSamples(stack, eventFiles);
          if (options.json) {
            process.stdout.write(`${JSON.stringify({ ...report, ms: Date.now() - started }, null, 2)}\n`);
          } else {
            process.stdout.write(`${formatRunReport(report)}\n\n${NEXT_STEP}\n`);
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
      .summary('keep the local stack up for the AWS CLI, an SDK and the operator commands')
      .description(
        'Keep the local stack up and print the endpoint and the environment that points the AWS CLI, an SDK or the operator commands at it; then one line per execution as it ends (account and Region, connector, outcome, action, error) and per event the registrar publishes. Ctrl-C or SIGTERM stops it.',
      ),
  )
    .addOption(new Option('--port <n>', 'port on 127.0.0.1').argParser(numberOption('--port')).default(4566))
    .option(
      '--data <dir>',
      'keep DynamoDB data and AppFlow registrations here, so they survive a restart (default: in memory)',
    )
    .option(
      '--time-scale <x>',
      'multiplies retry waits and the AppFlow pacer spacing: 1 is AWS timing',
      numberOption('--time-scale'),
      1,
    )
    .option(
      '--json',
      'print the endpoint and environment as one JSON line, then each execution and event as one',
    )
    .option('--quiet', 'print no line per execution and published event')
    .addHelpText(
      'after',
      `
Examples:
  registrar serve --port 4566                     # then: export what it prints, and in another shell
  registrar status --endpoint-url http://127.0.0.1:4566
  registrar serve --data .registrar-data --quiet  # keep DynamoDB and AppFlow state across restarts

Exit codes: 0 stopped by Ctrl-C or SIGTERM, 2 could not start (a bad world file, a port in use…).`,
    )
    .action(
      async (
        options: FaultFlags & {
          world: string;
          port: number;
          data?: string;
          timeScale: number;
          param?: string[];
          json?: boolean;
          quiet?: boolean;
        },
      ) => {
        await checkWorld(options.world);
        const { serve } = await import('./serve.js');
        const { timeScaledParams } = await import('./time-scaled-params.js');
        await serve(
          {
            worldPath: options.world,
            port: options.port,
            ...(options.data ? { dataDir: options.data } : {}),
            faults: faultConfigOf(options),
            timeScale: options.timeScale,
            params: timeScaledParams(paramsOf(options.param), options.timeScale),
          },
          progress,
          { json: options.json ?? false, quiet: options.quiet ?? false },
        );
      },
    );
}
