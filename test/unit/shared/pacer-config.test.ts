import { describe, expect, it } from 'vitest';
import { loadPacerConfig } from '../../../functions/shared/pacer-config.js';

describe('loadPacerConfig', () => {
  describe('reads the pacing settings', () => {
    it('defaults to 5 AppFlow requests per second and a 20 s wait', () => {
      expect(loadPacerConfig({})).toEqual({ appflowRequestsPerSecond: 5, pacerMaxWaitMs: 20_000 });
    });

    it('takes 0 to turn pacing off', () => {
      expect(loadPacerConfig({ APPFLOW_REQUESTS_PER_SECOND: '0' }).appflowRequestsPerSecond).toBe(0);
    });

    it('names the variable when it is not a number', () => {
      expect(() => loadPacerConfig({ APPFLOW_REQUESTS_PER_SECOND: 'fast' })).toThrow(
        /APPFLOW_REQUESTS_PER_SECOND is "fast"/,
      );
    });
  });
});
