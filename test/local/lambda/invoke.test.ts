import { fileURLToPath } from 'node:url';
import {
  InvokeCommand,
  type InvokeCommandOutput,
  RequestTooLargeException,
  ResourceConflictException,
  ResourceNotReadyException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { invokeAsService } from '../../../local/services/lambda.js';
import type { DeployedFunction } from '../../../local/types.js';
import { eventually } from '../runtime/support.js';
import { arnOf, HUB, payload, REGION, SPOKE, useLambdaStack } from './support.js';

const decode = (answer: InvokeCommandOutput) => JSON.parse(new TextDecoder().decode(answer.Payload));

describe('lambda service Invoke', () => {
  const stack = useLambdaStack();

  const invoke = (FunctionName: string, fixture = 'describe-connector-configuration') =>
    stack.hub.send(new InvokeCommand({ FunctionName, Payload: new TextEncoder().encode(payload(fixture)) }));
  const fn = (name: string) => stack.registry.get(HUB, REGION, name) as DeployedFunction;

  describe('sample connectors', () => {
    it('answers the healthy connector configuration with 200 and the executed version', async () => {
      const answer = await invoke('healthy-connector');
      expect(answer.StatusCode).toBe(200);
      expect(answer.FunctionError).toBeUndefined();
      expect(answer.ExecutedVersion).toBe('$LATEST');
      expect(decode(answer)).toMatchObject({
        isSuccess: true,
        connectorName: 'SampleContacts',
        connectorModes: ['SOURCE', 'DESTINATION'],
      });
    });

    it("answers the failing connector's unsuccessful answer as a normal result", async () => {
      const answer = await invoke('failing-connector');
      expect(answer.FunctionError).toBeUndefined();
      expect(decode(answer)).toMatchObject({
        isSuccess: false,
        errorDetails: { errorCode: 'ServiceUnavailable' },
      });
    });

    it('answers Sandbox.Timedout with X-Amz-Function-Error for the slow connector after its 1 s timeout', async () => {
      const answer = await invoke('slow-connector');
      expect(answer.StatusCode).toBe(200);
      expect(answer.FunctionError).toBe('Unhandled');
      expect(decode(answer)).toEqual({
        errorType: 'Sandbox.Timedout',
        errorMessage: expect.stringMatching(
          /^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/,
        ),
      });
    });

    it('answers the untagged function with its greeting', async () => {
      expect(decode(await invoke('untagged-function'))).toMatchObject({
        message: 'Hello from an ordinary Lambda function',
      });
    });

    it('answers a function error for an event that is not a connector request', async () => {
      const answer = await stack.hub.send(
        new InvokeCommand({ FunctionName: 'healthy-connector', Payload: new TextEncoder().encode('{}') }),
      );
      expect(answer.FunctionError).toBe('Unhandled');
      expect(decode(answer)).toMatchObject({ errorType: 'UnsupportedRequestError' });
    });

    it("returns the invocation's log tail when asked", async () => {
      const answer = await stack.hub.send(
        new InvokeCommand({
          FunctionName: 'untagged-function',
          LogType: 'Tail',
          Payload: new TextEncoder().encode('{}'),
        }),
      );
      const tail = Buffer.from(answer.LogResult ?? '', 'base64').toString('utf8');
      expect(tail).toMatch(/^START RequestId: /);
      expect(tail).toContain('untagged function untagged-function invoked');
      expect(tail).toMatch(/REPORT RequestId: .*\n$/);
    });
  });

  describe('invocation types', () => {
    it('answers 202 for an event invocation and runs it in the background', async () => {
      const before = stack.runtime.counters(arnOf('original-owner')).invocations;
      const answer = await stack.hub.send(
        new InvokeCommand({
          FunctionName: 'original-owner',
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(payload('list-entities')),
        }),
      );
      expect(answer.StatusCode).toBe(202);
      await eventually(() => stack.runtime.counters(arnOf('original-owner')).invocations === before + 1);
    });

    it('answers 204 for a dry run without running the function', async () => {
      const answer = await stack.hub.send(
        new InvokeCommand({ FunctionName: 'impostor-connector', InvocationType: 'DryRun' }),
      );
      expect(answer.StatusCode).toBe(204);
      expect(stack.runtime.counters(arnOf('impostor-connector')).invocations).toBe(0);
    });
  });

  describe('refusals', () => {
    it('answers 413 RequestTooLargeException above 6 MB', async () => {
      const big = new TextEncoder().encode(JSON.stringify({ blob: 'x'.repeat(6 * 1024 * 1024) }));
      const failure = stack.hub.send(new InvokeCommand({ FunctionName: 'healthy-connector', Payload: big }));
      await expect(failure).rejects.toBeInstanceOf(RequestTooLargeException);
      await expect(failure).rejects.toThrow(
        'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
      );
    });

    it('answers InvalidRequestContentException for a payload that is not JSON', async () => {
      await expect(
        stack.hub.send(
          new InvokeCommand({
            FunctionName: 'healthy-connector',
            Payload: new TextEncoder().encode('{not json'),
          }),
        ),
      ).rejects.toThrow(
        expect.objectContaining({
          name: 'InvalidRequestContentException',
          message: expect.stringMatching(/^Could not parse request body into json/),
        }),
      );
    });

    it('answers 409 ResourceConflictException for a Pending function', async () => {
      fn('bad-label-connector').state = 'Pending';
      const failure = invoke('bad-label-connector');
      await expect(failure).rejects.toBeInstanceOf(ResourceConflictException);
      await expect(failure).rejects.toThrow(
        'The operation cannot be performed at this time. The function is currently in the following state: Pending',
      );
      fn('bad-label-connector').state = 'Active';
    });

    it('answers ResourceNotReadyException for an Inactive function and wakes it', async () => {
      fn('updated-connector').state = 'Inactive';
      await expect(invoke('updated-connector')).rejects.toBeInstanceOf(ResourceNotReadyException);
      expect(fn('updated-connector').state).toBe('Pending');
      await eventually(() => fn('updated-connector').state === 'Active');
      expect(decode(await invoke('updated-connector')).isSuccess).toBe(true);
    });

    it('answers 429 TooManyRequestsException with its reason beyond the reserved concurrency', async () => {
      fn('no-permission-connector').reservedConcurrency = 0;
      const failure = invoke('no-permission-connector');
      await expect(failure).rejects.toBeInstanceOf(TooManyRequestsException);
      await expect(failure).rejects.toMatchObject({
        message: 'Rate Exceeded.',
        Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
        retryAfterSeconds: '1',
        $metadata: expect.objectContaining({ httpStatusCode: 429 }),
      });
      delete fn('no-permission-connector').reservedConcurrency;
    });

    it("refuses to invoke another account's function", async () => {
      await expect(
        stack.client(SPOKE).send(new InvokeCommand({ FunctionName: arnOf('healthy-connector') })),
      ).rejects.toThrow(
        expect.objectContaining({
          name: 'AccessDeniedException',
          message: `User: arn:aws:iam::${SPOKE}:root is not authorized to perform: lambda:InvokeFunction on resource: ${arnOf('healthy-connector')} because no resource-based policy allows the lambda:InvokeFunction action`,
        }),
      );
    });
  });

  describe('invokeAsService', () => {
    it("invokes a connector of any account as AppFlow, without the caller's account check", async () => {
      const result = await invokeAsService(
        { registry: stack.registry, runtime: stack.runtime },
        {
          accountId: SPOKE,
          region: REGION,
          functionName: arnOf('sales-connector', SPOKE),
          payload: payload('describe-connector-configuration'),
        },
      );
      expect(result.functionError).toBeUndefined();
      expect(JSON.parse(result.payload)).toMatchObject({ isSuccess: true });
    });

    it('answers ResourceNotFoundException for a function that does not exist', async () => {
      await expect(
        invokeAsService(
          { registry: stack.registry, runtime: stack.runtime },
          { accountId: SPOKE, region: REGION, functionName: 'gone', payload: '{}' },
        ),
      ).rejects.toMatchObject({
        code: 'ResourceNotFoundException',
        message: `Function not found: ${arnOf('gone', SPOKE)}`,
      });
    });
  });

  describe('functions calling AWS', () => {
    it("reach the emulation with their environment's endpoint and credentials, as their role", async () => {
      const healthy = fn('healthy-connector');
      stack.registry.add({
        ...healthy,
        name: 'caller',
        arn: arnOf('caller'),
        kind: 'registrar',
        role: `arn:aws:iam::${HUB}:role/caller-role`,
        modulePath: fileURLToPath(new URL('./fixtures/calls-lambda.mjs', import.meta.url)),
        handler: 'calls-lambda.handler',
        timeoutSeconds: 10,
        tags: {},
      });
      const call = async (functionName: string) =>
        decode(
          await stack.hub.send(
            new InvokeCommand({
              FunctionName: 'caller',
              Payload: new TextEncoder().encode(JSON.stringify({ functionName })),
            }),
          ),
        );

      expect(await call('healthy-connector')).toEqual({ functionArn: arnOf('healthy-connector') });
      expect(await call(arnOf('sales-connector', SPOKE))).toEqual({
        error: 'AccessDeniedException',
        message: `User: arn:aws:sts::${HUB}:assumed-role/caller-role/caller is not authorized to perform: lambda:GetFunction on resource: ${arnOf('sales-connector', SPOKE)} because no resource-based policy allows the lambda:GetFunction action`,
      });
    });
  });
});
