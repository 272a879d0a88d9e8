import { type StackOptions, startStack } from '../stack.js';
import { formatActivity, watchActivity } from './activity.js';

/**
 * `registrar serve`: starts the stack, prints how to reach it, then one line per execution as it ends
 * and per event the registrar publishes (unless quiet), and stops cleanly on Ctrl-C or SIGTERM.
 * Resolves once stopped.
 */
export async function serve(
  options: StackOptions,
  progress: (message: string) => void,
  output: { json?: boolean; quiet?: boolean } = {},
): Promise<void> {
  progress('starting the local stack');
  // A person watching `serve` wants to see requests the emulation could not answer.
  const stack = await startStack({
    ...options,
    onServerLog: (entry) =>
      progress(`${entry.level}: ${entry.message}${entry.error ? ` (${String(entry.error)})` : ''}`),
  });
  const [region = ''] = stack.world.hub.regions;
  const hub = stack.hubIn(region);
  const environment = {
    AWS_ENDPOINT_URL: stack.endpoint,
    AWS_ACCESS_KEY_ID: stack.world.hub.accountId,
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: region,
  };
  if (output.json) {
    const info = {
      endpoint: stack.endpoint,
      environment,
      hubBusArn: hub.eventBus.arn,
      stateMachineArn: hub.stateMachine.arn,
    };
    process.stdout.write(`${JSON.stringify(info)}\n`);
  }
  const lines = [
    `endpoint: ${stack.endpoint}`,
    '',
    '# Point the AWS CLI or an SDK at it (the access key names the account you act as):',
    ...Object.entries(environment).map(([name, value]) => `export ${name}=${value}`),
    `# AWS CLI older than 2.13 ignores AWS_ENDPOINT_URL: add --endpoint-url ${stack.endpoint}`,
    '',
    `# hub bus: ${hub.eventBus.arn}`,
    `# state machine: ${hub.stateMachine.arn}`,
  ];
  if (!output.json) process.stdout.write(`${lines.join('\n')}\n`);
  // What a person's put-events or tag-resource started, as it ends (run's report, line by line).
  const stopWatching = output.quiet
    ? () => undefined
    : watchActivity(stack, (line) =>
        process.stdout.write(`${output.json ? JSON.stringify(line) : formatActivity(line)}\n`),
      );

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      progress(`${signal}: stopping`);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      stopWatching();
      stack.stop().then(resolve, (error: unknown) => {
        progress(`stopped with an error: ${(error as Error).message}`);
        resolve();
      });
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}
