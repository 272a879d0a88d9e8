import { describe, expect, it } from 'vitest';
import { readCredentialScope } from '../../../local/http/scope.js';

const none = new URLSearchParams();

describe('readCredentialScope', () => {
  describe('SigV4', () => {
    it('reads access key, date, Region and service from the Authorization header', () => {
      const result = readCredentialScope(
        {
          authorization:
            'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261127/us-east-1/states/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
        },
        none,
      );

      expect(result).toEqual({
        kind: 'signed',
        scope: { accessKeyId: 'ASIAEXAMPLE', date: '20261127', region: 'us-east-1', service: 'states' },
      });
    });

    it('reads a presigned X-Amz-Credential when there is no Authorization header', () => {
      const query = new URLSearchParams({
        'X-Amz-Credential': 'AKID/20261127/eu-west-1/lambda/aws4_request',
      });

      expect(readCredentialScope({}, query)).toMatchObject({
        kind: 'signed',
        scope: { service: 'lambda', region: 'eu-west-1' },
      });
    });
  });

  describe('SigV4a', () => {
    it('takes the Region from X-Amz-Region-Set', () => {
      const result = readCredentialScope(
        {
          authorization:
            'AWS4-ECDSA-P256-SHA256 Credential=AKID/20261127/events/aws4_request, SignedHeaders=host, Signature=abc',
          'x-amz-region-set': 'eu-west-1,us-east-1',
        },
        none,
      );

      expect(result).toMatchObject({ kind: 'signed', scope: { service: 'events', region: 'eu-west-1' } });
    });
  });

  describe('what is not a signature', () => {
    it('is missing without Authorization nor X-Amz-Credential', () => {
      expect(readCredentialScope({}, none)).toEqual({ kind: 'missing' });
    });

    it('is malformed for another scheme, a missing parameter or a bad scope', () => {
      expect(readCredentialScope({ authorization: 'Basic dXNlcjpwYXNz' }, none)).toMatchObject({
        kind: 'malformed',
        reason: 'Unsupported signing algorithm "Basic"; expected AWS4-HMAC-SHA256',
      });
      expect(
        readCredentialScope({ authorization: 'AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request' }, none),
      ).toMatchObject({
        kind: 'malformed',
        reason: expect.stringContaining(
          "Authorization header requires 'SignedHeaders' parameter. Authorization header requires 'Signature' parameter.",
        ),
      });
      expect(
        readCredentialScope(
          {
            authorization:
              'AWS4-HMAC-SHA256 Credential=AKID/2026/eu-west-1/sts/aws4_request, SignedHeaders=host, Signature=a',
          },
          none,
        ),
      ).toMatchObject({
        kind: 'malformed',
        reason: expect.stringContaining('expected <access key>/<yyyymmdd>/<region>/<service>/aws4_request'),
      });
    });
  });
});
