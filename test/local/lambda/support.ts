import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll } from 'vitest';
import { type AwsServer, startAwsServer } from '../../../local/http/server.js';
import { createFunctionRuntime, type LocalFunctionRuntime } from '../../../local/runtime/index.js';
import { createLambdaService, type LambdaServiceOptions } from '../../../local/services/lambda.js';
import type { BusEvent, FunctionRegistry } from '../../../local/types.js';
import { createFunctionRegistry, type FunctionWorld } from '../../../local/world/functions.js';
import { recordingIdentity } from '../runtime/support.js';

export const HUB = '111111111111';
export const SPOKE = '222222222222';
export const REGION = 'eu-west-1';
const WORLD = fileURLToPath(new URL('../../../local/worlds/default.json', import.meta.url));

/** A request payload fixture of this folder, as text. */
export function payload(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8');
}

export function arnOf(name: string, account = HUB, region = REGION): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}`;
}

export interface LambdaStack {
  server: AwsServer;
  registry: FunctionRegistry;
  runtime: LocalFunctionRuntime;
  /** CloudTrail events the service emitted. */
  events: BusEvent[];
  /** A real LambdaClient signed with `accessKeyId` (a 12-digit key acts as that account). */
  client(accessKeyId?: string, region?: string): LambdaClient;
  close(): Promise<void>;
}

/**
 * The Lambda emulation behind the stack's HTTP server, over the default world's functions, with the
 * real runtime. SDK retries are off so each error reaches the test as Lambda answered it.
 */
export async function startLambdaStack(options: Partial<LambdaServiceOptions> = {}): Promise<LambdaStack> {
  const world = JSON.parse(readFileSync(WORLD, 'utf8')) as FunctionWorld;
  const registry = createFunctionRegistry({ ...world, path: WORLD });
  const identity = recordingIdentity();
  let endpoint = '';
  const runtime = createFunctionRuntime({ registry, identity, endpointUrl: () => endpoint });
  const events: BusEvent[] = [];
  const lambda = createLambdaService({
    registry,
    runtime,
    onApiCall: (event) => {
      events.push(event);
    },
    inactiveRecoveryMs: 100,
    asyncRetryDelayMs: 20,
    ...options,
  });
  const server = await startAwsServer({ services: [lambda], identity, port: 0 });
  endpoint = server.endpoint;
  const clients: LambdaClient[] = [];
  return {
    server,
    registry,
    runtime,
    events,
    client(accessKeyId = HUB, region = REGION) {
      const client = new LambdaClient({
        region,
        endpoint: server.endpoint,
        credentials: { accessKeyId, secretAccessKey: 'local' },
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await runtime.close();
      await server.close();
    },
  };
}

/** One Lambda stack for the enclosing describe block, started before and closed after it, with a HUB client. */
export function useLambdaStack(): LambdaStack & { hub: LambdaClient } {
  // Filled in by beforeAll: tests read it through this object, since it is empty when the file loads.
  const stack = {} as LambdaStack & { hub: LambdaClient };
  beforeAll(async () => {
    Object.assign(stack, await startLambdaStack());
    stack.hub = stack.client(HUB);
  });
  afterAll(() => stack.close());
  return stack;
}
