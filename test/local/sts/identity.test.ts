import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../../local/http/errors.js';
import { LocalIdentityRegistry } from '../../../local/identity.js';

const HUB = '111111111111';

describe('LocalIdentityRegistry', () => {
  describe('keys it did not issue', () => {
    const identity = new LocalIdentityRegistry(HUB);

    it('makes a 12-digit key the administrator of that account', () => {
      expect(identity.resolve('222222222222')).toEqual({
        accountId: '222222222222',
        principalArn: 'arn:aws:iam::222222222222:root',
      });
    });

    it('makes LOCALAWSSERVICE<account> the AWS-service stand-in of that account', () => {
      expect(identity.resolve('LOCALAWSSERVICE333333333333')).toEqual({
        accountId: '333333333333',
        principalArn: 'arn:aws:iam::333333333333:root',
        awsService: true,
      });
    });

    it("makes any other key the hub's administrator, so a user's own CLI credentials work", () => {
      expect(identity.resolve('AKIAIOSFODNN7EXAMPLE')).toEqual({
        accountId: HUB,
        principalArn: `arn:aws:iam::${HUB}:root`,
      });
      expect(identity.resolve('ASIANEVERISSUEDHERE0')).toEqual({
        accountId: HUB,
        principalArn: `arn:aws:iam::${HUB}:root`,
      });
    });

    it('refuses a hub account id that is not 12 digits', () => {
      expect(() => new LocalIdentityRegistry('123')).toThrow(
        'The hub account id must be 12 digits; got "123"',
      );
    });
  });

  describe('keys it issued', () => {
    it('resolves them to the caller they were issued for, with a random secret and token', () => {
      const clock = { now: Date.parse('2026-11-27T08:00:00Z') };
      const identity = new LocalIdentityRegistry(HUB, { now: () => clock.now });
      const caller = {
        accountId: '222222222222',
        principalArn: 'arn:aws:sts::222222222222:assumed-role/R/s',
        roleArn: 'arn:aws:iam::222222222222:role/R',
        environmentId: 'env-1',
      };

      const first = identity.issue(caller, 900);
      const second = identity.issue(caller);

      expect(first.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
      expect(first.accessKeyId).not.toBe(second.accessKeyId);
      expect(first.secretAccessKey).not.toBe(second.secretAccessKey);
      expect(first.sessionToken.length).toBeGreaterThan(100);
      expect(first.expiration).toBe('2026-11-27T08:15:00.000Z');
      expect(second.expiration).toBe('2026-11-27T09:00:00.000Z');
      expect(identity.resolve(first.accessKeyId)).toEqual(caller);
    });

    it('answers ExpiredTokenException once they expire', () => {
      const clock = { now: 0 };
      const identity = new LocalIdentityRegistry(HUB, { now: () => clock.now });
      const { accessKeyId } = identity.issue(
        { accountId: HUB, principalArn: `arn:aws:iam::${HUB}:root` },
        60,
      );
      clock.now = 60_000;

      expect(() => identity.resolve(accessKeyId)).toThrow(AwsServiceError);
      expect(() => identity.resolve(accessKeyId)).toThrow(
        'The security token included in the request is expired',
      );
    });
  });
});
