import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { MAX_REGISTRATIONS_PER_EXECUTION } from '../../functions/verify-removal/verify.js';
import {
  ASL_PATH,
  type AslDefinition,
  type AslState,
  FAKE_SUBSTITUTIONS,
  loadAsl,
  loadSweepAsl,
  loadUnregisterAsl,
  placeholdersInAsl,
  type Retrier,
  SWEEP_ASL_PATH,
  SWEEP_SUBSTITUTIONS,
  statesOf,
  UNREGISTER_ASL_PATH,
  UNREGISTER_SUBSTITUTIONS,
} from '../support/asl.js';

/** The three state machines, with what the deploy substitutes into each. */
const MACHINES = [
  {
    file: 'register-connector.asl.json',
    path: ASL_PATH,
    asl: loadAsl(),
    substitutions: FAKE_SUBSTITUTIONS,
    // States whose catchers replace the signal with the error (see the test below).
    replacing: ['VerifyFunction'],
  },
  {
    file: 'unregister-connector.asl.json',
    path: UNREGISTER_ASL_PATH,
    asl: loadUnregisterAsl(),
    substitutions: UNREGISTER_SUBSTITUTIONS,
    replacing: ['VerifyRemoval'],
  },
  {
    file: 'sweep-connectors.asl.json',
    path: SWEEP_ASL_PATH,
    asl: loadSweepAsl(),
    substitutions: SWEEP_SUBSTITUTIONS,
    replacing: ['ClassifyAccount'],
  },
];

/** Each retrier of a definition, with the times it can run in one execution (a Map's, once per item). */
function retriersOf(asl: AslDefinition): (readonly [string, Retrier, number])[] {
  const times = (name: string) =>
    Object.values(asl.States).some((state) => state.ItemProcessor?.States[name] !== undefined)
      ? MAX_REGISTRATIONS_PER_EXECUTION
      : 1;
  return statesOf(asl).flatMap(([state, definition]) =>
    (definition.Retry ?? []).map(
      (retrier, index) => [`${state}.Retry[${index}]`, retrier, times(state)] as const,
    ),
  );
}

/** Where a state may go next: Next, Default, each Choice, each Catch. */
function successorsOf(state: AslState): string[] {
  return [
    ...(state.Next ? [state.Next] : []),
    ...(state.Default ? [state.Default] : []),
    ...(state.Choices ?? []).map((choice) => choice.Next),
    ...(state.Catch ?? []).map((catcher) => catcher.Next),
  ];
}

/** The states reachable from StartAt, and from each reachable Map's own StartAt. */
function reachable(definition: Pick<AslDefinition, 'StartAt' | 'States'>): Set<string> {
  const seen = new Set<string>();
  const queue = [definition.StartAt];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const state = definition.States[name] as AslState;
    queue.push(...successorsOf(state));
    if (state.ItemProcessor) for (const inner of reachable(state.ItemProcessor)) seen.add(inner);
  }
  return seen;
}

/** The longest a retrier can pause in total: each interval at its cap, before any jitter. */
function longestPauseSeconds(retrier: Retrier): number {
  let total = 0;
  for (let attempt = 0; attempt < (retrier.MaxAttempts ?? 3); attempt += 1) {
    const interval = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempt;
    total += Math.min(interval, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
  }
  return total;
}

describe.each(MACHINES)('statemachine/$file', ({ path, asl, substitutions, replacing }) => {
  const retriers = retriersOf(asl);
  const tasks = statesOf(asl).filter(([, state]) => state.Type === 'Task');

  describe('validity', () => {
    it('passes asl-validator with path and ARN checks once its substitutions are filled', () => {
      // asl-validator writes QueryLanguage into the states it checks: hand it a copy.
      const { isValid, errorsText } = aslValidator(structuredClone(asl), {
        checkPaths: true,
        checkArn: true,
      });
      expect(errorsText('\n')).toBe('');
      expect(isValid).toBe(true);
    });

    it('uses exactly the substitutions the deploy fills in', () => {
      expect(placeholdersInAsl(path)).toEqual(Object.keys(substitutions).sort());
    });

    it('reaches every state from StartAt', () => {
      expect([...reachable(asl)].sort()).toEqual(
        statesOf(asl)
          .map(([name]) => name)
          .sort(),
      );
    });
  });

  describe.each(retriers)('%s', (_, retrier) => {
    it('pauses with FULL jitter, so throttled executions do not retry in lockstep', () => {
      expect(retrier.JitterStrategy).toBe('FULL');
    });

    it('caps its pause with MaxDelaySeconds, at or above its first interval', () => {
      expect(retrier.MaxDelaySeconds).toBeGreaterThanOrEqual(retrier.IntervalSeconds ?? 1);
    });

    it('backs off exponentially and names how many attempts it makes', () => {
      expect(retrier.BackoffRate).toBeGreaterThan(1);
      expect(retrier.IntervalSeconds).toBeGreaterThanOrEqual(1);
      expect(retrier.MaxAttempts).toBeGreaterThanOrEqual(1);
    });

    it('never retries States.ALL, which would retry fatal errors too', () => {
      expect(retrier.ErrorEquals).not.toContain('States.ALL');
    });
  });

  describe.each(tasks)('the %s task', (name, state) => {
    it('ends its Catch list with States.ALL, alone, so no task failure goes unhandled', () => {
      const catchers = state.Catch ?? [];
      expect(catchers.at(-1)?.ErrorEquals).toEqual(['States.ALL']);
      for (const catcher of catchers.slice(0, -1)) expect(catcher.ErrorEquals).not.toContain('States.ALL');
    });

    it('names no error twice within its Retry list or within its Catch list', () => {
      const retried = (state.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals);
      const caught = (state.Catch ?? []).flatMap((catcher) => catcher.ErrorEquals);
      expect(new Set(retried).size).toBe(retried.length);
      expect(new Set(caught).size).toBe(caught.length);
    });

    it('keeps what it holds when it catches, writing the error beside it, except the first task', () => {
      // VerifyFunction's and VerifyRemoval's catchers replace the signal with the error (no
      // ResultPath: $): the signal's fields may be as large as EventBridge allows, and a copy beside
      // the error could take a state over Step Functions' payload quota, failing the execution with
      // nothing published. Later states hold only what the first task validated, so they keep it.
      for (const catcher of state.Catch ?? []) {
        const where = `${name} → ${catcher.Next}`;
        if (replacing.includes(name)) expect(catcher.ResultPath, where).toBeUndefined();
        else expect(catcher.ResultPath, where).toMatch(/^\$\.\w+$/);
      }
    });
  });

  describe('Lambda tasks', () => {
    it.each(tasks.filter(([, state]) => state.Resource?.startsWith('arn:aws:lambda:')))(
      '%s has a TimeoutSeconds, so a hung function cannot hold the execution',
      (_, state) => {
        expect(state.TimeoutSeconds).toBeGreaterThan(0);
      },
    );
  });

  describe('the execution TimeoutSeconds', () => {
    it('outlasts every pause the retriers can add up to, so retries end in an alert, not a time-out', () => {
      const pauses = retriers.reduce(
        (sum, [, retrier, times]) => sum + times * longestPauseSeconds(retrier),
        0,
      );
      expect(asl.TimeoutSeconds).toBeGreaterThan(pauses);
    });
  });

  describe('the Fail states', () => {
    it.each(statesOf(asl).filter(([, state]) => state.Type === 'Fail'))(
      '%s ends with the Error and Cause of a caught error',
      (_, state) => {
        expect(state.ErrorPath).toMatch(/^\$\.\w+\.Error$/);
        expect(state.CausePath).toMatch(/^\$\.\w+\.Cause$/);
      },
    );
  });
});
