import { AppflowClient } from '@aws-sdk/client-appflow';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { type Stack, type StackOptions, startStack } from '../../../local/index.js';
import { EVERY_FAILURE_ALERTS } from '../../support/alert-window.js';

interface Destroyable {
  destroy(): void;
}

/**
 * Real SDK clients pointed at a local stack, one per service, account and Region, created on first
 * use and destroyed together. `asAwsService` signs as the account's AWS-service stand-in (the only
 * caller whose PutEvents may use an aws.* source, as CloudTrail and CloudFormation do).
 *
 * @example
 * const clients = new StackClients(stack);
 * await clients.appflow('111111111111', 'eu-west-1').send(new ListConnectorsCommand({}));
 * clients.destroy();
 */
export class StackClients {
  private readonly made = new Map<string, Destroyable>();

  constructor(private readonly stack: Stack) {}

  appflow(accountId: string, region: string): AppflowClient {
    return this.client('appflow', accountId, region, false, (config) => new AppflowClient(config));
  }

  lambda(accountId: string, region: string): LambdaClient {
    return this.client('lambda', accountId, region, false, (config) => new LambdaClient(config));
  }

  sfn(accountId: string, region: string): SFNClient {
    return this.client('sfn', accountId, region, false, (config) => new SFNClient(config));
  }

  sts(accountId: string, region: string): STSClient {
    return this.client('sts', accountId, region, false, (config) => new STSClient(config));
  }

  dynamodb(accountId: string, region: string): DynamoDBClient {
    return this.client('dynamodb', accountId, region, false, (config) => new DynamoDBClient(config));
  }

  events(accountId: string, region: string, { asAwsService = false } = {}): EventBridgeClient {
    // One attempt: a refused entry must show as refused, not be retried into something else.
    return this.client(
      'events',
      accountId,
      region,
      asAwsService,
      (config) => new EventBridgeClient({ ...config, maxAttempts: 1 }),
    );
  }

  destroy(): void {
    for (const client of this.made.values()) client.destroy();
    this.made.clear();
  }

  private client<T extends Destroyable>(
    service: string,
    accountId: string,
    region: string,
    awsService: boolean,
    create: (config: ReturnType<Stack['clientConfig']>) => T,
  ): T {
    const key = `${service}/${accountId}/${region}/${awsService}`;
    let client = this.made.get(key) as T | undefined;
    if (!client) {
      client = create(this.stack.clientConfig(accountId, region, { awsService }));
      this.made.set(key, client);
    }
    return client;
  }
}

/** Starts a local stack and the clients pointed at it, for a suite's beforeAll; every failure alerts. */
export async function startStackWithClients(
  options: StackOptions,
): Promise<{ stack: Stack; clients: StackClients }> {
  const stack = await startStack({
    ...options,
    functionEnvironment: { ...EVERY_FAILURE_ALERTS, ...options.functionEnvironment },
  });
  return { stack, clients: new StackClients(stack) };
}

/** Destroys the clients, then stops the stack, for a suite's afterAll (either may not have started). */
export async function stopStackWithClients(
  stack: Stack | undefined,
  clients: StackClients | undefined,
): Promise<void> {
  clients?.destroy();
  await stack?.stop();
}
