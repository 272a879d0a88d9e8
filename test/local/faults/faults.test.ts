import { describe, expect, it } from 'vitest';
import { createFaults, type FaultConfig } from '../../../local/faults.js';
import { AwsServiceError } from '../../../local/http/errors.js';
import { createRandom, deriveRandom } from '../../../local/random.js';

const CALL = { accountId: '111111111111', region: 'eu-west-1', operation: 'RegisterConnector' };

/** The outcome of each of `count` calls: 'ok' or the exception code. */
async function outcomes(
  config: FaultConfig,
  count: number,
  call = CALL,
  clock = { now: 0 },
): Promise<string[]> {
  const faults = createFaults(config, { now: () => clock.now, sleep: async () => undefined });
  const result: string[] = [];
  for (let i = 0; i < count; i++) {
    result.push(
      await faults.beforeAppFlowCall(call).then(
        () => 'ok',
        (error: AwsServiceError) => error.code,
      ),
    );
  }
  return result;
}

describe('random', () => {
  describe('createRandom', () => {
    it('gives the same stream for the same seed and another for another seed', () => {
      const draws = (seed: number) => Array.from({ length: 5 }, createRandom(seed).next);

      expect(draws(42)).toEqual(draws(42));
      expect(draws(42)).not.toEqual(draws(43));
      expect(draws(42).every((x) => x >= 0 && x < 1)).toBe(true);
    });

    it('spreads draws evenly over [0, 1)', () => {
      const random = createRandom('uniform');
      const buckets = [0, 0, 0, 0];
      for (let i = 0; i < 20_000; i++) {
        const bucket = Math.floor(random.next() * 4);
        buckets[bucket] = (buckets[bucket] ?? 0) + 1;
      }

      for (const bucket of buckets) expect(bucket).toBeGreaterThan(4_700);
    });
  });

  describe('deriveRandom', () => {
    it('gives independent streams per label under one seed', () => {
      expect(deriveRandom(1, 'a').next()).toBe(deriveRandom(1, 'a').next());
      expect(deriveRandom(1, 'a').next()).not.toBe(deriveRandom(1, 'b').next());
    });
  });
});

describe('createFaults', () => {
  describe('determinism', () => {
    it('draws the same faults under the same seed', async () => {
      const config: FaultConfig = {
        seed: 7,
        appflowErrors: { ThrottlingException: 0.2, InternalServerException: 0.1 },
      };

      const first = await outcomes(config, 200);

      expect(await outcomes(config, 200)).toEqual(first);
      expect(await outcomes({ ...config, seed: 8 }, 200)).not.toEqual(first);
    });

    it('keeps the draws of one account whatever happens in another', async () => {
      const config: FaultConfig = { seed: 7, appflowErrors: { InternalServerException: 0.3 } };
      const alone = await outcomes(config, 50);

      const faults = createFaults(config, { sleep: async () => undefined });
      const interleaved: string[] = [];
      for (let i = 0; i < 50; i++) {
        await faults.beforeAppFlowCall({ ...CALL, accountId: '222222222222' }).catch(() => undefined);
        interleaved.push(
          await faults.beforeAppFlowCall(CALL).then(
            () => 'ok',
            (error: AwsServiceError) => error.code,
          ),
        );
      }

      expect(interleaved).toEqual(alone);
    });
  });

  describe('probabilities', () => {
    it('honours each exception probability over many draws', async () => {
      const result = await outcomes(
        { seed: 3, appflowErrors: { ThrottlingException: 0.1, ConnectorServerException: 0.3 } },
        10_000,
      );
      const share = (code: string) => result.filter((outcome) => outcome === code).length / result.length;

      expect(share('ThrottlingException')).toBeCloseTo(0.1, 1);
      expect(share('ConnectorServerException')).toBeCloseTo(0.3, 1);
      expect(share('ok')).toBeCloseTo(0.6, 1);
    });

    it('throws AwsServiceError with AWS status and a message saying it was injected', async () => {
      const faults = createFaults({ seed: 1, appflowErrors: { ServiceQuotaExceededException: 1 } });

      const error = await faults.beforeAppFlowCall(CALL).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AwsServiceError);
      expect(error).toMatchObject({ status: 402, code: 'ServiceQuotaExceededException' });
      expect((error as Error).message).toContain('injected by the local stack');
    });

    it('crashes after RegisterConnector with its probability, and never after other operations', () => {
      const faults = createFaults({ seed: 5, crashAfterRegister: 0.25 });
      let crashes = 0;
      for (let i = 0; i < 4_000; i++) if (faults.shouldCrashAfter('RegisterConnector')) crashes += 1;

      expect(crashes / 4_000).toBeCloseTo(0.25, 1);
      expect(faults.counters.crashes).toBe(crashes);
      expect(faults.shouldCrashAfter('UpdateConnectorRegistration')).toBe(false);
    });
  });

  describe('the token bucket', () => {
    it('allows the burst at once, then the rate per second of simulated time', async () => {
      const clock = { now: 0 };
      const faults = createFaults(
        { seed: 1, appflowRate: { perSecond: 5, burst: 10 } },
        { now: () => clock.now },
      );
      let allowed = 0;
      // 10 simulated seconds, one call every 10 ms, the last at 10.000 s.
      for (; clock.now <= 10_000; clock.now += 10) {
        await faults.beforeAppFlowCall(CALL).then(
          () => {
            allowed += 1;
          },
          () => undefined,
        );
      }

      expect(allowed).toBe(10 + 50);
      expect(faults.counters).toMatchObject({ calls: 1001, throttled: 1001 - allowed });
    });

    it('keeps one bucket per account and Region', async () => {
      const config: FaultConfig = { seed: 1, appflowRate: { perSecond: 1, burst: 1 } };
      const faults = createFaults(config, { now: () => 0 });
      const codeOf = (call: typeof CALL) =>
        faults.beforeAppFlowCall(call).then(
          () => 'ok',
          (error: AwsServiceError) => error.code,
        );

      expect(await codeOf(CALL)).toBe('ok');
      expect(await codeOf(CALL)).toBe('ThrottlingException');
      expect(await codeOf({ ...CALL, region: 'us-east-1' })).toBe('ok');
      expect(await codeOf({ ...CALL, accountId: '222222222222' })).toBe('ok');
    });
  });

  describe('latency', () => {
    it('waits a fixed latency, or one drawn between min and max', async () => {
      const waits: number[] = [];
      const sleep = async (ms: number) => {
        waits.push(ms);
      };
      const fixed = createFaults({ seed: 1, appflowLatencyMs: 25 }, { sleep });
      await fixed.beforeAppFlowCall(CALL);
      const ranged = createFaults({ seed: 1, appflowLatencyMs: { min: 10, max: 20 } }, { sleep });
      for (let i = 0; i < 50; i++) await ranged.beforeAppFlowCall(CALL);

      expect(waits[0]).toBe(25);
      expect(waits.slice(1).every((ms) => ms >= 10 && ms <= 20)).toBe(true);
      expect(new Set(waits.slice(1)).size).toBeGreaterThan(3);
      expect(ranged.counters.latencyMs).toBe(waits.slice(1).reduce((a, b) => a + b, 0));
    });
  });

  describe('settings', () => {
    it('refuses settings it cannot honour, saying what is allowed', () => {
      expect(() => createFaults({ seed: 1, appflowErrors: { NoSuchException: 0.1 } as never })).toThrow(
        /appflowErrors\.NoSuchException is not an AppFlow exception; use one of ThrottlingException/,
      );
      expect(() =>
        createFaults({ seed: 1, appflowErrors: { ThrottlingException: 0.7, ValidationException: 0.7 } }),
      ).toThrow(/sum to 1.4; they may sum to 1 at most/);
      expect(() => createFaults({ seed: 1, appflowRate: { perSecond: 0, burst: 1 } })).toThrow(
        /perSecond > 0/,
      );
      expect(() => createFaults({ seed: 1, crashAfterRegister: 2 })).toThrow(
        /crashAfterRegister must be a probability/,
      );
    });

    it('applies updates at run time, and a new rate restarts the buckets', async () => {
      const faults = createFaults({ seed: 1, appflowRate: { perSecond: 1, burst: 1 } }, { now: () => 0 });
      await faults.beforeAppFlowCall(CALL);
      await expect(faults.beforeAppFlowCall(CALL)).rejects.toMatchObject({ code: 'ThrottlingException' });

      faults.update({ appflowRate: undefined });

      await expect(faults.beforeAppFlowCall(CALL)).resolves.toBeUndefined();
      expect(faults.config.appflowRate).toBeUndefined();
      expect(() => faults.update({ crashAfterRegister: -1 })).toThrow(/crashAfterRegister/);
    });
  });
});
