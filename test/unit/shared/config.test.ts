import { describe, expect, it } from 'vitest';
import { loadHubConfig } from '../../../functions/shared/config.js';
import { ConfigurationError } from '../../../functions/shared/errors.js';

const required = { HUB_ACCOUNT_ID: '111111111111', SPOKE_ROLE_NAME: 'AppFlowConnectorRegistrar' };

describe('loadHubConfig', () => {
  describe('reads the environment serverless.yml sets', () => {
    it('applies the open defaults: any account of the organization, any Region, partition aws', () => {
      expect(loadHubConfig(required)).toEqual({
        hubAccountId: '111111111111',
        spokeRoleName: 'AppFlowConnectorRegistrar',
        spokeExternalId: undefined,
        allowedAccountIds: [],
        servedRegions: [],
        partition: 'aws',
      });
    });

    it('splits the allow-lists and keeps the ExternalId and partition', () => {
      const config = loadHubConfig({
        ...required,
        ALLOWED_ACCOUNT_IDS: '222222222222, 333333333333,',
        SERVED_REGIONS: 'eu-west-1',
        SPOKE_EXTERNAL_ID: ' secret ',
        PARTITION: 'aws-cn',
      });
      expect(config.allowedAccountIds).toEqual(['222222222222', '333333333333']);
      expect(config.servedRegions).toEqual(['eu-west-1']);
      expect(config.spokeExternalId).toBe('secret');
      expect(config.partition).toBe('aws-cn');
    });
  });

  describe('refuses a broken deployment', () => {
    it('names the missing variable', () => {
      expect(() => loadHubConfig({ SPOKE_ROLE_NAME: 'x' })).toThrow(/HUB_ACCOUNT_ID is not set/);
    });

    it('refuses a PARTITION that is not one', () => {
      expect(() => loadHubConfig({ ...required, PARTITION: 'azure' })).toThrow(ConfigurationError);
      expect(() => loadHubConfig({ ...required, PARTITION: 'azure' })).toThrow(/PARTITION is "azure"/);
    });
  });
});
