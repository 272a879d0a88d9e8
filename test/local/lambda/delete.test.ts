import {
  DeleteFunctionCommand,
  GetFunctionCommand,
  InvalidParameterValueException,
  InvokeCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import type { BusEvent, DeployedFunction } from '../../../local/types.js';
import { eventually } from '../runtime/support.js';
import { arnOf, HUB, payload, REGION, SPOKE, useLambdaStack } from './support.js';

const eventName = (event: BusEvent) => (event.detail as { eventName: string }).eventName;

describe('lambda service DeleteFunction', () => {
  const stack = useLambdaStack();

  const invoke = (FunctionName: string) =>
    stack.hub.send(
      new InvokeCommand({
        FunctionName,
        Payload: new TextEncoder().encode(payload('describe-connector-configuration')),
      }),
    );
  const deletions = () => stack.events.filter((event) => eventName(event) === 'DeleteFunction20150331');
  const settled = () => new Promise((resolve) => setImmediate(resolve));

  describe('deleting', () => {
    it('answers 204 and the function is gone: GetFunction and Invoke answer ResourceNotFoundException', async () => {
      const answer = await stack.hub.send(new DeleteFunctionCommand({ FunctionName: 'failing-connector' }));
      expect(answer.$metadata.httpStatusCode).toBe(204);
      expect(stack.registry.get(HUB, REGION, 'failing-connector')).toBeUndefined();

      const notFound = {
        name: 'ResourceNotFoundException',
        message: `Function not found: ${arnOf('failing-connector')}`,
      };
      await expect(
        stack.hub.send(new GetFunctionCommand({ FunctionName: 'failing-connector' })),
      ).rejects.toThrow(expect.objectContaining(notFound));
      const error = await invoke('failing-connector').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error).toMatchObject(notFound);
      await expect(
        stack.hub.send(new DeleteFunctionCommand({ FunctionName: 'failing-connector' })),
      ).rejects.toThrow(expect.objectContaining(notFound));
    });

    it('records DeleteFunction20150331 on CloudTrail with the functionName as the caller gave it', async () => {
      await stack.hub.send(new DeleteFunctionCommand({ FunctionName: arnOf('bad-label-connector') }));
      await settled();
      expect(deletions().at(-1)).toMatchObject({
        source: 'aws.lambda',
        'detail-type': 'AWS API Call via CloudTrail',
        account: HUB,
        region: REGION,
        resources: [],
        detail: {
          eventSource: 'lambda.amazonaws.com',
          eventName: 'DeleteFunction20150331',
          awsRegion: REGION,
          recipientAccountId: HUB,
          requestParameters: { functionName: arnOf('bad-label-connector') },
          responseElements: null,
          eventType: 'AwsApiCall',
          managementEvent: true,
          readOnly: false,
          userIdentity: { type: 'Root', accountId: HUB },
        },
      });
      expect(deletions().at(-1)?.detail).not.toHaveProperty('errorCode');
    });
  });

  describe('execution environments', () => {
    it('closes the idle environments of the deleted function', async () => {
      const arn = arnOf('updated-connector');
      await invoke('updated-connector');
      expect(stack.runtime.environments(arn)).toHaveLength(1);
      await stack.hub.send(new DeleteFunctionCommand({ FunctionName: 'updated-connector' }));
      await eventually(() => stack.runtime.environments(arn).length === 0);
    });

    it('lets a running invocation finish, then closes its environment', async () => {
      const arn = arnOf('slow-connector');
      const fn = stack.registry.get(HUB, REGION, 'slow-connector') as DeployedFunction;
      fn.environment = { ...fn.environment, SLOW_CONNECTOR_DELAY_MS: '500' };
      const running = invoke('slow-connector');
      await eventually(() => stack.runtime.environments(arn).some((e) => e.state === 'busy'));
      await stack.hub.send(new DeleteFunctionCommand({ FunctionName: 'slow-connector' }));

      const answer = await running;
      expect(answer.FunctionError).toBeUndefined();
      expect(JSON.parse(new TextDecoder().decode(answer.Payload))).toMatchObject({ isSuccess: true });
      await eventually(() => stack.runtime.environments(arn).length === 0);
    });
  });

  describe('refusals', () => {
    it("refuses another account's function, keeps it and records nothing", async () => {
      const before = deletions().length;
      await expect(
        stack.client(SPOKE).send(new DeleteFunctionCommand({ FunctionName: arnOf('healthy-connector') })),
      ).rejects.toThrow(
        expect.objectContaining({
          name: 'AccessDeniedException',
          message: expect.stringContaining('lambda:DeleteFunction'),
        }),
      );
      expect(stack.registry.get(HUB, REGION, 'healthy-connector')).toBeDefined();
      await settled();
      expect(deletions()).toHaveLength(before);
    });

    it('answers ResourceNotFoundException for a version, which the emulation never publishes', async () => {
      await expect(
        stack.hub.send(new DeleteFunctionCommand({ FunctionName: 'healthy-connector', Qualifier: '1' })),
      ).rejects.toThrow(
        expect.objectContaining({
          name: 'ResourceNotFoundException',
          message: `Function not found: ${arnOf('healthy-connector')}:1`,
        }),
      );
      expect(stack.registry.get(HUB, REGION, 'healthy-connector')).toBeDefined();
    });

    it('refuses to delete $LATEST alone', async () => {
      const error = await stack.hub
        .send(new DeleteFunctionCommand({ FunctionName: 'healthy-connector', Qualifier: '$LATEST' }))
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidParameterValueException);
      expect(stack.registry.get(HUB, REGION, 'healthy-connector')).toBeDefined();
    });
  });
});
