import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { OperatorError } from './errors.js';

/** How the operator reaches AWS: the SDK's default credential chain, narrowed by these. */
export interface Connection {
  /** A profile of ~/.aws/config (the chain's AWS_PROFILE otherwise). */
  profile?: string | undefined;
  /** Every client's endpoint: the local stack's, as `registrar serve` prints it. */
  endpointUrl?: string | undefined;
  /** Credentials to use instead of the chain's (a program driving the local stack in-process). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Called once per AWS call, with the client's service and the operation (counts, for the benchmark). */
  onCall?: ((service: string, operation: string) => void) | undefined;
}

/** The clients of one Region. */
export interface RegionClients {
  region: string;
  cloudformation: CloudFormationClient;
  sfn: SFNClient;
  dynamodb: DynamoDBDocumentClient;
}

/** Clients per Region, made on first use and destroyed together. */
export interface OperatorClients {
  connection: Connection;
  in(region: string): RegionClients;
  destroy(): void;
}

/**
 * The clients the commands use, one set per Region, each with the connection's profile and
 * endpoint. Nothing is read from the credentials until the first call.
 *
 * @example const clients = createOperatorClients({ profile: 'hub-admin' }); clients.in('eu-west-1').sfn
 */
export function createOperatorClients(connection: Connection): OperatorClients {
  const made = new Map<string, RegionClients>();
  const settings = (region: string) => ({
    region,
    ...(connection.profile ? { profile: connection.profile } : {}),
    ...(connection.endpointUrl ? { endpoint: connection.endpointUrl } : {}),
    ...(connection.credentials ? { credentials: connection.credentials } : {}),
  });
  const observed = <T extends { middlewareStack: { add: (...args: never[]) => void } }>(client: T): T => {
    const { onCall } = connection;
    if (onCall) {
      (client.middlewareStack as unknown as MiddlewareAdder).add(
        (next, context) => async (args) => {
          onCall(
            String(context.clientName ?? '').replace(/Client$/, ''),
            String(context.commandName ?? '').replace(/Command$/, ''),
          );
          return next(args);
        },
        { step: 'initialize', name: 'registrarCallCounter' },
      );
    }
    return client;
  };
  return {
    connection,
    in(region) {
      let clients = made.get(region);
      if (clients === undefined) {
        clients = {
          region,
          cloudformation: observed(new CloudFormationClient(settings(region))),
          sfn: observed(new SFNClient(settings(region))),
          dynamodb: observed(
            DynamoDBDocumentClient.from(new DynamoDBClient(settings(region)), {
              marshallOptions: { removeUndefinedValues: true },
            }),
          ),
        };
        made.set(region, clients);
      }
      return clients;
    },
    destroy() {
      for (const clients of made.values()) {
        clients.cloudformation.destroy();
        clients.sfn.destroy();
        clients.dynamodb.destroy();
      }
    },
  };
}

type MiddlewareAdder = {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { clientName?: string; commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize'; name: string },
  ): void;
};

/**
 * The Regions to act in: the ones given (--region, repeatable), else the SDK's own choice (AWS_REGION,
 * the profile's region), else an error saying how to name one.
 */
export async function regionsOf(given: readonly string[], connection: Connection): Promise<string[]> {
  if (given.length > 0) return [...new Set(given)];
  const probe = new SFNClient(connection.profile ? { profile: connection.profile } : {});
  try {
    return [await probe.config.region()];
  } catch {
    throw new OperatorError(
      'no Region: pass --region (once per hub Region), or set AWS_REGION or the region of your profile',
    );
  } finally {
    probe.destroy();
  }
}
