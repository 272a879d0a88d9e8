import { AwsServiceError } from '../../http/errors.js';
import { isPlainObject } from '../../json.js';

/**
 * GetResources' input, read from its JSON body and checked as the Resource Groups Tagging API
 * documents it (API reference, GetResources): at most 50 TagFilters of one Key and up to 20 Values
 * each; ResourcesPerPage 1–100; TagsPerPage 100–500; ResourceARNList (1–100 ARNs) excludes
 * TagFilters, ResourceTypeFilters and the pagination members; ExcludeCompliantResources only with
 * IncludeComplianceDetails. The service models no ValidationException: each of these is its
 * InvalidParameterException ("a provided parameter value is out of range", "a required parameter is
 * missing"). A member of the wrong JSON type is a SerializationException, as AWS's deserializer answers.
 */

export interface TagFilter {
  key: string;
  /** Empty: any value, even none. */
  values: string[];
}

export interface GetResourcesInput {
  tagFilters: TagFilter[];
  /** service or service:resourceType; empty: every type. */
  resourceTypeFilters: string[];
  resourceArns?: string[];
  resourcesPerPage?: number;
  tagsPerPage?: number;
  paginationToken?: string;
  includeComplianceDetails: boolean;
}

const MAX_TAG_FILTERS = 50;
const MAX_VALUES = 20;
const MAX_TYPE_FILTERS = 100;
const MAX_ARNS = 100;

export function readGetResources(body: Record<string, unknown>): GetResourcesInput {
  const tagFilters = list(body, 'TagFilters').map((filter, i) => readTagFilter(filter, i));
  const resourceTypeFilters = strings(body, 'ResourceTypeFilters');
  const resourceArns = body.ResourceARNList === undefined ? undefined : strings(body, 'ResourceARNList');
  const resourcesPerPage = integer(body, 'ResourcesPerPage');
  const tagsPerPage = integer(body, 'TagsPerPage');
  const paginationToken = string(body, 'PaginationToken');
  const include = boolean(body, 'IncludeComplianceDetails');
  const exclude = boolean(body, 'ExcludeCompliantResources');

  if (tagFilters.length > MAX_TAG_FILTERS)
    throw invalid(`TagFilters has ${tagFilters.length} filters; at most ${MAX_TAG_FILTERS} are allowed.`);
  if (resourceTypeFilters.length > MAX_TYPE_FILTERS)
    throw invalid(
      `ResourceTypeFilters has ${resourceTypeFilters.length} items; at most ${MAX_TYPE_FILTERS}.`,
    );
  for (const type of resourceTypeFilters) {
    if (type.length > 256) throw invalid(`The resource type filter ${type.slice(0, 64)}… is too long.`);
  }
  if (resourcesPerPage !== undefined && (resourcesPerPage < 1 || resourcesPerPage > 100))
    throw invalid(`ResourcesPerPage must be from 1 to 100; got ${resourcesPerPage}.`);
  if (tagsPerPage !== undefined && (tagsPerPage < 100 || tagsPerPage > 500))
    throw invalid(`TagsPerPage must be from 100 to 500; got ${tagsPerPage}.`);
  if (paginationToken !== undefined && paginationToken.length > 2048)
    throw invalid('PaginationToken is longer than 2048 characters.');
  if (exclude && !include)
    throw invalid('ExcludeCompliantResources can be true only when IncludeComplianceDetails is true.');
  if (resourceArns !== undefined) {
    if (resourceArns.length < 1 || resourceArns.length > MAX_ARNS)
      throw invalid(`ResourceARNList must hold 1 to ${MAX_ARNS} ARNs; got ${resourceArns.length}.`);
    const clashing = [
      body.TagFilters !== undefined ? 'TagFilters' : undefined,
      body.ResourceTypeFilters !== undefined ? 'ResourceTypeFilters' : undefined,
      resourcesPerPage !== undefined ? 'ResourcesPerPage' : undefined,
      tagsPerPage !== undefined ? 'TagsPerPage' : undefined,
      paginationToken !== undefined ? 'PaginationToken' : undefined,
    ].filter((name) => name !== undefined);
    if (clashing.length > 0)
      throw invalid(`ResourceARNList cannot be combined with ${clashing.join(', ')} in the same request.`);
  }
  return {
    tagFilters,
    resourceTypeFilters,
    ...(resourceArns !== undefined ? { resourceArns } : {}),
    ...(resourcesPerPage !== undefined ? { resourcesPerPage } : {}),
    ...(tagsPerPage !== undefined ? { tagsPerPage } : {}),
    ...(paginationToken !== undefined && paginationToken !== '' ? { paginationToken } : {}),
    includeComplianceDetails: include === true,
  };
}

function readTagFilter(value: unknown, index: number): TagFilter {
  if (!isPlainObject(value)) throw wrongType(`TagFilters[${index}]`, 'a TagFilter structure');
  const key = string(value, 'Key', `TagFilters[${index}].Key`);
  if (key === undefined || key === '')
    throw invalid(`TagFilters[${index}] has no Key; each filter needs one.`);
  if (key.length > 128) throw invalid(`TagFilters[${index}].Key is longer than 128 characters.`);
  const values = strings(value, 'Values', `TagFilters[${index}].Values`);
  if (values.length > MAX_VALUES)
    throw invalid(`TagFilters[${index}] has ${values.length} values; at most ${MAX_VALUES} per key.`);
  if (values.some((text) => text.length > 256))
    throw invalid(`TagFilters[${index}] has a value longer than 256 characters.`);
  return { key, values };
}

export function invalid(message: string): AwsServiceError {
  return new AwsServiceError(400, 'InvalidParameterException', message);
}

function wrongType(member: string, expected: string): AwsServiceError {
  return new AwsServiceError(400, 'SerializationException', `Expected ${expected} for ${member}`);
}

function list(body: Record<string, unknown>, name: string, member = name): unknown[] {
  const value = body[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw wrongType(member, 'a list');
  return value;
}

function strings(body: Record<string, unknown>, name: string, member = name): string[] {
  const values = list(body, name, member);
  if (values.some((value) => typeof value !== 'string')) throw wrongType(member, 'a list of strings');
  return values as string[];
}

function string(body: Record<string, unknown>, name: string, member = name): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(member, 'a string');
  return value;
}

function integer(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(name, 'an integer');
  return value;
}

function boolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw wrongType(name, 'a boolean');
  return value;
}
