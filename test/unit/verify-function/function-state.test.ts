import {
  GetFunctionCommand,
  LambdaClient,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  FunctionInFailedStateError,
  FunctionNotFoundError,
  FunctionNotReadyError,
} from '../../../functions/shared/errors.js';
import { readFunction, toIsoTimestamp } from '../../../functions/verify-function/function-state.js';
import { CONNECTOR_ARN, getFunctionOutput, rejection } from './helpers.js';

const lambdaMock = mockClient(LambdaClient);
const lambda = new LambdaClient({ region: 'eu-west-1' });

afterEach(() => {
  lambdaMock.reset();
});

describe('readFunction', () => {
  describe('reads a function that can be verified', () => {
    it('returns the code hash, the ISO modification time, the tags and the state', async () => {
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput('get-function-tagged.json'));
      await expect(readFunction(lambda, CONNECTOR_ARN)).resolves.toEqual({
        codeSha256: 'n7GJ8PZ5Xb3R0S4cV2uW9yQ1kT6mL8dF0hA3jE5iC7o=',
        lastModified: '2026-11-27T08:00:00.000Z',
        tags: {
          'appflow:connector-label': 'acme-orders',
          'appflow:connector-description': 'Orders from the Acme ERP',
          team: 'integrations',
        },
        state: 'Active',
      });
      expect(lambdaMock).toHaveReceivedCommandWith(GetFunctionCommand, { FunctionName: CONNECTOR_ARN });
    });

    it('lets an Inactive function through: the probe wakes it', async () => {
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput('get-function-inactive.json'));
      await expect(readFunction(lambda, CONNECTOR_ARN)).resolves.toMatchObject({ state: 'Inactive' });
    });

    it('reads a function without tags as having none', async () => {
      const output = getFunctionOutput('get-function-untagged.json');
      delete output.Tags;
      lambdaMock.on(GetFunctionCommand).resolves(output);
      await expect(readFunction(lambda, CONNECTOR_ARN)).resolves.toMatchObject({ tags: {} });
    });
  });

  describe('says when the function cannot be verified now', () => {
    it('throws FunctionNotFoundError for a function that is gone', async () => {
      lambdaMock
        .on(GetFunctionCommand)
        .rejects(new ResourceNotFoundException({ message: 'Function not found', $metadata: {} }));
      const error = await rejection(readFunction(lambda, CONNECTOR_ARN));
      expect(error).toBeInstanceOf(FunctionNotFoundError);
      expect(error.message).toContain(`${CONNECTOR_ARN} does not exist`);
      expect(error.cause).toBeInstanceOf(ResourceNotFoundException);
    });

    it('rethrows other SDK errors unchanged, for the state machine to retry by name', async () => {
      const throttled = new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
      lambdaMock.on(GetFunctionCommand).rejects(throttled);
      const error = await rejection(readFunction(lambda, CONNECTOR_ARN));
      expect(error).toBe(throttled);
      expect(error.name).toBe('TooManyRequestsException');
    });

    it.each([
      ['get-function-pending.json', /still being created \(State Pending/],
      [
        'get-function-update-in-progress.json',
        /still being updated \(State Active, LastUpdateStatus InProgress/,
      ],
    ])('throws the retryable FunctionNotReadyError for %s', async (fixtureName, message) => {
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput(fixtureName));
      const error = await rejection(readFunction(lambda, CONNECTOR_ARN));
      expect(error).toBeInstanceOf(FunctionNotReadyError);
      expect((error as FunctionNotReadyError).retryable).toBe(true);
      expect(error.message).toMatch(message);
    });

    it.each([
      ['get-function-failed.json', /its creation failed: KMSKeyNotFound: Lambda was unable/],
      ['get-function-update-failed.json', /its last update failed: SubnetOutOfIPAddresses: The subnet/],
    ])('throws the fatal FunctionInFailedStateError for %s', async (fixtureName, message) => {
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput(fixtureName));
      const error = await rejection(readFunction(lambda, CONNECTOR_ARN));
      expect(error).toBeInstanceOf(FunctionInFailedStateError);
      expect(error.name).toBe('FunctionInFailedStateError');
      expect((error as FunctionInFailedStateError).retryable).toBe(false);
      expect(error.message).toMatch(message);
      expect(error.message).toContain('deploy the function again');
    });

    it('throws FunctionNotFoundError for a function being deleted', async () => {
      const output = getFunctionOutput('get-function-tagged.json');
      output.Configuration = { ...output.Configuration, State: 'Deleting' };
      lambdaMock.on(GetFunctionCommand).resolves(output);
      await expect(readFunction(lambda, CONNECTOR_ARN)).rejects.toThrow(FunctionNotFoundError);
    });

    it('throws ConfigurationError when the role may not read tags, rather than skipping the connector', async () => {
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput('get-function-tags-error.json'));
      const error = await rejection(readFunction(lambda, CONNECTOR_ARN));
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.message).toContain('Allow lambda:ListTags');
      expect(error.message).toContain('AccessDeniedException');
    });

    it('fails loudly when GetFunction answers without a code hash', async () => {
      const output = getFunctionOutput('get-function-tagged.json');
      output.Configuration = { ...output.Configuration, CodeSha256: undefined };
      lambdaMock.on(GetFunctionCommand).resolves(output);
      await expect(readFunction(lambda, CONNECTOR_ARN)).rejects.toThrow(/without CodeSha256 or LastModified/);
    });
  });
});

describe('toIsoTimestamp', () => {
  describe('normalizes Lambda timestamps to ISO 8601 UTC', () => {
    it.each([
      ['2026-11-27T08:00:00.000+0000', '2026-11-27T08:00:00.000Z'],
      ['2026-11-27T10:30:00.123+0230', '2026-11-27T08:00:00.123Z'],
      ['2026-11-27T03:00:00.000-0500', '2026-11-27T08:00:00.000Z'],
      ['2026-11-27T08:00:00Z', '2026-11-27T08:00:00.000Z'],
    ])('turns %s into %s', (lastModified, iso) => {
      expect(toIsoTimestamp(lastModified)).toBe(iso);
    });

    it('refuses text that is not a timestamp', () => {
      expect(() => toIsoTimestamp('yesterday')).toThrow(/LastModified "yesterday"/);
    });
  });
});
