import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { arnOf, HUB, REGION, SPOKE, useLambdaStack } from './support.js';

describe('lambda service reads', () => {
  const stack = useLambdaStack();

  describe('GetFunction', () => {
    it('answers the configuration, code location and tags of a function', async () => {
      const answer = await stack.hub.send(new GetFunctionCommand({ FunctionName: 'healthy-connector' }));
      const fn = stack.registry.get(HUB, REGION, 'healthy-connector');
      expect(answer.Configuration).toMatchObject({
        FunctionName: 'healthy-connector',
        FunctionArn: arnOf('healthy-connector'),
        Runtime: 'nodejs22.x',
        Role: `arn:aws:iam::${HUB}:role/healthy-connector-role`,
        Handler: 'healthy.handler',
        CodeSize: fn?.codeSize,
        CodeSha256: fn?.codeSha256,
        Timeout: 3,
        MemorySize: 128,
        Version: '$LATEST',
        State: 'Active',
        LastUpdateStatus: 'Successful',
        PackageType: 'Zip',
        Architectures: ['x86_64'],
      });
      expect(answer.Configuration?.LastModified).toMatch(
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/,
      );
      expect(answer.Code).toMatchObject({
        RepositoryType: 'S3',
        Location: expect.stringMatching(/^https:\/\//),
      });
      expect(answer.Tags).toEqual({
        'appflow:connector-label': 'healthy-connector',
        'appflow:connector-description': 'Sample connector that answers the custom connector protocol',
      });
    });

    it('accepts an ARN, a partial ARN and the $LATEST qualifier', async () => {
      for (const FunctionName of [
        arnOf('slow-connector'),
        `${HUB}:function:slow-connector`,
        'slow-connector:$LATEST',
      ]) {
        const answer = await stack.hub.send(new GetFunctionCommand({ FunctionName }));
        expect(answer.Configuration?.Timeout).toBe(1);
      }
    });

    it('leaves Tags out for an untagged function', async () => {
      const answer = await stack.hub.send(new GetFunctionCommand({ FunctionName: 'untagged-function' }));
      expect(answer.Tags).toBeUndefined();
    });

    it('answers ResourceNotFoundException for an unknown function or version', async () => {
      await expect(stack.hub.send(new GetFunctionCommand({ FunctionName: 'nope' }))).rejects.toThrow(
        expect.objectContaining({
          name: 'ResourceNotFoundException',
          message: `Function not found: ${arnOf('nope')}`,
          $metadata: expect.objectContaining({ httpStatusCode: 404 }),
        }),
      );
      await expect(
        stack.hub.send(new GetFunctionCommand({ FunctionName: 'healthy-connector', Qualifier: '3' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('answers ValidationException for a name Lambda would not accept', async () => {
      await expect(stack.hub.send(new GetFunctionCommand({ FunctionName: 'bad name' }))).rejects.toThrow(
        expect.objectContaining({
          name: 'ValidationException',
          message: expect.stringMatching(/^1 validation error detected: Value 'bad name' at 'functionName'/),
        }),
      );
    });
  });

  describe('cross-account calls', () => {
    it('refuses a caller of another account with AccessDeniedException naming the action', async () => {
      const spoke = stack.client(SPOKE);
      await expect(
        spoke.send(new GetFunctionCommand({ FunctionName: arnOf('healthy-connector') })),
      ).rejects.toThrow(
        expect.objectContaining({
          name: 'AccessDeniedException',
          message: `User: arn:aws:iam::${SPOKE}:root is not authorized to perform: lambda:GetFunction on resource: ${arnOf('healthy-connector')} because no resource-based policy allows the lambda:GetFunction action`,
          $metadata: expect.objectContaining({ httpStatusCode: 403 }),
        }),
      );
    });

    it("resolves a bare name in the caller's own account", async () => {
      const spoke = stack.client(SPOKE);
      const answer = await spoke.send(new GetFunctionCommand({ FunctionName: 'sales-connector' }));
      expect(answer.Configuration?.FunctionArn).toBe(arnOf('sales-connector', SPOKE));
    });
  });

  describe('GetFunctionConfiguration', () => {
    it('answers the same configuration as GetFunction', async () => {
      const answer = await stack.hub.send(
        new GetFunctionConfigurationCommand({ FunctionName: 'failing-connector' }),
      );
      expect(answer).toMatchObject({
        FunctionName: 'failing-connector',
        State: 'Active',
        Handler: 'failing.handler',
      });
    });
  });

  describe('ListFunctions', () => {
    it("lists the caller's functions of the Region, a page at a time", async () => {
      const names: string[] = [];
      let Marker: string | undefined;
      let pages = 0;
      do {
        const page = await stack.hub.send(
          new ListFunctionsCommand({ MaxItems: 4, ...(Marker ? { Marker } : {}) }),
        );
        names.push(...(page.Functions ?? []).map((fn) => fn.FunctionName ?? ''));
        Marker = page.NextMarker;
        pages += 1;
      } while (Marker);
      expect(pages).toBe(3);
      expect(names).toEqual(stack.registry.list(HUB, REGION).map((fn) => fn.name));
      expect(names).toHaveLength(12);
    });

    it('refuses a marker it did not issue', async () => {
      await expect(stack.hub.send(new ListFunctionsCommand({ Marker: '!!' }))).rejects.toThrow(
        expect.objectContaining({ name: 'InvalidParameterValueException' }),
      );
    });

    it('lists only the Region the client calls', async () => {
      const page = await stack.client(SPOKE, 'us-east-1').send(new ListFunctionsCommand({}));
      expect(page.Functions?.map((fn) => fn.FunctionArn)).toEqual([
        arnOf('sales-connector', SPOKE, 'us-east-1'),
      ]);
    });
  });

  describe('ListTags', () => {
    it('answers the tags of a function by ARN', async () => {
      const answer = await stack.hub.send(new ListTagsCommand({ Resource: arnOf('failing-connector') }));
      expect(answer.Tags).toEqual({ 'appflow:connector-label': 'failing-connector' });
    });

    it('refuses a resource that is not an ARN', async () => {
      await expect(stack.hub.send(new ListTagsCommand({ Resource: 'failing-connector' }))).rejects.toThrow(
        expect.objectContaining({ name: 'ValidationException' }),
      );
    });
  });
});
