import { randomBytes } from 'node:crypto';
import { AwsServiceError } from './http/errors.js';
import type { Caller, IdentityRegistry, IssuedCredentials } from './types.js';

const ACCOUNT_KEY = /^\d{12}$/;
const SERVICE_KEY = /^LOCALAWSSERVICE(\d{12})$/;
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export interface IdentityOptions {
  /** Milliseconds; decides when issued credentials expire. */
  now?: () => number;
}

/**
 * Who holds which access key (see IdentityRegistry in types.ts for the conventions). Keys it issued
 * (ASIA…, like STS) belong to the caller they were issued for until they expire; AWS then answers
 * ExpiredTokenException, and so does this registry.
 *
 * @example
 * const identity = new LocalIdentityRegistry('111111111111');
 * identity.resolve('222222222222'); // { accountId: '222222222222', principalArn: 'arn:aws:iam::222222222222:root' }
 */
export class LocalIdentityRegistry implements IdentityRegistry {
  private readonly issued = new Map<string, { caller: Caller; expiresAt: number }>();
  private readonly now: () => number;

  constructor(
    readonly hubAccountId: string,
    options: IdentityOptions = {},
  ) {
    if (!ACCOUNT_KEY.test(hubAccountId)) {
      throw new Error(`The hub account id must be 12 digits; got "${hubAccountId}"`);
    }
    this.now = options.now ?? Date.now;
  }

  resolve(accessKeyId: string): Caller {
    const issued = this.issued.get(accessKeyId);
    if (issued) {
      // Kept after expiry: forgetting it would turn the key into the hub administrator's.
      if (issued.expiresAt <= this.now()) {
        throw new AwsServiceError(
          403,
          'ExpiredTokenException',
          'The security token included in the request is expired',
        );
      }
      return { ...issued.caller };
    }
    if (ACCOUNT_KEY.test(accessKeyId)) return rootOf(accessKeyId);
    const service = SERVICE_KEY.exec(accessKeyId);
    if (service?.[1]) return { ...rootOf(service[1]), awsService: true };
    // Whatever credentials a user has configured (the AWS CLI's), they act as the hub's administrator.
    return rootOf(this.hubAccountId);
  }

  issue(caller: Caller, ttlSeconds = 3600): IssuedCredentials {
    let accessKeyId: string;
    do {
      accessKeyId = `ASIA${randomKey(16)}`;
    } while (this.issued.has(accessKeyId));
    const expiresAt = this.now() + ttlSeconds * 1000;
    this.issued.set(accessKeyId, { caller: { ...caller }, expiresAt });
    return {
      accessKeyId,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      expiration: new Date(expiresAt).toISOString(),
    };
  }
}

function rootOf(accountId: string): Caller {
  return { accountId, principalArn: `arn:aws:iam::${accountId}:root` };
}

// Base32 upper case and digits 2–7, the alphabet of AWS access key ids.
function randomKey(length: number): string {
  const bytes = randomBytes(length);
  let key = '';
  for (const byte of bytes) key += KEY_ALPHABET[byte % KEY_ALPHABET.length];
  return key;
}
