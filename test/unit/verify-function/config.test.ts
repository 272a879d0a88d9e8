import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../functions/shared/errors.js';
import { loadVerifyConfig } from '../../../functions/verify-function/config.js';

describe('loadVerifyConfig', () => {
  describe('reads the environment', () => {
    it('defaults to a 10 s probe and hints that may only confirm the tags', () => {
      expect(loadVerifyConfig({})).toEqual({ probeTimeoutMs: 10_000, allowUntaggedPipelineHints: false });
    });

    it('takes PROBE_TIMEOUT_MS when set', () => {
      expect(loadVerifyConfig({ PROBE_TIMEOUT_MS: '2500' })).toMatchObject({ probeTimeoutMs: 2500 });
    });

    it.each(['0', '-5', 'ten', '1.5'])('refuses PROBE_TIMEOUT_MS=%s, naming the variable', (value) => {
      expect(() => loadVerifyConfig({ PROBE_TIMEOUT_MS: value })).toThrow(ConfigurationError);
      expect(() => loadVerifyConfig({ PROBE_TIMEOUT_MS: value })).toThrow(/PROBE_TIMEOUT_MS is "/);
    });

    it.each([
      ['true', true],
      ['false', false],
      ['', false],
    ])('reads ALLOW_UNTAGGED_PIPELINE_HINTS=%j as %s', (value, expected) => {
      expect(loadVerifyConfig({ ALLOW_UNTAGGED_PIPELINE_HINTS: value })).toMatchObject({
        allowUntaggedPipelineHints: expected,
      });
    });

    it.each(['yes', 'TRUE', '1'])(
      'refuses ALLOW_UNTAGGED_PIPELINE_HINTS=%s rather than guess whether the opt-in is open',
      (value) => {
        expect(() => loadVerifyConfig({ ALLOW_UNTAGGED_PIPELINE_HINTS: value })).toThrow(
          /ALLOW_UNTAGGED_PIPELINE_HINTS is ".*"; expected true or false/,
        );
      },
    );
  });
});
