import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DescribeConnectorConfigurationResponse } from '../../../examples/connectors/protocol.js';
import { DEFAULT_DELAY_MS, handler } from '../../../examples/connectors/slow.js';
import { fixture, lambdaContext } from './support.js';

describe('slow connector', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  describe('delay', () => {
    it('does not answer before 5 s, far beyond the 1 s timeout the world gives it', async () => {
      let settled = false;
      const answer = handler(
        fixture('describe-connector-configuration'),
        lambdaContext('slow-connector'),
      ).then((a) => {
        settled = true;
        return a;
      });
      await vi.advanceTimersByTimeAsync(DEFAULT_DELAY_MS - 1);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(((await answer) as DescribeConnectorConfigurationResponse).isSuccess).toBe(true);
    });

    it('waits SLOW_CONNECTOR_DELAY_MS when it is set', async () => {
      vi.stubEnv('SLOW_CONNECTOR_DELAY_MS', '20');
      let settled = false;
      const answer = handler(fixture('list-entities'), lambdaContext('slow-connector')).then((a) => {
        settled = true;
        return a;
      });
      await vi.advanceTimersByTimeAsync(19);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await answer).toMatchObject({ isSuccess: true });
    });
  });
});
