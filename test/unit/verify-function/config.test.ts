import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../functions/shared/errors.js';
import { loadVerifyConfig } from '../../../functions/verify-function/config.js';

describe('loadVerifyConfig', () => {
  describe('reads the environment', () => {
    it('defaults to a 10 s probe', () => {
      expect(loadVerifyConfig({})).toEqual({ probeTimeoutMs: 10_000 });
    });

    it('takes PROBE_TIMEOUT_MS when set', () => {
      expect(loadVerifyConfig({ PROBE_TIMEOUT_MS: '2500' })).toEqual({ probeTimeoutMs: 2500 });
    });

    it.each(['0', '-5', 'ten', '1.5'])('refuses PROBE_TIMEOUT_MS=%s, naming the variable', (value) => {
      expect(() => loadVerifyConfig({ PROBE_TIMEOUT_MS: value })).toThrow(ConfigurationError);
      expect(() => loadVerifyConfig({ PROBE_TIMEOUT_MS: value })).toThrow(/PROBE_TIMEOUT_MS is "/);
    });
  });
});
