import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../functions/shared/errors.js';
import { loadVerifyConfig } from '../../../functions/verify-function/config.js';
import { printable } from '../../../functions/verify-function/text.js';

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

describe('printable', () => {
  describe('keeps untrusted text printable and short', () => {
    it('leaves printable ASCII alone', () => {
      expect(printable('acme-orders #1')).toBe('acme-orders #1');
    });

    it('cuts long text and says how long it was', () => {
      expect(printable('abcdef', 3)).toBe('abc...(6 chars)');
    });

    it('escapes what a terminal or log viewer would interpret', () => {
      expect(printable('a\r\n\t\u001b[31m\u2028\\')).toBe('a\\u000d\\u000a\\u0009\\u001b[31m\\u2028\\\\');
    });
  });
});
