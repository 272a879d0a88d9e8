import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local/index.js';
import { describeCustomConnector } from './support/appflow.js';
import { type StackClients, startStackWithClients, stopStackWithClients } from './support/clients.js';
import { deliver, deliverOne, origin, type Put } from './support/events.js';
import { appflowMark, expectEachRegistered, registrationsSince } from './support/expectations.js';
import { alerts, executionOf, lambdaAttempts } from './support/outcomes.js';
import { fixtureSample, fixtureSamples, fixtureWorld } from './support/paths.js';
import { SLOW } from './support/timeouts.js';

// test/e2e/fixtures/worlds/faults.json: the hub account (eu-west-1) with four connectors deployed in
// one burst, and crash-connector.
const HUB = '111111111111';
const REGION = 'eu-west-1';
const BURST = fixtureSamples('faults', 'burst-connector-');

describe('the workflow under AppFlow faults injected by the local stack', { timeout: SLOW }, () => {
  let stack: Stack;
  let clients: StackClients;

  beforeAll(async () => {
    ({ stack, clients } = await startStackWithClients({
      timeScale: 0.01,
      worldPath: fixtureWorld('faults'),
      faults: { appflowRate: { perSecond: 2, burst: 1 } },
      // One attempt per SDK call: the SDK's own retries would absorb some ThrottlingExceptions out of
      // sight; this way each one reaches the state machine, whose Retry must absorb it.
      functionEnvironment: { AWS_MAX_ATTEMPTS: '1' },
    }));
  }, SLOW);

  afterAll(() => stopStackWithClients(stack, clients), SLOW);

  describe('AppFlow throttling at 2 requests per second per account and Region', () => {
    let puts: Put[];
    let mark: number;
    let throttled: { counted: number; inHub: number; registerConnector: number };

    beforeAll(async () => {
      mark = appflowMark(stack);
      puts = await deliver(stack, clients, BURST);
      throttled = {
        counted: stack.faults.counters.throttled,
        inHub: stack.appflow.stats.byAccountRegion[`${HUB}/${REGION}`]?.errors.ThrottlingException ?? 0,
        registerConnector: stack.appflow.stats.byOperation.RegisterConnector?.errors.ThrottlingException ?? 0,
      };
      // The checks below read AppFlow too: they must not be throttled themselves.
      stack.faults.update({ appflowRate: undefined });
    }, SLOW);

    it('registers every connector of a burst of four deploys in one account, each exactly once', async () => {
      expect(puts).toHaveLength(4);
      await expectEachRegistered(stack, clients, puts);
      const changes = registrationsSince(stack, mark);
      expect(changes.map((change) => change.label).sort()).toEqual(
        puts.map((put) => put.sample.expect.connectorLabel).sort(),
      );
      expect(changes.every((change) => change.operation === 'RegisterConnector')).toBe(true);
      expect(alerts(stack)).toEqual([]);
    });

    it('met ThrottlingExceptions on RegisterConnector, which the fault counters recorded', () => {
      expect(throttled.registerConnector).toBeGreaterThan(0);
      expect(throttled.inHub).toBe(throttled.registerConnector);
      expect(throttled.counted).toBe(throttled.registerConnector);
    });

    it('retried each throttled RegisterConnector in the state machine, as the execution histories show', () => {
      const attempts = puts.flatMap((put) =>
        lambdaAttempts(executionOf(stack, origin(put).eventId), 'RegisterConnector'),
      );
      const failed = attempts.filter((attempt) => attempt.error !== undefined);

      expect(failed.length).toBeGreaterThan(0);
      expect(new Set(failed.map((attempt) => attempt.error))).toEqual(new Set(['ThrottlingException']));
      // Every throttled attempt was followed by another one, and each execution's last attempt succeeded.
      expect(attempts).toHaveLength(puts.length + failed.length);
      expect(failed.length).toBe(throttled.registerConnector);
    });
  });

  // What this cannot show at timeScale 0.01: the execution ending registered. The crashed invocation
  // leaves its Powertools record IN_PROGRESS until the function's timeout (30 s of real time), so a
  // retry replays AppFlow's clientToken answer only after that; the retries, scaled by 0.01, are spent
  // long before. The ASL retrying the crash is what can be checked here; the rest takes a full-time run.
  describe('a register handler that dies right after AppFlow applied its registration', () => {
    let put: Put;
    let mark: number;

    beforeAll(async () => {
      stack.faults.update({ crashAfterRegister: 1 });
      mark = appflowMark(stack);
      put = await deliverOne(
        stack,
        clients,
        fixtureSample('faults/crash-connector.pipeline-connector-deployed.registered.json'),
      );
    }, SLOW);

    it('leaves AppFlow with exactly one registration of the connector', async () => {
      expect(stack.faults.counters.crashes).toBe(1);
      expect(registrationsSince(stack, mark)).toEqual([
        expect.objectContaining({ operation: 'RegisterConnector', label: 'crash-connector' }),
      ]);
      const registered = await describeCustomConnector(clients.appflow(HUB, REGION), 'crash-connector');
      expect(registered?.connectorProvisioningConfig?.lambda?.lambdaArn).toBe(
        `arn:aws:lambda:${REGION}:${HUB}:function:crash-connector`,
      );
    });

    it('retries the RegisterConnector task that crashed (Runtime.ExitError) instead of failing the execution at once', () => {
      const attempts = lambdaAttempts(executionOf(stack, origin(put).eventId), 'RegisterConnector');

      expect(attempts[0]).toEqual({ state: 'RegisterConnector', error: 'Runtime.ExitError' });
      expect(attempts.length).toBeGreaterThan(1);
    });
  });
});
