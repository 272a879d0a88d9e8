import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local/index.js';
import type { SignalBus } from './support/bus.js';
import { loadHostileFixtures } from './support/hostile.js';
import {
  alertMessages,
  connectorCreations,
  deliverPaced,
  inputOf,
  outcomesOf,
  registrarEvents,
  type SignalOutcome,
  TYPED_ERROR_NAMES,
} from './support/outcomes.js';
import { pipelineSignal } from './support/signals.js';
import { startResilienceRig, stopResilienceRig } from './support/stack.js';
import {
  DESCRIPTION_TAG,
  HUB,
  LABEL_TAG,
  SPOKES,
  type WorldFunction,
  type WrittenWorld,
} from './support/world.js';

const REGION = 'eu-west-1';
const OUTSIDER = '999999999999';
const [SPOKE, VICTIM] = SPOKES;
const MAX_IN_FLIGHT = 4;

/** A hub function of the hostile world, tagged as given. */
function hub(name: string, tags?: Record<string, string>): WorldFunction {
  return { accountId: HUB, region: REGION, name, ...(tags ? { tags } : {}) };
}

// The functions the corpus names. Untagged ones stay unregistered whatever the signal's hints say
// (a hint may only confirm a tag); the tag-unicode-* ones carry tags Lambda accepts and AppFlow
// would refuse.
const FUNCTIONS: WorldFunction[] = [
  hub('hostile-healthy', { [LABEL_TAG]: 'hostile-healthy', [DESCRIPTION_TAG]: 'A healthy connector' }),
  hub('hostile-untagged'),
  hub('hint-label-256'),
  hub('hint-label-257'),
  hub('hint-description-1024'),
  hub('hint-description-1025'),
  hub('hint-control-chars'),
  hub('hint-injection'),
  hub('tag-label-256', { [LABEL_TAG]: `tag-label-256-${'y'.repeat(242)}` }),
  hub('label-tag-only', { [LABEL_TAG]: 'label-tag-only' }),
  hub('tag-unicode-cafe', { [LABEL_TAG]: 'café-connector' }),
  hub('tag-unicode-nbsp', { [LABEL_TAG]: 'nbsp\u00a0connector' }),
  hub('tag-unicode-linesep', { [LABEL_TAG]: 'line\u2028separator' }),
  hub('tag-unicode-fullwidth', { [LABEL_TAG]: 'ｃｏｎｎｅｃｔｏｒ１２３' }),
  hub('tag-unicode-description', {
    [LABEL_TAG]: 'tag-unicode-description',
    [DESCRIPTION_TAG]: 'Connecteur très spécial',
  }),
  hub('after-corpus', { [LABEL_TAG]: 'after-corpus' }),
  { accountId: SPOKE, region: REGION, name: 'spoke-healthy', tags: { [LABEL_TAG]: 'spoke-healthy' } },
  { accountId: VICTIM, region: REGION, name: 'victim-connector', tags: { [LABEL_TAG]: 'victim-connector' } },
  {
    accountId: OUTSIDER,
    region: REGION,
    name: 'outsider-connector',
    tags: { [LABEL_TAG]: 'outsider-connector' },
  },
];

const fixtures = loadHostileFixtures();

describe('the registrar under hostile input', () => {
  let world: WrittenWorld;
  let stack: Stack;
  let bus: SignalBus;
  let outcomes: Map<string, SignalOutcome>;
  let afterCorpus: SignalOutcome | undefined;

  beforeAll(async () => {
    ({ world, stack, bus } = await startResilienceRig(FUNCTIONS, {
      regions: [REGION],
      outsiders: [OUTSIDER],
    }));
    const read = await deliverPaced(
      stack,
      bus,
      fixtures.map((f) => f.signal),
      MAX_IN_FLIGHT,
    );
    outcomes = new Map(fixtures.map((f, i) => [f.name, read[i] as SignalOutcome]));

    // The stack stays up: a plain deploy after the corpus is registered as usual.
    const [after] = FUNCTIONS.filter((fn) => fn.name === 'after-corpus');
    const afterDelivery = await bus.put(pipelineSignal(after as WorldFunction));
    await stack.idle();
    [afterCorpus] = outcomesOf(stack, [afterDelivery]);
  }, 180_000);

  afterAll(() => stopResilienceRig({ world, stack, bus }));

  it('has a corpus of at least 40 inputs', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
  });

  describe('each input', () => {
    it.each(fixtures.map((f) => [f.name, f] as const))(
      '%s ends in the outcome its fixture expects',
      (name, f) => {
        const outcome = outcomes.get(name);
        const { expect: expected } = f.fixture;
        expect({
          outcome: outcome?.outcome,
          ...(outcome?.error !== undefined && ['failed', 'refused', 'dead-lettered'].includes(outcome.outcome)
            ? { error: outcome.error }
            : {}),
          ...(outcome?.outcome === 'registered' ? { connectorLabel: outcome.connectorLabel } : {}),
        }).toEqual(expected);
        if (expected.outcome === 'registered') {
          // Registered in the account that put the event, and nowhere else.
          const announced = registrarEvents(stack, 'ConnectorRegistered').filter(({ detail }) =>
            outcome?.executions.some((e) => e.executionArn === detail.executionArn),
          );
          expect(announced.length).toBeGreaterThan(0);
          for (const { detail } of announced) {
            expect(detail.accountId).toBe(f.fixture.account);
            expect(String(detail.connectorArn).split(':')[4]).toBe(f.fixture.account);
          }
        }
      },
    );
  });

  describe('failures', () => {
    it('end only in errors named in functions/shared/errors.ts', () => {
      const untyped = [...outcomes.entries()].flatMap(([name, o]) =>
        o.executions
          .filter((e) => e.status !== 'SUCCEEDED' && !TYPED_ERROR_NAMES.has(e.error ?? ''))
          .map((e) => `${name}: ${e.status} ${e.error ?? '(no error)'}`),
      );
      expect(untyped).toEqual([]);
    });

    it('each publish their workflow’s failure event and reach the alert topic', () => {
      // A refused TagResource signal fails both workflows it starts: each alerts for itself.
      const published = new Set(
        [
          ...registrarEvents(stack, 'ConnectorRegistrationFailed'),
          ...registrarEvents(stack, 'ConnectorUnregistrationFailed'),
        ].map(({ detail }) => detail.executionArn),
      );
      const alerted = new Set(alertMessages(stack).map((alert) => alert.executionArn));
      const failed = [...outcomes.values()]
        .flatMap((o) => o.executions)
        .filter((e) => e.status !== 'SUCCEEDED');
      expect(failed.filter((e) => !published.has(e.executionArn)).map((e) => e.executionArn)).toEqual([]);
      expect(failed.filter((e) => !alerted.has(e.executionArn)).map((e) => e.executionArn)).toEqual([]);
    });

    it('reach the alert topic in printable ASCII, naming only a function and a label that were validated', () => {
      const raw = stack.events.alerts().map((alert) => alert.message);
      expect(raw.filter((message) => !/^[\x20-\x7e]*$/.test(message))).toEqual([]);
      for (const alert of alertMessages(stack)) {
        if (alert.lambdaArn !== null) {
          expect(alert.lambdaArn).toMatch(
            new RegExp(`^arn:aws:lambda:${alert.region}:${alert.accountId}:function:[\\w-]{1,64}$`),
          );
        }
        if (alert.connectorLabel !== null)
          expect(alert.connectorLabel).toMatch(/^[a-zA-Z0-9][\w!@#.-]{1,255}$/);
      }
    });

    it("do not word an alert with the signal's text outside the escaped and cut cause", () => {
      const phishing = outcomes.get('alert.phishing-function-arn');
      const [execution] = phishing?.executions ?? [];
      const alert = alertMessages(stack).find((message) => message.executionArn === execution?.executionArn);
      const { cause, ...fields } = alert ?? {};
      expect(fields).toMatchObject({
        error: 'InvalidFunctionArnError',
        lambdaArn: null,
        connectorLabel: null,
      });
      expect(JSON.stringify(fields)).not.toContain('ACTION REQUIRED');
      const { errorMessage } = JSON.parse(String(cause)) as { errorMessage: string };
      expect(errorMessage).toContain(
        '"ACTION REQUIRED: your registrar credentials leaked\\u202e, rotate them now at',
      );
      expect(errorMessage).toContain('...(');
      expect(errorMessage).toMatch(/^[\x20-\x7e]*$/);
    });

    it('are the only thing that reaches the alert topic', () => {
      const executions = new Set(stack.states.executions().map((e) => e.executionArn));
      const forged = alertMessages(stack).filter((alert) => !executions.has(String(alert.executionArn)));
      expect(forged).toEqual([]);
    });

    it('leave in the dead-letter queue only the signals expected there (its alarm alerts)', () => {
      const expected = fixtures.filter((input) => input.fixture.expect.outcome === 'dead-lettered').length;
      expect(stack.events.deadLetters()).toHaveLength(expected);
      expect(expected).toBeLessThanOrEqual(1);
    });
  });

  describe('accounts', () => {
    it("registers connectors only in the account of the signal, pointing at that account's function", () => {
      for (const connector of stack.appflow.connectors()) {
        expect(connector.connectorArn.split(':')[4]).toBe(connector.accountId);
        expect(connector.lambdaArn.split(':')[4]).toBe(connector.accountId);
      }
      const registeredBy = new Set(
        fixtures
          .filter((f) => f.fixture.expect.outcome === 'registered')
          .map((f) => `${f.fixture.account}/${REGION}/${f.fixture.expect.connectorLabel}`),
      );
      registeredBy.add(`${HUB}/${REGION}/after-corpus`);
      const unexpected = [...connectorCreations(stack).keys()].filter((key) => !registeredBy.has(key));
      expect(unexpected).toEqual([]);
    });

    it('announces every registration in the account whose signal started it', () => {
      const announced = new Map(
        registrarEvents(stack, 'ConnectorRegistered').map(({ detail }) => [detail.executionArn, detail]),
      );
      const foreign = fixtures.flatMap((f) =>
        (outcomes.get(f.name)?.executions ?? [])
          .map((e) => announced.get(e.executionArn))
          .filter((detail) => detail !== undefined)
          .filter(
            (detail) =>
              detail.accountId !== f.fixture.account ||
              !String(detail.connectorArn).includes(`:${f.fixture.account}:`),
          )
          .map(
            (detail) => `${f.name}: put by ${f.fixture.account}, registered ${String(detail.connectorArn)}`,
          ),
      );
      expect(foreign).toEqual([]);
    });

    it('never touches the victim account or the outsider', () => {
      expect(stack.appflow.connectors(VICTIM)).toEqual([]);
      expect(stack.appflow.connectors(OUTSIDER)).toEqual([]);
      const inputs = [...outcomes.values()].flatMap((o) => o.executions).map(inputOf);
      expect(inputs.filter((input) => input.accountId !== HUB && input.accountId !== SPOKE)).toEqual([]);
    });
  });

  describe('after the corpus', () => {
    it('still registers a healthy connector', () => {
      expect(afterCorpus?.outcome).toBe('registered');
      expect(stack.appflow.connectors(HUB, REGION).map((c) => c.label)).toContain('after-corpus');
    });
  });
});
