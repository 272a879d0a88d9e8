import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allStates } from '../../../local/services/states/definition.js';
import { RetryTiming } from '../../../local/services/states/retry-timing.js';

const asl = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../../statemachine/register-connector.asl.json', import.meta.url)),
    'utf8',
  ),
);
const states = allStates(asl);

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  BackoffRate: number;
  MaxDelaySeconds: number;
  MaxAttempts: number;
}

/** The ASL's retrier for an error of a state, and its index: the tests follow the ASL as it changes. */
function retrierFor(state: string, error: string): { index: number; retrier: Retrier } {
  const retriers = (asl.States[state].Retry ?? []) as Retrier[];
  const index = retriers.findIndex((retrier) => retrier.ErrorEquals.includes(error));
  return { index, retrier: retriers[index] as Retrier };
}

/** Simulates the interpreter: the handler fails with `error`, then the interpreter reads the override. */
function failOnce(
  timing: RetryTiming,
  overrides: Record<string, number[]>,
  state: string,
  error: string | 'timeout',
) {
  timing.attemptStarted(state);
  if (error !== 'timeout') timing.attemptEnded(state, error);
  // The interpreter reads the state's entry once per retrier it looks at: the value must not change.
  const first = overrides[state];
  const second = overrides[state];
  expect(second).toEqual(first);
  return first;
}

describe('RetryTiming', () => {
  describe('at scale 1', () => {
    it('installs no override, leaving AWS timing to the interpreter', () => {
      expect(new RetryTiming(states, 1, Math.random).overrides()).toBeUndefined();
    });
  });

  describe('at a smaller scale', () => {
    it('backs off exponentially from IntervalSeconds and caps at MaxDelaySeconds, scaled', () => {
      // random 1: the FULL jitter draw at its top, so each wait is the backoff itself.
      const { index, retrier } = retrierFor('RegisterConnector', 'ThrottlingException');
      const timing = new RetryTiming(states, 0.01, () => 1);
      const overrides = timing.overrides() as Record<string, number[]>;
      timing.stateEntered('RegisterConnector');
      const waits = Array.from(
        { length: retrier.MaxAttempts },
        () => failOnce(timing, overrides, 'RegisterConnector', 'ThrottlingException')?.[index],
      );
      const seconds = waits.map((wait) => (wait ?? 0) / 10);
      expect(seconds[0]).toBeCloseTo(retrier.IntervalSeconds);
      expect(seconds[1]).toBeCloseTo(retrier.IntervalSeconds * retrier.BackoffRate);
      expect(Math.max(...seconds)).toBeCloseTo(retrier.MaxDelaySeconds);
      // Past MaxAttempts the interpreter does not retry: nothing to wait for.
      expect(failOnce(timing, overrides, 'RegisterConnector', 'ThrottlingException')?.[index]).toBe(0);
    });

    it('keeps FULL jitter: a uniform draw below the backoff', () => {
      const { index, retrier } = retrierFor('RegisterConnector', 'ThrottlingException');
      const draws = [0.25, 0.5];
      const timing = new RetryTiming(states, 0.01, () => draws.shift() ?? 0);
      const overrides = timing.overrides() as Record<string, number[]>;
      timing.stateEntered('RegisterConnector');
      const first = failOnce(timing, overrides, 'RegisterConnector', 'ThrottlingException')?.[index];
      const second = failOnce(timing, overrides, 'RegisterConnector', 'ThrottlingException')?.[index];
      expect(first).toBeCloseTo(0.25 * retrier.IntervalSeconds * 10);
      expect(second).toBeCloseTo(0.5 * retrier.IntervalSeconds * retrier.BackoffRate * 10);
    });

    it('uses the retrier the error matches, with its own attempt count', () => {
      const throttling = retrierFor('RegisterConnector', 'ThrottlingException');
      const server = retrierFor('RegisterConnector', 'ConnectorServerException');
      expect(server.index).not.toBe(throttling.index);
      const timing = new RetryTiming(states, 0.01, () => 1);
      const overrides = timing.overrides() as Record<string, number[]>;
      timing.stateEntered('RegisterConnector');
      failOnce(timing, overrides, 'RegisterConnector', 'ThrottlingException');
      const waits = failOnce(timing, overrides, 'RegisterConnector', 'ConnectorServerException') ?? [];
      expect(waits[server.index]).toBeCloseTo(server.retrier.IntervalSeconds * 10);
      expect(waits.filter((wait) => wait > 0)).toHaveLength(1);
    });

    it('treats an unfinished handler as States.Timeout, which States.TaskFailed does not match', () => {
      const timing = new RetryTiming(states, 0.01, () => 1);
      const overrides = timing.overrides() as Record<string, number[]>;
      timing.stateEntered('PublishConnectorRegistered');
      const { retrier } = retrierFor('PublishConnectorRegistered', 'States.TaskFailed');
      expect(failOnce(timing, overrides, 'PublishConnectorRegistered', 'timeout')).toEqual([0]);
      expect(
        failOnce(timing, overrides, 'PublishConnectorRegistered', 'EventBridge.FailedEntry')?.[0],
      ).toBeCloseTo(retrier.IntervalSeconds * 10);
    });

    it('starts the attempts again when the state is entered again', () => {
      const { index, retrier } = retrierFor('VerifyFunction', 'FunctionNotReadyError');
      const timing = new RetryTiming(states, 0.01, () => 1);
      const overrides = timing.overrides() as Record<string, number[]>;
      timing.stateEntered('VerifyFunction');
      failOnce(timing, overrides, 'VerifyFunction', 'FunctionNotReadyError');
      const second = failOnce(timing, overrides, 'VerifyFunction', 'FunctionNotReadyError')?.[index];
      expect(second).toBeCloseTo(retrier.IntervalSeconds * retrier.BackoffRate * 10);
      timing.stateEntered('VerifyFunction');
      expect(failOnce(timing, overrides, 'VerifyFunction', 'FunctionNotReadyError')?.[index]).toBeCloseTo(
        retrier.IntervalSeconds * 10,
      );
    });
  });
});
