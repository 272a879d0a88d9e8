import { afterEach, describe, expect, it } from 'vitest';
import type { LocalFunctionRuntime } from '../../../local/runtime/index.js';
import { arnOf, call, fixtureRuntime } from './support.js';

describe('function runtime environment queue', () => {
  let runtime: LocalFunctionRuntime | undefined;

  function start(maxEnvironmentsPerFunction: number, maxConcurrentInits = Number.POSITIVE_INFINITY) {
    runtime = fixtureRuntime({ maxEnvironmentsPerFunction, maxConcurrentInits });
    return runtime;
  }

  /** When the runtime logged a line of the function matching `pattern` (ms since epoch), in order. */
  function loggedAt(lambda: LocalFunctionRuntime, name: string, pattern: RegExp): number[] {
    return lambda
      .logs(arnOf(name))
      .filter((entry) => pattern.test(entry.message))
      .map((entry) => Date.parse(entry.time));
  }

  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  describe('beyond maxEnvironmentsPerFunction', () => {
    it('runs every invocation in the capped environments, waiting in turn instead of throttling', async () => {
      const lambda = start(2);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => lambda.invoke(call('sleeps', { ms: 100 }))),
      );
      expect(results.map((r) => r.payload)).toEqual(Array(5).fill('{"slept":100}'));
      expect(new Set(results.map((r) => r.environmentId)).size).toBe(2);
      expect(results.filter((r) => r.coldStart)).toHaveLength(2);
      expect(lambda.counters(arnOf('sleeps'))).toMatchObject({ invocations: 5, coldStarts: 2, throttles: 0 });
    });

    it('serves the waiting invocations first come, first served', async () => {
      const lambda = start(1);
      const order: number[] = [];
      await Promise.all(
        [0, 1, 2].map((n) =>
          lambda.invoke(call('sleeps', { ms: 50 })).then(() => {
            order.push(n);
          }),
        ),
      );
      expect(order).toEqual([0, 1, 2]);
    });

    it('starts the timeout when an environment takes the invocation, not while it waits', async () => {
      // sleeps has a 1 s timeout: three 600 ms invocations in one environment wait up to 1.2 s.
      const lambda = start(1);
      const results = await Promise.all(
        Array.from({ length: 3 }, () => lambda.invoke(call('sleeps', { ms: 600 }))),
      );
      expect(results.map((r) => r.functionError)).toEqual([undefined, undefined, undefined]);
      expect(Math.max(...results.map((r) => r.durationMs))).toBeLessThan(1000);
    });

    it('starts a new environment for a waiting invocation when an environment dies', async () => {
      const lambda = start(1);
      const [crashed, next] = await Promise.all([lambda.invoke(call('exits')), lambda.invoke(call('exits'))]);
      expect(JSON.parse(crashed.payload)).toMatchObject({ errorType: 'Runtime.ExitError' });
      expect(next.coldStart).toBe(true);
      expect(next.environmentId).not.toBe(crashed.environmentId);
    });

    it('still throttles beyond the reserved concurrency, counting waiting invocations', async () => {
      const lambda = start(1);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 3 }, () => lambda.invoke(call('sleeps-reserved', { ms: 50 }))),
      );
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    });

    it('refuses the waiting invocations when the runtime closes', async () => {
      const lambda = start(1);
      const running = lambda.invoke(call('sleeps', { ms: 300 }));
      const waiting = lambda.invoke(call('sleeps', { ms: 10 })).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await lambda.close();
      expect(await waiting).toMatchObject({ code: 'ServiceException' });
      await expect(running).resolves.toMatchObject({ functionError: 'Unhandled' });
    });
  });

  describe('beyond maxConcurrentInits', () => {
    it('starts the next cold start only once the previous one has initialised', async () => {
      const lambda = start(Number.POSITIVE_INFINITY, 1);
      await Promise.all([lambda.invoke(call('echo')), lambda.invoke(call('env-a'))]);
      const [echoStarted] = loggedAt(lambda, 'echo', /^START /);
      const [envInit] = loggedAt(lambda, 'env-a', /^INIT_START /);
      expect(envInit).toBeGreaterThanOrEqual(echoStarted as number);
    });

    it('gives the next init to a function without environments before a second one of another', async () => {
      const lambda = start(2, 1);
      const first = lambda.invoke(call('sleeps', { ms: 400 }));
      const second = lambda.invoke(call('sleeps', { ms: 400 }));
      const echo = lambda.invoke(call('echo'));
      await Promise.all([first, second, echo]);
      const echoCreated = Date.parse(lambda.environments(arnOf('echo'))[0]?.createdAt ?? '');
      const sleepsCreated = lambda
        .environments(arnOf('sleeps'))
        .map((environment) => Date.parse(environment.createdAt))
        .sort((a, b) => a - b);
      expect(sleepsCreated).toHaveLength(2);
      expect(echoCreated).toBeLessThan(sleepsCreated[1] as number);
      expect(echoCreated).toBeGreaterThan(sleepsCreated[0] as number);
    });
  });

  describe('provision', () => {
    it('initialises idle environments up to the cap, so the next invocations start warm', async () => {
      const lambda = start(2);
      const target = { accountId: call('echo').accountId, region: call('echo').region, functionName: 'echo' };
      await expect(lambda.provision(target, 3)).resolves.toBe(2);
      expect(lambda.environments(arnOf('echo')).map((e) => e.state)).toEqual(['idle', 'idle']);
      const results = await Promise.all([lambda.invoke(call('echo')), lambda.invoke(call('echo'))]);
      expect(results.map((r) => r.coldStart)).toEqual([false, false]);
      expect(lambda.counters(arnOf('echo'))).toMatchObject({ invocations: 2, coldStarts: 0 });
    });

    it('rejects with the init error of a function that cannot initialise', async () => {
      const lambda = start(2);
      const target = {
        accountId: call('echo').accountId,
        region: call('echo').region,
        functionName: 'no-handler',
      };
      await expect(lambda.provision(target, 1)).rejects.toThrow(/Runtime.HandlerNotFound/);
    });
  });
});
