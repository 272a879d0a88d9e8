import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll } from 'vitest';
import { type DeployedStack, deployTemplate } from '../../../local/deploy/deploy.js';
import type { HubDeployment } from '../../../local/deploy/landing-zone.js';
import { AwsServiceError } from '../../../local/http/errors.js';
import { type AwsServer, startAwsServer } from '../../../local/http/server.js';
import { LocalIdentityRegistry } from '../../../local/identity.js';
import {
  createEventsService,
  type EventsService,
  type ExecutionStarter,
} from '../../../local/services/events.js';
import type { Caller } from '../../../local/types.js';
import { defaultLandingZone, HUB, hubDeployments, ROOT, rolesOf } from '../support/hub.js';

export { HUB, hubDeployments, ROOT };

/** A small stack whose rule retries 3 times and passes a constant Input (fixtures/retrying-rule.json). */
export function fixtureDeployment(): DeployedStack {
  return deployTemplate(readFixture('retrying-rule.json'), {
    stackName: 'fixture',
    accountId: HUB,
    region: 'us-east-1',
  });
}

export interface StartCall {
  request: { stateMachineArn: string; input?: string; name?: string };
  caller: Caller;
}

/** An ExecutionStarter that records its calls and answers with the failures queued in `failures`. */
export function fakeStarter(): ExecutionStarter & { calls: StartCall[]; failures: AwsServiceError[] } {
  const calls: StartCall[] = [];
  const failures: AwsServiceError[] = [];
  return {
    calls,
    failures,
    async startExecution(request, caller) {
      calls.push({ request, caller });
      const failure = failures.shift();
      if (failure) throw failure;
      return {
        executionArn: `${request.stateMachineArn.replace(':stateMachine:', ':execution:')}:${calls.length}`,
        startDate: 0,
      };
    },
  };
}

export interface EventsHarness {
  events: EventsService;
  starter: ReturnType<typeof fakeStarter>;
  /** The Lambda targets the rules invoked (the outcome recorder, the alert gate), and with what. */
  invocations: { functionArn: string; payload: string; sourceArn: string }[];
  server: AwsServer;
  /** An EventBridge client signing with `accessKeyId` (an account id, or LOCALAWSSERVICE<account>). */
  client(accessKeyId: string, region?: string): EventBridgeClient;
  close(): Promise<void>;
}

/** The events service with these stacks deployed, on a server of its own. */
export async function startEvents(stacks: DeployedStack[], timeScale = 0.001): Promise<EventsHarness> {
  const starter = fakeStarter();
  const invocations: EventsHarness['invocations'] = [];
  const { world, zone } = await defaultLandingZone();
  const events = createEventsService({
    world,
    roles: rolesOf(world, zone),
    executions: starter,
    timeScale,
    invokeFunction: async (functionArn, payload, { sourceArn }) => {
      invocations.push({ functionArn, payload, sourceArn });
    },
  });
  for (const stack of stacks) events.deploy(stack);
  const server = await startAwsServer({
    services: [events],
    identity: new LocalIdentityRegistry(HUB),
    port: 0,
  });
  const clients: EventBridgeClient[] = [];
  return {
    events,
    starter,
    invocations,
    server,
    client(accessKeyId, region = 'eu-west-1') {
      const client = new EventBridgeClient({
        region,
        endpoint: server.endpoint,
        credentials: { accessKeyId, secretAccessKey: 'local' },
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    async close() {
      events.close();
      for (const client of clients) client.destroy();
      await server.close();
    },
  };
}

/** The events service over the hub's stacks for the enclosing describe block, with `hub` the first. */
export function useHubEvents(): EventsHarness & { hub: HubDeployment } {
  // Filled in by beforeAll: tests read it through this object, since it is empty when the file loads.
  const harness = {} as EventsHarness & { hub: HubDeployment };
  beforeAll(async () => {
    const deployments = await hubDeployments();
    Object.assign(harness, await startEvents(deployments.map((hub) => hub.stack)), {
      hub: deployments[0] as HubDeployment,
    });
  });
  afterAll(() => harness.close());
  return harness;
}

/** A server-side error as the service would throw it, for the fake starter. */
export function serviceError(status: number, code: string, message: string): AwsServiceError {
  return new AwsServiceError(status, code, message);
}

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8')) as T;
}
