import { afterEach, describe, expect, it, vi } from 'vitest';
import { FAILURE_MESSAGE, handler } from '../../../examples/connectors/failing.js';
import { fixture, lambdaContext } from './support.js';

describe('failing connector', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('DescribeConnectorConfiguration', () => {
    it('answers isSuccess false with errorDetails and the fields the SDK models require', async () => {
      vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const answer = await handler(
        fixture('describe-connector-configuration'),
        lambdaContext('failing-connector'),
      );
      expect(answer).toMatchObject({
        isSuccess: false,
        errorDetails: { errorCode: 'ServiceUnavailable', errorMessage: FAILURE_MESSAGE },
        connectorName: 'SampleContacts',
        connectorModes: ['SOURCE', 'DESTINATION'],
      });
    });

    it('logs why it fails to stderr', async () => {
      const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      await handler(fixture('describe-connector-configuration'), lambdaContext('failing-connector'));
      expect(error).toHaveBeenCalledWith(expect.stringContaining(FAILURE_MESSAGE));
    });
  });

  describe('other requests', () => {
    it('answers them unsuccessfully too', async () => {
      vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const answer = await handler(fixture('list-entities'), lambdaContext('failing-connector'));
      expect(answer).toEqual({
        isSuccess: false,
        errorDetails: {
          errorCode: 'ServiceUnavailable',
          errorMessage: FAILURE_MESSAGE,
          retryAfterSeconds: null,
        },
      });
    });

    it('fails the invocation for an event that is not a connector request', async () => {
      await expect(
        handler(fixture('not-a-connector-request'), lambdaContext('failing-connector')),
      ).rejects.toThrow(/No operation is defined/);
    });
  });
});
