import { ListTagsCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { arnOf, HUB, REGION, SPOKE, useLambdaStack } from './support.js';

describe('lambda service tags', () => {
  const stack = useLambdaStack();

  describe('TagResource', () => {
    it('adds tags, answers 204 and emits the CloudTrail event a registration starts from', async () => {
      const tags = { 'appflow:connector-label': 'original-owner', team: 'sales' };
      const answer = await stack.hub.send(
        new TagResourceCommand({ Resource: arnOf('original-owner'), Tags: tags }),
      );
      expect(answer.$metadata.httpStatusCode).toBe(204);
      expect((await stack.hub.send(new ListTagsCommand({ Resource: arnOf('original-owner') }))).Tags).toEqual(
        tags,
      );

      await new Promise((resolve) => setImmediate(resolve));
      const event = stack.events.find(
        (e) => (e.detail as { eventName: string }).eventName === 'TagResource20170331v2',
      );
      expect(event).toMatchObject({
        version: '0',
        source: 'aws.lambda',
        'detail-type': 'AWS API Call via CloudTrail',
        account: HUB,
        region: REGION,
        resources: [],
        detail: {
          eventSource: 'lambda.amazonaws.com',
          eventName: 'TagResource20170331v2',
          awsRegion: REGION,
          recipientAccountId: HUB,
          requestParameters: { resource: arnOf('original-owner'), tags },
          responseElements: null,
          userIdentity: { type: 'Root', accountId: HUB, accessKeyId: HUB },
        },
      });
      expect(event?.detail).not.toHaveProperty('errorCode');
    });

    it('refuses a reserved aws: key', async () => {
      await expect(
        stack.hub.send(
          new TagResourceCommand({ Resource: arnOf('untagged-function'), Tags: { 'aws:owner': 'me' } }),
        ),
      ).rejects.toThrow(expect.objectContaining({ name: 'InvalidParameterValueException' }));
    });

    it("refuses to tag another account's function and emits nothing", async () => {
      const before = stack.events.length;
      await expect(
        stack
          .client(SPOKE)
          .send(new TagResourceCommand({ Resource: arnOf('untagged-function'), Tags: { a: 'b' } })),
      ).rejects.toThrow(
        expect.objectContaining({
          name: 'AccessDeniedException',
          message: expect.stringContaining('lambda:TagResource'),
        }),
      );
      expect(stack.events).toHaveLength(before);
    });
  });

  describe('relabelling', () => {
    it('records the new label in requestParameters.tags, as the request carried it', async () => {
      const resource = arnOf('described-connector');
      await stack.hub.send(
        new TagResourceCommand({ Resource: resource, Tags: { 'appflow:connector-label': 'relabelled' } }),
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(stack.events.at(-1)?.detail).toMatchObject({
        eventName: 'TagResource20170331v2',
        requestParameters: { resource, tags: { 'appflow:connector-label': 'relabelled' } },
      });
      expect((await stack.hub.send(new ListTagsCommand({ Resource: resource }))).Tags).toMatchObject({
        'appflow:connector-label': 'relabelled',
        'appflow:connector-description': 'Sample connector with a new description',
      });
    });
  });

  describe('UntagResource', () => {
    it('removes every key of the repeated tagKeys query parameter and records them in order', async () => {
      const resource = arnOf('impostor-connector');
      await stack.hub.send(
        new TagResourceCommand({ Resource: resource, Tags: { team: 'sales', stage: 'prod' } }),
      );
      await stack.hub.send(
        new UntagResourceCommand({ Resource: resource, TagKeys: ['appflow:connector-label', 'team'] }),
      );
      expect((await stack.hub.send(new ListTagsCommand({ Resource: resource }))).Tags).toEqual({
        stage: 'prod',
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(stack.events.at(-1)?.detail).toMatchObject({
        eventName: 'UntagResource20170331v2',
        requestParameters: { resource, tagKeys: ['appflow:connector-label', 'team'] },
        responseElements: null,
      });
    });

    it('removes the keys given', async () => {
      await stack.hub.send(
        new UntagResourceCommand({
          Resource: arnOf('healthy-connector'),
          TagKeys: ['appflow:connector-description'],
        }),
      );
      const answer = await stack.hub.send(new ListTagsCommand({ Resource: arnOf('healthy-connector') }));
      expect(answer.Tags).toEqual({ 'appflow:connector-label': 'healthy-connector' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(stack.events.at(-1)?.detail).toMatchObject({
        eventName: 'UntagResource20170331v2',
        requestParameters: {
          resource: arnOf('healthy-connector'),
          tagKeys: ['appflow:connector-description'],
        },
      });
    });
  });
});
