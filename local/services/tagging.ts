import { awsJsonHandler } from '../http/aws-json.js';
import { AwsServiceError } from '../http/errors.js';
import type { RoleRegistry } from '../iam/roles.js';
import type { AwsRequest, DeployedFunction, EmulatedService, FunctionRegistry } from '../types.js';
import { type GetResourcesInput, invalid, readGetResources } from './tagging/get-resources.js';

/**
 * The emulated Resource Groups Tagging API (awsJson 1.1, X-Amz-Target ResourceGroupsTaggingAPI_20170126.*,
 * signing name tagging): GetResources over the Lambda functions of the caller's account and Region,
 * the only taggable resources the emulation keeps. It answers as the API reference documents: only
 * tagged or previously tagged resources (a function whose tags were all removed is listed with
 * `Tags: []` when no tag filter is given); filters ANDed across keys and ORed across one key's
 * values, a key without values matching any value; pages that never split a resource, with a
 * PaginationToken valid for 15 minutes and an empty one on the last page.
 */

export interface TaggingServiceOptions {
  registry: FunctionRegistry;
  now?: () => number;
  /** The roles of the deployed templates: a session of one may do only what its policies allow. */
  roles?: RoleRegistry;
}

const TARGET_PREFIX = 'ResourceGroupsTaggingAPI_20170126.';
/** Not documented; a page of 50 keeps callers honest about paginating. */
const DEFAULT_RESOURCES_PER_PAGE = 50;
/** "A PaginationToken is valid for a maximum of 15 minutes." */
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;
/** The resource types of the emulation's functions, as ResourceTypeFilters name them. */
const FUNCTION_TYPES = new Set(['lambda', 'lambda:function']);

/**
 * Creates the tagging service for the server.
 *
 * @example
 * const tagging = createTaggingService({ registry });
 * await startAwsServer({ services: [tagging, …], identity });
 */
export function createTaggingService(options: TaggingServiceOptions): EmulatedService {
  const now = options.now ?? Date.now;
  const handle = awsJsonHandler(TARGET_PREFIX, 'aws-json-1.1', 'Resource Groups Tagging API', {
    GetResources: (request, body) => {
      // tag:GetResources has no resource type; aws-json services answer AccessDeniedException with 400.
      const denied = options.roles?.denial(request.caller, 'tag:GetResources', '*', 400);
      if (denied) throw denied;
      return getResources(options.registry, request, readGetResources(body), now());
    },
  });
  return { signingName: 'tagging', protocol: 'aws-json-1.1', handle };
}

function getResources(
  registry: FunctionRegistry,
  request: AwsRequest,
  input: GetResourcesInput,
  now: number,
): Record<string, unknown> {
  const { accountId } = request.caller;
  // Every resource the emulation can tag is a Lambda function: a type filter keeps all or none.
  const typeMatches =
    input.resourceTypeFilters.length === 0 || input.resourceTypeFilters.some(isFunctionType);
  const matching = registry
    .list(accountId, request.region)
    .filter((fn) => Object.keys(fn.tags).length > 0 || fn.hadTags === true)
    .filter((fn) => input.resourceArns === undefined || input.resourceArns.includes(fn.arn))
    .filter(() => typeMatches)
    .filter((fn) => input.tagFilters.every((filter) => matchesFilter(fn, filter)))
    .sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));

  const query = fingerprint(input);
  const scope = { accountId, region: request.region, query };
  const after =
    input.paginationToken === undefined ? undefined : readToken(input.paginationToken, scope, now);
  const start = after === undefined ? 0 : matching.findIndex((fn) => fn.arn > after);
  const page = pageOf(start < 0 ? [] : matching.slice(start), input);
  const last = page.at(-1);
  const more = last !== undefined && matching.some((fn) => fn.arn > last.arn);
  return {
    ResourceTagMappingList: page.map((fn) => mapping(fn, input.includeComplianceDetails)),
    PaginationToken: more && last ? writeToken(last.arn, scope, now) : '',
  };
}

function isFunctionType(type: string): boolean {
  return FUNCTION_TYPES.has(type);
}

function matchesFilter(fn: DeployedFunction, filter: { key: string; values: string[] }): boolean {
  if (!Object.hasOwn(fn.tags, filter.key)) return false;
  return filter.values.length === 0 || filter.values.includes(fn.tags[filter.key] as string);
}

/** A page: ResourcesPerPage resources, and no more tags than TagsPerPage (an untagged one counts as one). */
function pageOf(rest: DeployedFunction[], input: GetResourcesInput): DeployedFunction[] {
  const page: DeployedFunction[] = [];
  let tags = 0;
  for (const fn of rest) {
    if (page.length >= (input.resourcesPerPage ?? DEFAULT_RESOURCES_PER_PAGE)) break;
    const count = Math.max(1, Object.keys(fn.tags).length);
    if (input.tagsPerPage !== undefined && page.length > 0 && tags + count > input.tagsPerPage) break;
    page.push(fn);
    tags += count;
  }
  return page;
}

function mapping(fn: DeployedFunction, compliance: boolean): Record<string, unknown> {
  return {
    ResourceARN: fn.arn,
    Tags: Object.entries(fn.tags).map(([Key, Value]) => ({ Key, Value })),
    // The emulation has no tag policies: every resource complies.
    ...(compliance
      ? {
          ComplianceDetails: { NoncompliantKeys: [], KeysWithNoncompliantValues: [], ComplianceStatus: true },
        }
      : {}),
  };
}

function fingerprint(input: GetResourcesInput): string {
  return JSON.stringify([input.tagFilters, input.resourceTypeFilters]);
}

interface TokenScope {
  accountId: string;
  region: string;
  query: string;
}

// Opaque to callers; bound to the account, Region and filters it was issued for, and to its age.
function writeToken(lastArn: string, scope: TokenScope, now: number): string {
  return Buffer.from(
    JSON.stringify({ a: scope.accountId, r: scope.region, q: scope.query, l: lastArn, t: now }),
  ).toString('base64url');
}

function readToken(token: string, scope: TokenScope, now: number): string {
  let decoded: { a?: unknown; r?: unknown; q?: unknown; l?: unknown; t?: unknown } = {};
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    // Falls through to the refusal.
  }
  if (
    decoded.a !== scope.accountId ||
    decoded.r !== scope.region ||
    decoded.q !== scope.query ||
    typeof decoded.l !== 'string' ||
    typeof decoded.t !== 'number'
  ) {
    throw invalid(
      'The PaginationToken is not one this request can use: pass the PaginationToken of the previous answer, with the same filters, unchanged.',
    );
  }
  if (now - decoded.t > TOKEN_LIFETIME_MS) {
    throw new AwsServiceError(
      400,
      'PaginationTokenExpiredException',
      'The PaginationToken has expired: a PaginationToken is valid for 15 minutes. Start the query again without it.',
    );
  }
  return decoded.l;
}
