import { describe, expect, it, vi } from 'vitest';
import type { IdempotentRegistration } from '../../../functions/register-connector/idempotent-registration.js';
import {
  registrationOutcome,
  watchReplay,
} from '../../../functions/register-connector/registration-metrics.js';
import type { RegisterOutput } from '../../../functions/shared/types.js';
import { registerInput } from './helpers.js';

const output: RegisterOutput = {
  connectorArn: 'arn:aws:appflow:eu-west-1:111111111111:connector/healthy-connector',
  connectorLabel: 'healthy-connector',
  lambdaArn: 'arn:aws:lambda:eu-west-1:111111111111:function:healthy-connector',
  accountId: '111111111111',
  region: 'eu-west-1',
  action: 'updated',
  codeSha256: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
};

/** An idempotency store that replays `stored` when given, and otherwise runs the registration. */
function store(stored?: RegisterOutput): IdempotentRegistration {
  return {
    registerOnce: async (_input, registerNow) => stored ?? registerNow(),
    storeOutput: vi.fn(async () => undefined),
  };
}

describe('registrationOutcome', () => {
  describe('dimensions', () => {
    it('is succeeded with the action when this invocation called AppFlow', () => {
      expect(registrationOutcome({ output, replayed: false })).toEqual({
        dimensions: { Outcome: 'succeeded', Action: 'updated' },
        metadata: { connectorArn: output.connectorArn },
      });
    });

    it('is replayed with the stored action when it returned an earlier result', () => {
      expect(registrationOutcome({ output, replayed: true }).dimensions).toEqual({
        Outcome: 'replayed',
        Action: 'updated',
      });
    });
  });
});

describe('watchReplay', () => {
  describe('replayed()', () => {
    it('is false when Powertools ran the registration', async () => {
      const watched = watchReplay(store());

      await watched.store.registerOnce(registerInput(), async () => output);

      expect(watched.replayed()).toBe(false);
    });

    it('is true when Powertools returned the stored output without running it', async () => {
      const registerNow = vi.fn(async () => output);
      const watched = watchReplay(store(output));

      const answer = await watched.store.registerOnce(registerInput(), registerNow);

      expect(answer).toBe(output);
      expect(registerNow).not.toHaveBeenCalled();
      expect(watched.replayed()).toBe(true);
    });

    it('is false when a stale replay was registered again and stored', async () => {
      const inner = store(output);
      const watched = watchReplay(inner);

      await watched.store.registerOnce(registerInput(), async () => output);
      await watched.store.storeOutput(registerInput(), output);

      expect(inner.storeOutput).toHaveBeenCalledWith(registerInput(), output);
      expect(watched.replayed()).toBe(false);
    });
  });
});
