import type { Command } from 'commander';
import { type Connection, createOperatorClients, type OperatorClients, regionsOf } from '../clients.js';
import { findHub, type Hub } from '../hub.js';
import type { Output } from './output.js';

/** The flags every operator command takes to find the hub. */
export interface HubFlags {
  stage: string;
  region?: string[];
  profile?: string;
  endpointUrl?: string;
  json?: boolean;
}

/** What a command runs with besides its flags: where it writes, the clock, and a call counter. */
export interface CommandContext {
  output: Output;
  now: () => Date;
  /** Told each AWS call (the benchmark counts them). */
  onCall?: (service: string, operation: string) => void;
  /** Between two polls of a running execution. */
  pollMs?: number;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds the hub-finding flags to a command. */
export function addHubOptions(command: Command): Command {
  return command
    .option(
      '--stage <stage>',
      'the stage the hub was deployed with (its stack is appflow-connector-registrar-<stage>)',
      'dev',
    )
    .option(
      '--region <region>',
      "a Region the hub is deployed in; repeat it for each (default: AWS_REGION or the profile's)",
      collect,
    )
    .option('--profile <name>', "a profile of ~/.aws/config (default: the AWS SDK's credential chain)")
    .option(
      '--endpoint-url <url>',
      'send every AWS call there: the local stack, as `registrar serve` prints it',
    )
    .option('--json', 'print the result as JSON');
}

/** The connection the flags describe; AWS_ENDPOINT_URL counts as --endpoint-url, as the SDK reads it. */
export function connectionOf(flags: HubFlags, context: CommandContext): Connection {
  return {
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(flags.endpointUrl ? { endpointUrl: flags.endpointUrl } : {}),
    ...(context.onCall ? { onCall: context.onCall } : {}),
  };
}

/** The endpoint calls go to, for error messages: the flag, else the environment the SDK reads. */
export function endpointOf(flags: HubFlags): string | undefined {
  return flags.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
}

/**
 * Opens the hubs the flags name: one per Region, each found by its stack's outputs. The caller
 * destroys the clients.
 */
export async function openHubs(
  flags: HubFlags,
  context: CommandContext,
): Promise<{ clients: OperatorClients; hubs: Hub[] }> {
  const connection = connectionOf(flags, context);
  const regions = await regionsOf(flags.region ?? [], connection);
  const clients = createOperatorClients(connection);
  try {
    const hubs = await Promise.all(
      regions.map((region) =>
        findHub(clients.in(region).cloudformation, {
          stage: flags.stage,
          region,
          endpointUrl: endpointOf(flags),
        }),
      ),
    );
    return { clients, hubs };
  } catch (error) {
    clients.destroy();
    throw error;
  }
}
