import { afterEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../examples/connectors/untagged.js';
import { fixture, lambdaContext } from './support.js';

describe('untagged function', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('answer', () => {
    it('greets and echoes the event', async () => {
      vi.spyOn(console, 'log').mockImplementation(() => undefined);
      const event = fixture('not-a-connector-request');
      expect(await handler(event, lambdaContext('untagged-function'))).toEqual({
        message: 'Hello from an ordinary Lambda function',
        functionName: 'untagged-function',
        received: event,
      });
    });

    it('is not a DescribeConnectorConfigurationResponse', async () => {
      vi.spyOn(console, 'log').mockImplementation(() => undefined);
      const answer = await handler(
        fixture('describe-connector-configuration'),
        lambdaContext('untagged-function'),
      );
      expect(answer).not.toHaveProperty('isSuccess');
    });
  });
});
