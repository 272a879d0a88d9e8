import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord, Stack } from '../../local/index.js';
import type { SignalBus } from './support/bus.js';
import {
  alertMessages,
  connectorCreations,
  deliverPaced,
  inputOf,
  registrarEvents,
  type SignalOutcome,
  TYPED_ERROR_NAMES,
  taskErrors,
} from './support/outcomes.js';
import { createFunctionSignal, pipelineSignal, type Signal } from './support/signals.js';
import { setFunctionTimeout, startResilienceRig, stopResilienceRig } from './support/stack.js';
import { functionArnOf, spreadConnectors, type WorldFunction, type WrittenWorld } from './support/world.js';

const SEED = 424242;
const CONNECTORS = 30;
const MAX_IN_FLIGHT = 4;
// The register function's timeout here, instead of serverless.yml's 30 s: a crashed invocation's
// in-progress idempotency record lives for the invocation's remaining time (setFunctionTimeout).
const REGISTER_TIMEOUT_SECONDS = 5;

const connectors = spreadConnectors('faulty', CONNECTORS, ['eu-west-1']);

/** A connector's deploy signal: CloudTrail for half of them, the pipeline's event for the rest. */
function signalOf(fn: WorldFunction, i: number): Signal {
  return i % 2 === 0 ? createFunctionSignal(fn) : pipelineSignal(fn);
}

describe('the registrar when AppFlow misbehaves', () => {
  let world: WrittenWorld;
  let stack: Stack;
  let bus: SignalBus;
  let first: SignalOutcome[];
  let redelivered: SignalOutcome[];
  let crashed: WorldFunction[];

  beforeAll(async () => {
    ({ world, stack, bus } = await startResilienceRig(
      connectors,
      { regions: ['eu-west-1'] },
      {
        faults: {
          seed: SEED,
          // AppFlow's own limit, far below the 8/s the hub paces to here: any two calls in one account
          // within a second meet the bucket, so it throttles whatever the machine's speed.
          appflowRate: { perSecond: 1, burst: 1 },
          appflowErrors: { ThrottlingException: 0.3, InternalServerException: 0.05 },
          appflowLatencyMs: { min: 5, max: 30 },
          crashAfterRegister: 0.2,
        },
        // The pacer may hold a call only as long as the shortened timeout allows, and paces faster
        // than AppFlow accepts, as a hub misconfigured for this account would.
        functionEnvironment: { APPFLOW_PACER_MAX_WAIT_MS: '2000', APPFLOW_REQUESTS_PER_SECOND: '8' },
      },
    ));
    setFunctionTimeout(stack, 'RegisterConnectorLambdaFunction', REGISTER_TIMEOUT_SECONDS);

    first = await deliverPaced(stack, bus, connectors.map(signalOf), MAX_IN_FLIGHT);

    // Whoever read an alert deploys again (the alert's whatToDo): once the crashed invocations'
    // in-progress records have expired, every connector that was not announced gets its signal again.
    crashed = connectors.filter((fn) => crashedIn(first, fn));
    const lastCrash = Math.max(0, ...first.flatMap((o) => o.executions).map(crashTime));
    await sleep(Math.max(0, lastCrash + REGISTER_TIMEOUT_SECONDS * 1000 + 250 - Date.now()));
    const announced = new Set(
      registrarEvents(stack, 'ConnectorRegistered').map(({ detail }) => detail.lambdaArn),
    );
    redelivered = await deliverPaced(
      stack,
      bus,
      connectors
        .filter((fn) => !announced.has(functionArnOf(fn)))
        .map((fn) => signalOf(fn, connectors.indexOf(fn))),
      MAX_IN_FLIGHT,
    );
  }, 180_000);

  afterAll(() => stopResilienceRig({ world, stack, bus }));

  const allExecutions = (): ExecutionRecord[] => [...first, ...redelivered].flatMap((o) => o.executions);

  describe('fault injection', () => {
    it('throttles, fails and crashes AppFlow calls as configured', () => {
      const { counters } = stack.faults;
      expect(counters.throttled).toBeGreaterThan(0);
      expect(counters.injected.ThrottlingException ?? 0).toBeGreaterThan(0);
      expect(counters.injected.InternalServerException ?? 0).toBeGreaterThan(0);
      expect(counters.latencyMs).toBeGreaterThan(0);
      expect(counters.crashes).toBeGreaterThan(0);
      // Every crash the injector fired killed a RegisterConnector attempt the workflow saw.
      const crashes = allExecutions().flatMap((e) =>
        taskErrors(e, 'RegisterConnector').filter((error) => error === 'Runtime.ExitError'),
      );
      expect(crashes.length).toBe(counters.crashes);
    });
  });

  describe('no signal lost', () => {
    it('starts an execution for every signal, and every execution ends', () => {
      const outcomes = [...first, ...redelivered];
      expect(outcomes.filter((o) => o.executions.length !== 1).map((o) => o.delivery.signal)).toEqual([]);
      expect(allExecutions().filter((e) => e.status === 'RUNNING')).toEqual([]);
    });

    it('publishes ConnectorRegistrationFailed and alerts for every failed execution', () => {
      const failedEvents = new Set(
        registrarEvents(stack, 'ConnectorRegistrationFailed').map(({ detail }) => detail.executionArn),
      );
      const alerted = new Set(alertMessages(stack).map((alert) => alert.executionArn));
      const failed = allExecutions().filter((e) => e.status !== 'SUCCEEDED');
      expect(failed.filter((e) => !failedEvents.has(e.executionArn)).map((e) => e.executionArn)).toEqual([]);
      expect(failed.filter((e) => !alerted.has(e.executionArn)).map((e) => e.executionArn)).toEqual([]);
    });

    it('ends every connector registered and announced, or alerted', () => {
      const announced = new Set(
        registrarEvents(stack, 'ConnectorRegistered').map(({ detail }) => detail.lambdaArn),
      );
      const alerted = new Set(alertMessages(stack).map((alert) => alert.lambdaArn));
      const creations = connectorCreations(stack);
      const unaccounted = connectors.filter((fn) => {
        const registered = creations.get(`${fn.accountId}/${fn.region}/${fn.name}`) === 1;
        return !(registered && announced.has(functionArnOf(fn))) && !alerted.has(functionArnOf(fn));
      });
      expect(unaccounted.map((fn) => fn.name)).toEqual([]);
    });

    it('ends every failed execution in an error named in functions/shared/errors.ts', () => {
      const untyped = allExecutions()
        .filter((e) => e.status !== 'SUCCEEDED' && !TYPED_ERROR_NAMES.has(e.error ?? ''))
        .map((e) => `${String(inputOf(e).functionArn)}: ${e.status} ${e.error ?? '(no error)'}`);
      expect(untyped).toEqual([]);
    });
  });

  describe('none registered twice', () => {
    it('never creates a label twice in AppFlow', () => {
      expect([...connectorCreations(stack).entries()].filter(([, count]) => count > 1)).toEqual([]);
      const labels = stack.appflow.connectors().map((c) => `${c.accountId}/${c.region}/${c.label}`);
      expect(labels.length).toBe(new Set(labels).size);
    });

    it('registers each connector in its own account, pointing at its own function', () => {
      for (const connector of stack.appflow.connectors()) {
        expect(connector.connectorArn.split(':')[4]).toBe(connector.accountId);
        expect(connector.lambdaArn).toBe(
          `arn:aws:lambda:${connector.region}:${connector.accountId}:function:${connector.label}`,
        );
      }
    });
  });

  describe('a handler that crashed after AppFlow applied the registration', () => {
    it('left the connector registered once in AppFlow', () => {
      const creations = connectorCreations(stack);
      expect(crashed.map((fn) => creations.get(`${fn.accountId}/${fn.region}/${fn.name}`))).toEqual(
        crashed.map(() => 1),
      );
    });

    it('is registered in the end with the same clientToken: AppFlow answers its first answer', () => {
      expect(crashed.length).toBeGreaterThan(0);
      const announced = registrarEvents(stack, 'ConnectorRegistered');
      for (const fn of crashed) {
        const [connector] = stack.appflow
          .connectors(fn.accountId, fn.region)
          .filter((c) => c.label === fn.name);
        const mine = allExecutions().filter((e) => inputOf(e).functionArn === functionArnOf(fn));
        expect(mine.some((e) => e.status === 'SUCCEEDED')).toBe(true);
        const arns = announced
          .filter(({ detail }) => detail.lambdaArn === functionArnOf(fn))
          .map(({ detail }) => detail.connectorArn);
        expect(arns).toEqual([connector?.connectorArn]);
      }
      // The crashed invocations stored no result, so the retries reached AppFlow again with the
      // same clientToken, and AppFlow answered without creating anything.
      const register = stack.appflow.stats.byOperation.RegisterConnector;
      const creations = [...connectorCreations(stack).values()].reduce((sum, n) => sum + n, 0);
      expect((register?.succeeded ?? 0) - creations).toBeGreaterThanOrEqual(crashed.length);
    });
  });
});

/** Whether the connector's RegisterConnector died (Runtime.ExitError) in one of these outcomes. */
function crashedIn(outcomes: readonly SignalOutcome[], fn: WorldFunction): boolean {
  return outcomes
    .flatMap((o) => o.executions)
    .filter((e) => inputOf(e).functionArn === functionArnOf(fn))
    .some((e) => taskErrors(e, 'RegisterConnector').includes('Runtime.ExitError'));
}

/** When the execution's RegisterConnector attempt crashed, in epoch ms; 0 when it did not. */
function crashTime(execution: ExecutionRecord): number {
  const crash = execution.history.findLast(
    (event) =>
      event.type === 'LambdaFunctionFailed' &&
      (event.lambdaFunctionFailedEventDetails as { error?: string } | undefined)?.error ===
        'Runtime.ExitError',
  );
  return crash?.timestamp.getTime() ?? 0;
}
