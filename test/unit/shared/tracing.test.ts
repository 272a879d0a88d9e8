import type { Tracer } from '@aws-lambda-powertools/tracer';
import { AppflowClient } from '@aws-sdk/client-appflow';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountClients, ClientFactory } from '../../../functions/shared/clients.js';
import { loadTracing } from '../../../functions/shared/tracing.js';

// Records whether Tracer's module was evaluated, passing the real one through.
const loaded = vi.hoisted(() => ({ tracer: false }));
vi.mock('@aws-lambda-powertools/tracer', async (importOriginal) => {
  loaded.tracer = true;
  return importOriginal();
});

const target = {
  accountId: '444455556666',
  region: 'eu-west-1',
  executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:sm:1',
};

/** X-Ray's middleware on an SDK client, by the name aws-xray-sdk-core gives it. */
const traced = (client: { middlewareStack: { identify: () => string[] } }) =>
  client.middlewareStack.identify().some((entry) => entry.startsWith('XRaySDKInstrumentation'));

function factoryOf(): { factory: ClientFactory; calls: () => number } {
  const clients: AccountClients = {
    lambda: new LambdaClient({ region: 'eu-west-1' }),
    appflow: new AppflowClient({ region: 'eu-west-1' }),
    config: { region: 'eu-west-1' },
  };
  let calls = 0;
  return {
    factory: () => {
      calls += 1;
      return clients;
    },
    calls: () => calls,
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('loadTracing', () => {
  describe('with the tracing parameter off', () => {
    beforeEach(() => {
      loaded.tracer = false;
    });

    it('does not load Tracer, adds no middleware and leaves the clients as they are', async () => {
      const tracing = await loadTracing({ POWERTOOLS_TRACE_ENABLED: 'false' });
      const { factory } = factoryOf();
      const client = new LambdaClient({ region: 'eu-west-1' });

      expect(loaded.tracer).toBe(false);
      expect(tracing.tracer).toBeUndefined();
      expect(tracing.middlewares).toEqual([]);
      expect(tracing.capture(client)).toBe(client);
      expect(traced(client)).toBe(false);
      expect(tracing.captureClients(factory)).toBe(factory);
    });

    it('stays off when the variable is unset', async () => {
      const tracing = await loadTracing({});

      expect(loaded.tracer).toBe(false);
      expect(tracing.tracer).toBeUndefined();
    });
  });

  describe('with the tracing parameter on, in Lambda', () => {
    const env = { POWERTOOLS_TRACE_ENABLED: 'true', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };

    beforeEach(() => {
      // Tracer reads its switches from process.env when it is created.
      for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    });

    it('loads Tracer and gives the handler its captureLambdaHandler middleware', async () => {
      const tracing = await loadTracing(env);

      expect(loaded.tracer).toBe(true);
      expect(tracing.tracer?.isTracingEnabled()).toBe(true);
      expect(tracing.middlewares).toHaveLength(1);
      expect(tracing.middlewares[0]).toEqual(
        expect.objectContaining({
          before: expect.any(Function),
          after: expect.any(Function),
          onError: expect.any(Function),
        }),
      );
    });

    it('captures each client of the factory once, however often the factory hands it out', async () => {
      const tracing = await loadTracing(env);
      const { factory, calls } = factoryOf();
      const clientsFor = tracing.captureClients(factory);
      const captures = vi.spyOn(tracing.tracer as Tracer, 'captureAWSv3Client');

      const first = clientsFor(target);
      const again = clientsFor(target);

      expect(again).toBe(first);
      expect(calls()).toBe(2);
      expect(captures.mock.calls.map(([client]) => client)).toEqual([first.lambda, first.appflow]);
      expect(traced(first.lambda)).toBe(true);
      expect(traced(first.appflow)).toBe(true);
      expect(
        first.appflow.middlewareStack
          .identify()
          .filter((entry) => entry.startsWith('XRaySDKInstrumentation')),
      ).toHaveLength(1);
    });

    it('captures a client handed to it directly', async () => {
      const tracing = await loadTracing(env);
      const client = new LambdaClient({ region: 'eu-west-1' });

      expect(tracing.capture(client)).toBe(client);
      expect(traced(client)).toBe(true);
    });
  });
});
