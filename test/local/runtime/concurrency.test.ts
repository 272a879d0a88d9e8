import { afterEach, describe, expect, it } from 'vitest';
import type { FunctionRuntimeOptions, LocalFunctionRuntime } from '../../../local/runtime/index.js';
import { arnOf, call, eventually, fixtureRuntime } from './support.js';

describe('function runtime concurrency', () => {
  let runtime: LocalFunctionRuntime | undefined;

  function start(options: Partial<FunctionRuntimeOptions>) {
    runtime = fixtureRuntime(options);
    return runtime;
  }

  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  describe('reserved concurrency', () => {
    it('answers TooManyRequestsException beyond the reserved concurrency', async () => {
      const lambda = start({});
      const outcomes = await Promise.allSettled([
        lambda.invoke(call('sleeps-reserved', { ms: 300 })),
        lambda.invoke(call('sleeps-reserved', { ms: 300 })),
        lambda.invoke(call('sleeps-reserved', { ms: 300 })),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({
        status: 429,
        code: 'TooManyRequestsException',
        message: 'Rate Exceeded.',
        reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      });
      expect(lambda.counters(arnOf('sleeps-reserved'))).toMatchObject({ invocations: 2, throttles: 1 });
    });

    it('throttles every function once the invocations running at once reach the ceiling', async () => {
      const lambda = start({ maxConcurrentInvocations: 1 });
      const first = lambda.invoke(call('sleeps', { ms: 200 }));
      await expect(lambda.invoke(call('echo'))).rejects.toMatchObject({
        reason: 'ConcurrentInvocationLimitExceeded',
      });
      await first;
      await expect(lambda.invoke(call('echo'))).resolves.toMatchObject({ statusCode: 200 });
    });
  });

  describe('environment cap', () => {
    it('terminates the least recently used idle environment to start a new one', async () => {
      const lambda = start({ maxEnvironments: 2 });
      await lambda.invoke(call('echo'));
      await lambda.invoke(call('env-a'));
      await lambda.invoke(call('env-b'));
      expect(
        lambda
          .environments()
          .map((e) => e.functionArn)
          .sort(),
      ).toEqual([arnOf('env-a'), arnOf('env-b')]);
      expect((await lambda.invoke(call('echo'))).coldStart).toBe(true);
    });

    it('terminates environments idle longer than the idle timeout', async () => {
      const lambda = start({ idleTimeoutMs: 50 });
      await lambda.invoke(call('echo'));
      expect(lambda.environments()).toHaveLength(1);
      await eventually(() => lambda.environments().length === 0, 2000);
    });
  });

  describe('close', () => {
    it('terminates every environment and refuses further invocations', async () => {
      const lambda = start({});
      await Promise.all([lambda.invoke(call('echo')), lambda.invoke(call('env-a'))]);
      await lambda.close();
      expect(lambda.environments()).toEqual([]);
      await expect(lambda.invoke(call('echo'))).rejects.toMatchObject({ code: 'ServiceException' });
    });
  });
});
