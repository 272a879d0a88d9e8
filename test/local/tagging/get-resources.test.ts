import { DeleteFunctionCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { arnOf, OTHER, SPOKE, useTaggingStack } from './harness.js';

const LABEL = 'appflow:connector-label';

interface Mapping {
  ResourceARN: string;
  Tags: { Key: string; Value: string }[];
}

const arns = (body: Record<string, unknown>) =>
  (body.ResourceTagMappingList as Mapping[]).map((mapping) => mapping.ResourceARN);

describe('Resource Groups Tagging API GetResources', () => {
  const stack = useTaggingStack();

  describe('filters', () => {
    it("answers the functions of the caller's account and Region that carry the key, with all their tags", async () => {
      const answer = await stack.call('GetResources', {
        TagFilters: [{ Key: LABEL }],
        ResourceTypeFilters: ['lambda:function'],
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        ResourceTagMappingList: [
          {
            ResourceARN: arnOf('crm-connector'),
            Tags: [
              { Key: LABEL, Value: 'crm' },
              { Key: 'team', Value: 'sales' },
            ],
          },
          {
            ResourceARN: arnOf('erp-connector'),
            Tags: [
              { Key: LABEL, Value: 'erp' },
              { Key: 'team', Value: 'finance' },
            ],
          },
          { ResourceARN: arnOf('hr-connector'), Tags: [{ Key: LABEL, Value: 'hr' }] },
        ],
        PaginationToken: '',
      });
      const elsewhere = await stack.call(
        'GetResources',
        { TagFilters: [{ Key: LABEL }] },
        { region: 'us-east-1' },
      );
      expect(arns(elsewhere.body)).toEqual([arnOf('labelled-elsewhere', SPOKE, 'us-east-1')]);
      const other = await stack.call(
        'GetResources',
        { TagFilters: [{ Key: LABEL }] },
        { accessKeyId: OTHER },
      );
      expect(arns(other.body)).toEqual([arnOf('other-account-connector', OTHER)]);
    });

    it("matches any of one key's values, and every filter", async () => {
      const either = await stack.call('GetResources', {
        TagFilters: [{ Key: LABEL, Values: ['crm', 'hr'] }],
      });
      expect(arns(either.body)).toEqual([arnOf('crm-connector'), arnOf('hr-connector')]);
      const both = await stack.call('GetResources', {
        TagFilters: [{ Key: LABEL }, { Key: 'team', Values: ['sales'] }],
      });
      expect(arns(both.body)).toEqual([arnOf('crm-connector')]);
    });

    it('keeps lambda and lambda:function, and finds nothing of another resource type', async () => {
      const byService = await stack.call('GetResources', {
        TagFilters: [{ Key: 'team' }],
        ResourceTypeFilters: ['lambda'],
      });
      expect(arns(byService.body)).toEqual([
        arnOf('crm-connector'),
        arnOf('erp-connector'),
        arnOf('team-only'),
      ]);
      const instances = await stack.call('GetResources', { ResourceTypeFilters: ['ec2:instance'] });
      expect(instances.body).toEqual({ ResourceTagMappingList: [], PaginationToken: '' });
    });

    it('answers the tagged functions without filters, never an untagged one', async () => {
      const all = await stack.call('GetResources', {});
      expect(arns(all.body)).not.toContain(arnOf('never-tagged'));
      expect(arns(all.body)).toContain(arnOf('team-only'));
    });

    it('answers only the listed ARNs of ResourceARNList that exist', async () => {
      const answer = await stack.call('GetResources', {
        ResourceARNList: [arnOf('hr-connector'), arnOf('no-such-function')],
      });
      expect(arns(answer.body)).toEqual([arnOf('hr-connector')]);
    });
  });

  describe('pagination', () => {
    it('pages by ResourcesPerPage until an empty PaginationToken, each function once', async () => {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const answer = await stack.call('GetResources', {
          TagFilters: [{ Key: LABEL }],
          ResourcesPerPage: 2,
          ...(token ? { PaginationToken: token } : {}),
        });
        expect(answer.status).toBe(200);
        expect((answer.body.ResourceTagMappingList as Mapping[]).length).toBeLessThanOrEqual(2);
        seen.push(...arns(answer.body));
        token = answer.body.PaginationToken as string;
        pages += 1;
      } while (token !== '');
      expect(pages).toBe(2);
      expect(seen).toEqual([arnOf('crm-connector'), arnOf('erp-connector'), arnOf('hr-connector')]);
    });

    it('never splits a resource across pages by TagsPerPage', async () => {
      const answer = await stack.call('GetResources', { TagFilters: [{ Key: 'team' }], TagsPerPage: 100 });
      expect(arns(answer.body)).toHaveLength(3);
    });

    it('refuses a token issued for other filters, and one older than 15 minutes', async () => {
      const first = await stack.call('GetResources', { TagFilters: [{ Key: LABEL }], ResourcesPerPage: 1 });
      const token = first.body.PaginationToken as string;
      expect(token).not.toBe('');

      const other = await stack.call('GetResources', {
        TagFilters: [{ Key: 'team' }],
        ResourcesPerPage: 1,
        PaginationToken: token,
      });
      expect(other.status).toBe(400);
      expect(other.body.__type).toBe('InvalidParameterException');

      stack.clock.now += 15 * 60 * 1000 + 1;
      try {
        const expired = await stack.call('GetResources', {
          TagFilters: [{ Key: LABEL }],
          ResourcesPerPage: 1,
          PaginationToken: token,
        });
        expect(expired.status).toBe(400);
        expect(expired.body.__type).toBe('PaginationTokenExpiredException');
      } finally {
        stack.clock.now -= 15 * 60 * 1000 + 1;
      }
    });
  });

  describe('following the Lambda API', () => {
    it('sees a relabel, keeps a function whose tags were all removed with no tags, and drops a deleted one', async () => {
      const lambda = stack.lambda();
      await lambda.send(
        new TagResourceCommand({ Resource: arnOf('hr-connector'), Tags: { [LABEL]: 'people' } }),
      );
      const relabelled = await stack.call('GetResources', {
        TagFilters: [{ Key: LABEL, Values: ['people'] }],
      });
      expect(arns(relabelled.body)).toEqual([arnOf('hr-connector')]);

      await lambda.send(new UntagResourceCommand({ Resource: arnOf('team-only'), TagKeys: ['team'] }));
      const unfiltered = await stack.call('GetResources', {});
      expect(unfiltered.body.ResourceTagMappingList).toContainEqual({
        ResourceARN: arnOf('team-only'),
        Tags: [],
      });
      const filtered = await stack.call('GetResources', { TagFilters: [{ Key: 'team' }] });
      expect(arns(filtered.body)).not.toContain(arnOf('team-only'));

      await lambda.send(new DeleteFunctionCommand({ FunctionName: 'erp-connector' }));
      const afterDelete = await stack.call('GetResources', { TagFilters: [{ Key: LABEL }] });
      expect(arns(afterDelete.body)).not.toContain(arnOf('erp-connector'));
    });
  });

  describe('refusals', () => {
    it.each([
      ['ResourcesPerPage out of range', { ResourcesPerPage: 0 }],
      ['TagsPerPage out of range', { TagsPerPage: 99 }],
      ['a filter without Key', { TagFilters: [{ Values: ['crm'] }] }],
      [
        'more than 20 values for a key',
        { TagFilters: [{ Key: LABEL, Values: Array.from({ length: 21 }, String) }] },
      ],
      [
        'ResourceARNList with TagFilters',
        { ResourceARNList: [arnOf('hr-connector')], TagFilters: [{ Key: LABEL }] },
      ],
      ['ExcludeCompliantResources alone', { ExcludeCompliantResources: true }],
      ['a PaginationToken it never issued', { PaginationToken: 'not-a-token' }],
    ])('answers 400 InvalidParameterException for %s', async (_case, body) => {
      const answer = await stack.call('GetResources', body);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ __type: 'InvalidParameterException', message: expect.any(String) });
    });

    it('answers SerializationException for a member of the wrong JSON type', async () => {
      const answer = await stack.call('GetResources', { TagFilters: 'appflow:connector-label' });
      expect(answer.status).toBe(400);
      expect(answer.body.__type).toBe('SerializationException');
    });

    it('answers UnknownOperationException for an operation it does not emulate', async () => {
      const answer = await stack.call('TagResources', { ResourceARNList: [arnOf('hr-connector')], Tags: {} });
      expect(answer.status).toBe(400);
      expect(answer.body.__type).toBe('UnknownOperationException');
    });
  });
});
