import { type LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import {
  GetResourcesCommand,
  type ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { Tags } from '../shared/event-types.js';
import { readPages } from '../shared/pages.js';
import type { TaggedFunction } from './classify.js';

/** GetResources' largest page. */
export const TAG_PAGE_SIZE = 100;
/** Tag pages read at most: 2,000 labelled functions in one account and Region. */
export const MAX_TAG_PAGES = 20;
/** ListFunctions' largest page. */
export const FUNCTION_PAGE_SIZE = 50;
/** Function pages read at most: 2,000 functions in one account and Region. */
export const MAX_FUNCTION_PAGES = 40;

// An unqualified function ARN: exactly seven colon-separated parts.
const UNQUALIFIED_FUNCTION = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}$/;

/** The labelled functions of the account and Region, and whether every page was read. */
export interface TaggedFunctions {
  functions: TaggedFunction[];
  complete: boolean;
}

/**
 * The functions of the clients' account and Region that carry appflow:connector-label: one tag
 * query (GetResources, paginated), not a call per function. Their LastModified comes from
 * ListFunctions, read only when some function is labelled; the tag API does not answer it, and
 * without it a code change since the registration could not be seen.
 *
 * @example const { functions, complete } = await readTaggedFunctions(tagging, lambda);
 */
export async function readTaggedFunctions(
  tagging: ResourceGroupsTaggingAPIClient,
  lambda: LambdaClient,
): Promise<TaggedFunctions> {
  const tags = await readPages(MAX_TAG_PAGES, async (nextToken) => {
    const answer = await tagging.send(
      new GetResourcesCommand({
        TagFilters: [{ Key: Tags.connectorLabel }],
        ResourceTypeFilters: ['lambda:function'],
        ResourcesPerPage: TAG_PAGE_SIZE,
        ...(nextToken ? { PaginationToken: nextToken } : {}),
      }),
    );
    return { items: answer.ResourceTagMappingList, nextToken: answer.PaginationToken };
  });
  const labelled = tags.items.flatMap((mapping) => {
    const lambdaArn = mapping.ResourceARN ?? '';
    const tagOf = (key: string) => mapping.Tags?.find((tag) => tag.Key === key)?.Value;
    const connectorLabel = tagOf(Tags.connectorLabel);
    if (!UNQUALIFIED_FUNCTION.test(lambdaArn) || !connectorLabel) return [];
    return [{ lambdaArn, connectorLabel, description: tagOf(Tags.connectorDescription) ?? null }];
  });
  if (labelled.length === 0) return { functions: [], complete: tags.complete };

  const ages = await readLastModified(lambda);
  return {
    functions: labelled.map((fn) => ({ ...fn, lastModified: ages.get(fn.lambdaArn) })),
    complete: tags.complete,
  };
}

async function readLastModified(lambda: LambdaClient): Promise<Map<string, string>> {
  const { items } = await readPages(MAX_FUNCTION_PAGES, async (nextToken) => {
    const answer = await lambda.send(
      new ListFunctionsCommand({ MaxItems: FUNCTION_PAGE_SIZE, ...(nextToken ? { Marker: nextToken } : {}) }),
    );
    return { items: answer.Functions, nextToken: answer.NextMarker };
  });
  const ages = new Map<string, string>();
  for (const fn of items) {
    if (fn.FunctionArn && fn.LastModified) ages.set(fn.FunctionArn, fn.LastModified);
  }
  return ages;
}
