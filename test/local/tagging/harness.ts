import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll } from 'vitest';
import { type AwsServer, startAwsServer } from '../../../local/http/server.js';
import { LocalIdentityRegistry } from '../../../local/identity.js';
import { createFunctionRuntime, type LocalFunctionRuntime } from '../../../local/runtime/index.js';
import { createLambdaService } from '../../../local/services/lambda.js';
import { createTaggingService } from '../../../local/services/tagging.js';
import type { FunctionRegistry } from '../../../local/types.js';
import { createFunctionRegistry, type FunctionWorld } from '../../../local/world/functions.js';
import { type SignedAnswer, signedJsonCall } from '../support/signed.js';

export const SPOKE = '222222222222';
export const OTHER = '333333333333';
export const REGION = 'eu-west-1';
const WORLD = fileURLToPath(new URL('./fixtures/world.json', import.meta.url));

export function arnOf(name: string, account = SPOKE, region = REGION): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}`;
}

export interface TaggingStack {
  server: AwsServer;
  registry: FunctionRegistry;
  /** Moves the tagging service's clock (PaginationToken expiry). */
  clock: { now: number };
  lambda(accessKeyId?: string): LambdaClient;
  /** One signed Resource Groups Tagging API call, as an SDK sends it (awsJson 1.1, SigV4 for `tagging`). */
  call(
    operation: string,
    body: unknown,
    options?: { accessKeyId?: string; region?: string },
  ): Promise<SignedAnswer>;
}

/**
 * The tagging and Lambda services over the fixture world's functions, behind one server, for the
 * enclosing describe block. Requests are signed with @smithy/signature-v4 as the SDK signs them: the
 * Resource Groups Tagging API client is not a dependency of the project.
 */
export function useTaggingStack(): TaggingStack {
  const stack = { clock: { now: Date.parse('2026-11-27T08:00:00Z') } } as TaggingStack;
  let runtime: LocalFunctionRuntime;
  const clients: LambdaClient[] = [];
  beforeAll(async () => {
    const world = JSON.parse(readFileSync(WORLD, 'utf8')) as FunctionWorld;
    const registry = createFunctionRegistry({ ...world, path: WORLD });
    const identity = new LocalIdentityRegistry('111111111111');
    runtime = createFunctionRuntime({ registry, identity, endpointUrl: () => stack.server.endpoint });
    const server = await startAwsServer({
      services: [
        createLambdaService({ registry, runtime }),
        createTaggingService({ registry, now: () => stack.clock.now }),
      ],
      identity,
      port: 0,
    });
    Object.assign(stack, {
      server,
      registry,
      lambda(accessKeyId = SPOKE) {
        const client = new LambdaClient({
          region: REGION,
          endpoint: server.endpoint,
          credentials: { accessKeyId, secretAccessKey: 'local' },
          maxAttempts: 1,
        });
        clients.push(client);
        return client;
      },
      call(operation: string, body: unknown, options: { accessKeyId?: string; region?: string } = {}) {
        return signedJsonCall(server.endpoint, {
          service: 'tagging',
          target: `ResourceGroupsTaggingAPI_20170126.${operation}`,
          body,
          accessKeyId: options.accessKeyId ?? SPOKE,
          region: options.region ?? REGION,
        });
      },
    });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await runtime.close();
    await stack.server.close();
  });
  return stack;
}
