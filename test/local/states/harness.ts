import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HubDeployment } from '../../../local/deploy/landing-zone.js';
import { TooManyRequestsError } from '../../../local/runtime/errors.js';
import {
  createEventsService,
  type EventPublisher,
  type EventsService,
} from '../../../local/services/events.js';
import { createStatesService, type StatesService } from '../../../local/services/states.js';
import type { FunctionRuntime, InvokeResult } from '../../../local/types.js';
import { defaultLandingZone, HUB, hubDeployments, rolesOf } from '../support/hub.js';

export { HUB };

export function readFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8')) as T;
}

export function readFixtureText(name: string): string {
  return JSON.stringify(readFixture(name));
}

/** The hub stack in eu-west-1, as the local stack deploys it. */
export async function hubDeployment(): Promise<HubDeployment> {
  return (await hubDeployments())[0] as HubDeployment;
}

/** What a scripted function answers to one invocation. */
export type Answer =
  | { result: unknown; delayMs?: number }
  | { functionError: unknown; delayMs?: number }
  | { throttle: true };

/**
 * A FunctionRuntime whose answers are scripted per function key (verifyFunction, registerConnector):
 * queued answers first, then the default. Records every request.
 */
export class ScriptedRuntime implements FunctionRuntime {
  readonly requests: { functionName: string; payload: unknown }[] = [];
  private readonly queues = new Map<string, Answer[]>();

  constructor(private readonly defaults: Record<string, Answer>) {}

  queue(key: string, ...answers: Answer[]): void {
    this.queues.set(key, [...(this.queues.get(key) ?? []), ...answers]);
  }

  async invoke(request: { functionName: string; payload: string }): Promise<InvokeResult> {
    const key =
      Object.keys(this.defaults).find((candidate) => request.functionName.endsWith(`-${candidate}`)) ?? '';
    const answer = this.queues.get(key)?.shift() ?? this.defaults[key];
    if (answer === undefined) throw new Error(`No answer scripted for ${request.functionName}`);
    if ('throttle' in answer)
      throw new TooManyRequestsError('ReservedFunctionConcurrentInvocationLimitExceeded');
    this.requests.push({ functionName: request.functionName, payload: JSON.parse(request.payload) });
    if (answer.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if ('functionError' in answer) {
      return {
        statusCode: 200,
        functionError: 'Unhandled',
        payload: JSON.stringify(answer.functionError),
        durationMs: 1,
      };
    }
    return { statusCode: 200, payload: JSON.stringify(answer.result), durationMs: 1 };
  }

  crash(): void {}

  async close(): Promise<void> {}
}

export interface StatesHarness {
  hub: HubDeployment;
  states: StatesService;
  events: EventsService;
  runtime: ScriptedRuntime;
  close(): Promise<void>;
}

/** The states service on the real ASL, with the real EventBridge in-process (or `publisher`). */
export async function startStates(
  options: {
    timeScale?: number;
    random?: () => number;
    now?: () => Date;
    maxOpenExecutions?: number;
    publisher?: EventPublisher;
    hub?: HubDeployment;
  } = {},
): Promise<StatesHarness> {
  const hub = options.hub ?? (await hubDeployment());
  const runtime = new ScriptedRuntime({
    verifyFunction: { result: readFixture('verified-connector.json') },
    registerConnector: { result: readFixture('registration.json') },
  });
  let events: EventsService | undefined;
  const states = createStatesService({
    runtime,
    events: options.publisher ?? { putEvents: (...args) => (events as EventsService).putEvents(...args) },
    timeScale: options.timeScale ?? 0.001,
    ...(options.random !== undefined ? { random: options.random } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.maxOpenExecutions !== undefined ? { maxOpenExecutions: options.maxOpenExecutions } : {}),
  });
  states.deploy(hub.stack);
  const { world, zone } = await defaultLandingZone();
  events = createEventsService({ world, roles: rolesOf(world, zone), executions: states, timeScale: 0.001 });
  events.deploy(hub.stack);
  return {
    hub,
    states,
    events,
    runtime,
    async close() {
      await states.close();
      await events?.idle();
      events?.close();
    },
  };
}

export const ADMIN = { accountId: HUB, principalArn: `arn:aws:iam::${HUB}:root` };
