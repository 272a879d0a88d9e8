import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalFunctionArn } from '../../functions/shared/guards.js';
import type { WorkflowInput } from '../../functions/shared/types.js';
import { createRandom, type ExecutionRecord, type Stack } from '../../local/index.js';
import type { SignalBus } from './support/bus.js';
import {
  alertMessages,
  connectorCreations,
  deliverPaced,
  inputOf,
  registrarEvents,
  type SignalOutcome,
  taskErrors,
} from './support/outcomes.js';
import { shuffled } from './support/random.js';
import {
  cloudFormationSignal,
  createFunctionSignal,
  pipelineSignal,
  type Signal,
  tagResourceSignal,
} from './support/signals.js';
import { startResilienceRig, stopResilienceRig } from './support/stack.js';
import { functionArnOf, spreadConnectors, type WorldFunction, type WrittenWorld } from './support/world.js';

const CONNECTORS = 50;
const DELIVERIES_EACH = 5;
const SEED = 20250603;
// Deliveries and executions under way at once: enough for copies of one signal to overlap.
const MAX_IN_FLIGHT = 4;

// One hub Region, six accounts: the register function paces AppFlow per account and Region.
const REGION = ['eu-west-1'];
const connectors = spreadConnectors('dup', CONNECTORS, REGION);
const deployed = spreadConnectors('cfn-deployed', 1, REGION)[0] as WorldFunction;
const everyConnector = [...connectors, deployed];

describe('the registrar under duplicate deploy signals', () => {
  let world: WrittenWorld;
  let stack: Stack;
  let bus: SignalBus;
  let outcomes: SignalOutcome[];

  beforeAll(async () => {
    ({ world, stack, bus } = await startResilienceRig(everyConnector, { regions: REGION }));

    // Each connector's deploy signal, the very same entry put 5 times (a retried PutEvents, an
    // at-least-once forwarder), half as CloudTrail CreateFunction and half as the pipeline's event,
    // interleaved one by one; the first connector's 5 copies arrive as one burst, and so do the
    // three signals one CloudFormation deploy of a tagged function emits.
    const copies = connectors.flatMap((fn, i): (Signal | Signal[])[] => {
      const signal = i % 2 === 0 ? createFunctionSignal(fn) : pipelineSignal(fn);
      const repeated = Array.from({ length: DELIVERIES_EACH }, () => signal);
      return i === 0 ? [repeated] : repeated;
    });
    const deploy = [
      createFunctionSignal(deployed),
      tagResourceSignal(deployed),
      cloudFormationSignal(deployed),
    ];
    const stream = shuffled([...copies, deploy], createRandom(SEED));

    outcomes = await deliverPaced(stack, bus, stream, MAX_IN_FLIGHT);
  }, 180_000);

  afterAll(() => stopResilienceRig({ world, stack, bus }));

  // A TagResource signal also starts the unregistration workflow, which finds nothing to do here.
  const registrations = (executions: ExecutionRecord[]) =>
    executions.filter((e) =>
      e.stateMachineArn.endsWith(':stateMachine:appflow-connector-registrar-dev-register-connector'),
    );

  const executionsOf = (fn: WorldFunction): ExecutionRecord[] =>
    registrations(outcomes.flatMap((o) => o.executions))
      // A CloudFormation signal names the function; VerifyFunction resolves it as this does.
      .filter((e) => signalFunctionArn(inputOf(e) as unknown as WorkflowInput, 'aws') === functionArnOf(fn));

  describe('delivery', () => {
    it('puts every copy on a bus and starts one execution for each', () => {
      expect(outcomes).toHaveLength(CONNECTORS * DELIVERIES_EACH + 3);
      expect(outcomes.filter((o) => o.outcome === 'refused').map((o) => o.error)).toEqual([]);
      expect(outcomes.map((o) => registrations(o.executions).length).filter((n) => n !== 1)).toEqual([]);
    });

    it('runs copies of one signal at the same time, so the in-progress idempotency path is taken', () => {
      const overlapping = everyConnector.filter((fn) => {
        const runs = executionsOf(fn).map((e) => [e.startDate.getTime(), e.stopDate?.getTime() ?? 0]);
        return runs.some(([start, stop], i) =>
          runs.some(
            ([otherStart], j) =>
              i !== j &&
              (otherStart as number) >= (start as number) &&
              (otherStart as number) < (stop as number),
          ),
        );
      });
      const inProgress = outcomes
        .flatMap((o) => o.executions)
        .flatMap((e) => taskErrors(e, 'RegisterConnector'))
        .filter((error) => error === 'IdempotencyAlreadyInProgressError');
      expect(overlapping.length).toBeGreaterThan(0);
      expect(inProgress.length).toBeGreaterThan(0);
    });
  });

  describe('registration', () => {
    it('creates exactly one connector per label in AppFlow', () => {
      const creations = connectorCreations(stack);
      const expected = everyConnector.map((fn) => `${fn.accountId}/${fn.region}/${fn.name}`).sort();
      expect([...creations.keys()].sort()).toEqual(expected);
      expect([...creations.entries()].filter(([, count]) => count !== 1)).toEqual([]);
      expect(
        stack.appflow
          .connectors()
          .map((c) => c.label)
          .sort(),
      ).toEqual(everyConnector.map((fn) => fn.name).sort());
    });

    it('calls AppFlow RegisterConnector once per connector: the copies collapse before AppFlow', () => {
      expect(stack.appflow.stats.byOperation.RegisterConnector?.calls).toBe(everyConnector.length);
      expect(stack.appflow.stats.byOperation.UpdateConnectorRegistration).toBeUndefined();
    });

    it('ends every execution SUCCEEDED with the connector registered', () => {
      const ended = outcomes.flatMap((o) => o.executions).map((e) => `${e.status} ${e.error ?? ''}`.trim());
      expect(ended.filter((status) => status !== 'SUCCEEDED')).toEqual([]);
      expect(outcomes.filter((o) => o.outcome !== 'registered').map((o) => o.outcome)).toEqual([]);
    });

    it("announces each connector once per execution, always under AppFlow's connectorArn", () => {
      const announced = registrarEvents(stack, 'ConnectorRegistered');
      for (const fn of everyConnector) {
        const mine = announced.filter(({ detail }) => detail.lambdaArn === functionArnOf(fn));
        const [registered] = stack.appflow
          .connectors(fn.accountId, fn.region)
          .filter((c) => c.label === fn.name);
        expect(mine).toHaveLength(executionsOf(fn).length);
        expect(new Set(mine.map(({ detail }) => detail.connectorArn))).toEqual(
          new Set([registered?.connectorArn]),
        );
      }
    });

    it('publishes no ConnectorRegistrationFailed and raises no alert', () => {
      expect(registrarEvents(stack, 'ConnectorRegistrationFailed')).toEqual([]);
      expect(alertMessages(stack)).toEqual([]);
    });
  });
});
