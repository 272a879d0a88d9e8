import { type Stack, type StackOptions, startStack } from '../../../local/index.js';
import { EVERY_FAILURE_ALERTS } from '../../support/alert-window.js';
import { SignalBus } from './bus.js';
import { type WorldFunction, type WorldOptions, type WrittenWorld, writeWorld } from './world.js';

/**
 * Starts the local stack for a resilience suite: retry waits at 1/100 of AWS's, room for every
 * connector's execution environment next to the registrar's (the default cap of 64 would evict warm
 * registrar environments and pay their cold starts again), and every failure alerted, as the suites
 * account for each failed execution's alert.
 */
export function startResilienceStack(worldPath: string, options: StackOptions = {}): Promise<Stack> {
  return startStack({
    timeScale: 0.01,
    ...options,
    functionEnvironment: { ...EVERY_FAILURE_ALERTS, ...options.functionEnvironment },
    worldPath,
    runtime: { maxEnvironments: 160, ...options.runtime },
  });
}

/** What a resilience suite runs against: its world file, the stack started on it and a bus into it. */
export interface ResilienceRig {
  world: WrittenWorld;
  stack: Stack;
  bus: SignalBus;
}

/** Writes the world, starts the resilience stack on it and opens a signal bus, for a suite's beforeAll. */
export async function startResilienceRig(
  functions: readonly WorldFunction[],
  worldOptions: WorldOptions,
  stackOptions: StackOptions = {},
): Promise<ResilienceRig> {
  const world = writeWorld(functions, worldOptions);
  try {
    const stack = await startResilienceStack(world.path, stackOptions);
    return { world, stack, bus: new SignalBus(stack) };
  } catch (error) {
    // The suite never gets the world to remove in its afterAll.
    world.remove();
    throw error;
  }
}

/** Destroys the bus, stops the stack and removes the world, for a suite's afterAll (any may be missing). */
export async function stopResilienceRig({ world, stack, bus }: Partial<ResilienceRig>): Promise<void> {
  bus?.destroy();
  await stack?.stop();
  world?.remove();
}

/**
 * Sets the timeout of one of the registrar's functions in every hub Region, as
 * `aws lambda update-function-configuration --timeout` would, before it is first invoked. Powertools
 * keeps an in-progress idempotency record for the invocation's remaining time, which the runtime
 * derives from the timeout; timeScale shortens only retry waits, so a crashed registration's record
 * would otherwise block its retries for serverless.yml's 30 s.
 */
export function setFunctionTimeout(stack: Stack, logicalId: string, seconds: number): void {
  for (const deployment of stack.landingZone.hubs) {
    const config = deployment.functions.find((fn) => fn.logicalId === logicalId);
    if (!config) throw new Error(`The hub template has no function ${logicalId}`);
    const deployed = stack.registry.get(deployment.accountId, deployment.region, config.name);
    if (!deployed) throw new Error(`${config.name} is not deployed in ${deployment.region}`);
    if (stack.runtime.environments(deployed.arn).length > 0) {
      throw new Error(
        `${config.name} already has execution environments; set its timeout before invoking it`,
      );
    }
    stack.registry.add({ ...deployed, timeoutSeconds: seconds });
  }
}
