import {
  GetFunctionCommand,
  LambdaClient,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { readPresence } from '../../../functions/verify-removal/presence.js';
import { FUNCTION_ARN, getFunctionOutput, rejection } from './helpers.js';

const lambdaMock = mockClient(LambdaClient);
const lambda = new LambdaClient({ region: 'eu-west-1' });

afterEach(() => lambdaMock.reset());

describe('readPresence', () => {
  describe('a function that is gone', () => {
    it('answers present false for ResourceNotFoundException', async () => {
      lambdaMock
        .on(GetFunctionCommand)
        .rejects(new ResourceNotFoundException({ message: 'Function not found', $metadata: {} }));

      await expect(readPresence(lambda, FUNCTION_ARN)).resolves.toEqual({ present: false });
      expect(lambdaMock).toHaveReceivedCommandWith(GetFunctionCommand, { FunctionName: FUNCTION_ARN });
    });
  });

  describe('a function that still exists', () => {
    it('answers the label it carries', async () => {
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput('get-function-tagged.json'));

      await expect(readPresence(lambda, FUNCTION_ARN)).resolves.toEqual({
        present: true,
        connectorLabel: 'acme-orders',
      });
    });

    it('answers no label for a function without the tag', async () => {
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput('get-function-untagged.json'));

      await expect(readPresence(lambda, FUNCTION_ARN)).resolves.toEqual({
        present: true,
        connectorLabel: undefined,
      });
    });
  });

  describe('what must not pass for "gone" or "untagged"', () => {
    it('waits for a function Lambda is still deleting (FunctionNotReadyError)', async () => {
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput('get-function-deleting.json'));

      expect((await rejection(readPresence(lambda, FUNCTION_ARN))).name).toBe('FunctionNotReadyError');
    });

    it('refuses tags it could not read (ConfigurationError naming lambda:ListTags)', async () => {
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput('get-function-tags-error.json'));

      const error = await rejection(readPresence(lambda, FUNCTION_ARN));
      expect(error.name).toBe('ConfigurationError');
      expect(error.message).toContain('lambda:ListTags');
    });

    it('rethrows throttling unchanged for the state machine to retry', async () => {
      lambdaMock
        .on(GetFunctionCommand)
        .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));

      expect((await rejection(readPresence(lambda, FUNCTION_ARN))).name).toBe('TooManyRequestsException');
    });
  });
});
