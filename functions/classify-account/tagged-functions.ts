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

// An unqualified function ARN: exactly seven colon-separated parts.
const UNQUALIFIED_FUNCTION = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}$/;

/** The labelled functions of the account and Region, and whether every page was read. */
export interface TaggedFunctions {
  functions: TaggedFunction[];
  complete: boolean;
}

/**
 * The functions of the client's account and Region that carry appflow:connector-label, with their
 * description tag: one tag query (GetResources, paginated), not a call per function.
 *
 * @example const { functions, complete } = await readTaggedFunctions(tagging);
 */
export async function readTaggedFunctions(tagging: ResourceGroupsTaggingAPIClient): Promise<TaggedFunctions> {
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
  const functions = tags.items.flatMap((mapping) => {
    const lambdaArn = mapping.ResourceARN ?? '';
    const tagOf = (key: string) => mapping.Tags?.find((tag) => tag.Key === key)?.Value;
    const connectorLabel = tagOf(Tags.connectorLabel);
    if (!UNQUALIFIED_FUNCTION.test(lambdaArn) || !connectorLabel) return [];
    return [{ lambdaArn, connectorLabel, description: tagOf(Tags.connectorDescription) ?? null }];
  });
  return { functions, complete: tags.complete };
}
