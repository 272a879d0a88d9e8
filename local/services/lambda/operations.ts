import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../../http/errors.js';
import { jsonResponse } from '../../http/protocols.js';
import type { RoleRegistry } from '../../iam/roles.js';
import type {
  AwsRequest,
  AwsResponse,
  BusEvent,
  DeployedFunction,
  FunctionRegistry,
  FunctionRuntime,
} from '../../types.js';
import { functionArn, parseFunctionReference } from '../../world/functions.js';
import type { FailedInvocation } from '../events/types.js';
import { invokeAsynchronously } from './async-invoke.js';
import { cloudTrailEvent, type RecordedAction } from './cloudtrail.js';
import { codeLocation, functionConfiguration } from './configuration.js';
import { closeEnvironments } from './environments.js';
import {
  accessDenied,
  functionNotFound,
  invalidFunctionName,
  invalidParameter,
  invalidRequestContent,
  preconditionFailed,
  resourceConflict,
  validation,
} from './errors.js';
import { checkInvocable, checkPayload, MAX_ASYNC_PAYLOAD_BYTES, MAX_SYNC_PAYLOAD_BYTES } from './invoke.js';
import {
  allowsCaller,
  checkPolicySize,
  type PermissionInput,
  permissionStatement,
  policyDocument,
} from './policy.js';
import type { Route } from './routes.js';

const MAX_TAGS = 50;
const TAIL_BYTES = 4096;
const DEFAULT_PAGE = 50;

export interface LambdaState {
  registry: FunctionRegistry;
  runtime: FunctionRuntime;
  /** RevisionId of each function's configuration and policy; changes with the policy. */
  revisions: WeakMap<DeployedFunction, string>;
  onApiCall?: (event: BusEvent) => void | Promise<void>;
  onBackgroundError?: (error: unknown) => void;
  inactiveRecoveryMs?: number;
  asyncRetryDelayMs: number;
  /** Receives each on-failure record of an event invocation (async-invoke.ts). */
  onFailedInvocation?: (failed: FailedInvocation) => void;
  /** The roles of the deployed templates: a session of one may do only what its policies allow. */
  roles?: RoleRegistry;
}

type Operation = (
  state: LambdaState,
  request: AwsRequest,
  route: Route,
) => Promise<AwsResponse> | AwsResponse;

/** Each served operation, keyed by name. */
export const OPERATIONS: Record<Route['operation'], Operation> = {
  ListFunctions: listFunctions,
  GetFunction: getFunction,
  DeleteFunction: deleteFunction,
  GetFunctionConfiguration: (state, request, route) => {
    const fn = target(state, request, route.functionName ?? '', 'GetFunctionConfiguration');
    return jsonResponse(functionConfiguration(fn, revisionOf(state, fn)));
  },
  GetPolicy: getPolicy,
  AddPermission: addPermission,
  RemovePermission: removePermission,
  Invoke: invoke,
  ListTags: (state, request, route) => {
    const fn = taggedFunction(state, request, route.resource ?? '', 'ListTags');
    return jsonResponse({ Tags: { ...fn.tags } });
  },
  TagResource: tagResource,
  UntagResource: untagResource,
};

function getFunction(state: LambdaState, request: AwsRequest, route: Route): AwsResponse {
  const fn = target(state, request, route.functionName ?? '', 'GetFunction', request.query.get('Qualifier'));
  return jsonResponse({
    Configuration: functionConfiguration(fn, revisionOf(state, fn)),
    Code: codeLocation(fn),
    // GetFunction answers the tags only to a caller that may also call ListTags.
    ...(Object.keys(fn.tags).length > 0 &&
    !state.roles?.denial(request.caller, 'lambda:ListTags', fn.arn, 403)
      ? { Tags: { ...fn.tags } }
      : {}),
    ...(fn.reservedConcurrency !== undefined
      ? { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } }
      : {}),
  });
}

/**
 * DeleteFunction of the unqualified function: it leaves the registry (Invoke and every other call then
 * answer ResourceNotFoundException), its environments close, and CloudTrail records
 * DeleteFunction20150331 with the functionName as the caller gave it. Only $LATEST exists here, so a
 * version qualifier names nothing; deleting $LATEST alone is refused as Lambda refuses it.
 */
function deleteFunction(state: LambdaState, request: AwsRequest, route: Route): AwsResponse {
  const name = route.functionName ?? '';
  const qualifier = request.query.get('Qualifier');
  if (qualifier === '$LATEST' || parseFunctionReference(name)?.qualifier === '$LATEST') {
    throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
  }
  const fn = target(state, request, name, 'DeleteFunction', qualifier);
  state.registry.delete(fn);
  state.revisions.delete(fn);
  closeEnvironments(state.runtime, fn);
  const requestId = randomUUID();
  record(
    state,
    request,
    'DeleteFunction',
    fn,
    { functionName: name, ...(qualifier ? { qualifier } : {}) },
    null,
    requestId,
  );
  return empty(204, requestId);
}

function listFunctions(state: LambdaState, request: AwsRequest): AwsResponse {
  // ListFunctions has no resource type: policies grant it on "*".
  const denied = state.roles?.denial(request.caller, 'lambda:ListFunctions', '*', 403);
  if (denied) throw denied;
  const maxItemsText = request.query.get('MaxItems');
  const maxItems = maxItemsText === null ? DEFAULT_PAGE : Number(maxItemsText);
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10000) {
    throw validation(String(maxItemsText), 'maxItems', 'Member must have value between 1 and 10000');
  }
  const all = state.registry.list(request.caller.accountId, request.region);
  const marker = request.query.get('Marker');
  let start = 0;
  if (marker) {
    const after = decodeMarker(marker);
    if (after === undefined)
      throw invalidParameter('Invalid marker: use the NextMarker of a previous ListFunctions answer.');
    start = all.findIndex((fn) => fn.name > after);
    if (start < 0) start = all.length;
  }
  // Lambda answers at most 50 functions per page whatever MaxItems asks.
  const page = all.slice(start, start + Math.min(maxItems, DEFAULT_PAGE));
  const last = page.at(-1);
  const more = start + page.length < all.length;
  return jsonResponse({
    Functions: page.map((fn) => functionConfiguration(fn, revisionOf(state, fn))),
    ...(more && last ? { NextMarker: Buffer.from(last.name).toString('base64url') } : {}),
  });
}

function getPolicy(state: LambdaState, request: AwsRequest, route: Route): AwsResponse {
  const fn = target(state, request, route.functionName ?? '', 'GetPolicy', request.query.get('Qualifier'));
  if (fn.policy.length === 0) {
    throw new AwsServiceError(404, 'ResourceNotFoundException', 'The resource you requested does not exist.');
  }
  return jsonResponse({ Policy: policyDocument(fn), RevisionId: revisionOf(state, fn) });
}

function addPermission(state: LambdaState, request: AwsRequest, route: Route): AwsResponse {
  const fn = target(
    state,
    request,
    route.functionName ?? '',
    'AddPermission',
    request.query.get('Qualifier'),
  );
  const input = parseBody(request.body) as PermissionInput;
  checkRevision(state, fn, input.RevisionId);
  const statement = permissionStatement(fn, input);
  if (fn.policy.some((existing) => existing.Sid === statement.Sid)) {
    throw resourceConflict(
      `The statement id (${statement.Sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
    );
  }
  const policy = [...fn.policy, statement];
  checkPolicySize(policy);
  fn.policy = policy;
  state.revisions.set(fn, randomUUID());
  const requestId = randomUUID();
  record(
    state,
    request,
    'AddPermission',
    fn,
    {
      functionName: fn.arn,
      statementId: statement.Sid,
      action: statement.Action,
      principal: input.Principal,
      ...(input.SourceArn ? { sourceArn: input.SourceArn } : {}),
      ...(input.SourceAccount ? { sourceAccount: input.SourceAccount } : {}),
    },
    { statement: JSON.stringify(statement) },
    requestId,
  );
  return withRequestId(jsonResponse({ Statement: JSON.stringify(statement) }, 201), requestId);
}

function removePermission(state: LambdaState, request: AwsRequest, route: Route): AwsResponse {
  const fn = target(
    state,
    request,
    route.functionName ?? '',
    'RemovePermission',
    request.query.get('Qualifier'),
  );
  checkRevision(state, fn, request.query.get('RevisionId') ?? undefined);
  const sid = route.statementId ?? '';
  if (fn.policy.length === 0) {
    throw new AwsServiceError(
      404,
      'ResourceNotFoundException',
      'No policy is associated with the given resource.',
    );
  }
  if (!fn.policy.some((statement) => statement.Sid === sid)) {
    throw new AwsServiceError(
      404,
      'ResourceNotFoundException',
      `Statement ${sid} is not found in resource policy.`,
    );
  }
  fn.policy = fn.policy.filter((statement) => statement.Sid !== sid);
  state.revisions.set(fn, randomUUID());
  const requestId = randomUUID();
  record(state, request, 'RemovePermission', fn, { functionName: fn.arn, statementId: sid }, null, requestId);
  return empty(204, requestId);
}

function tagResource(state: LambdaState, request: AwsRequest, route: Route): AwsResponse {
  const fn = taggedFunction(state, request, route.resource ?? '', 'TagResource');
  const body = parseBody(request.body);
  const tags = body.Tags;
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags) || Object.keys(tags).length === 0) {
    throw validation(
      JSON.stringify(tags ?? null),
      'tags',
      'Member must have length greater than or equal to 1',
    );
  }
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value !== 'string')
      throw invalidRequestContent(`Could not parse request body into json: tag ${key} must be a string`);
    if (key.length < 1 || key.length > 128 || value.length > 256) {
      throw invalidParameter(`Tag ${key} is invalid: keys are 1 to 128 characters and values at most 256.`);
    }
    if (key.toLowerCase().startsWith('aws:'))
      throw invalidParameter(`Tag key ${key} is invalid: the aws: prefix is reserved for AWS.`);
  }
  const merged = { ...fn.tags, ...(tags as Record<string, string>) };
  if (Object.keys(merged).length > MAX_TAGS) {
    throw invalidParameter(
      `A function can have at most ${MAX_TAGS} tags; this request would leave it ${Object.keys(merged).length}.`,
    );
  }
  fn.tags = merged;
  const requestId = randomUUID();
  record(
    state,
    request,
    'TagResource',
    fn,
    { resource: fn.arn, tags: { ...(tags as Record<string, string>) } },
    null,
    requestId,
  );
  return empty(204, requestId);
}

function untagResource(state: LambdaState, request: AwsRequest, route: Route): AwsResponse {
  const fn = taggedFunction(state, request, route.resource ?? '', 'UntagResource');
  const keys = request.query.getAll('tagKeys');
  if (keys.length === 0) throw validation('null', 'tagKeys', 'Member must not be null');
  const remaining = { ...fn.tags };
  for (const key of keys) delete remaining[key];
  if (Object.keys(fn.tags).length > 0 && Object.keys(remaining).length === 0) fn.hadTags = true;
  fn.tags = remaining;
  const requestId = randomUUID();
  record(state, request, 'UntagResource', fn, { resource: fn.arn, tagKeys: keys }, null, requestId);
  return empty(204, requestId);
}

async function invoke(state: LambdaState, request: AwsRequest, route: Route): Promise<AwsResponse> {
  const fn = target(
    state,
    request,
    route.functionName ?? '',
    'InvokeFunction',
    request.query.get('Qualifier'),
  );
  const invocationType = header(request, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (!['RequestResponse', 'Event', 'DryRun'].includes(invocationType)) {
    throw validation(
      invocationType,
      'invocationType',
      'Member must satisfy enum value set: [Event, RequestResponse, DryRun]',
    );
  }
  const asynchronous = invocationType === 'Event';
  checkPayload(
    request.body,
    asynchronous ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES,
    asynchronous ? 'Invoke' : 'InvokeFunction',
  );
  checkInvocable(fn, state);
  const payload = request.body.trim() === '' ? '{}' : request.body;
  const call = { accountId: fn.accountId, region: fn.region, functionName: fn.name, payload };

  if (invocationType === 'DryRun') return empty(204, randomUUID());
  if (asynchronous) {
    const requestId = randomUUID();
    void invokeAsynchronously(state, fn, payload);
    return empty(202, requestId);
  }

  const result = await state.runtime.invoke(call);
  const requestId = (result as { requestId?: string }).requestId ?? randomUUID();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amzn-requestid': requestId,
    'x-amz-executed-version': '$LATEST',
  };
  if (result.functionError) headers['x-amz-function-error'] = result.functionError;
  if (header(request, 'x-amz-log-type') === 'Tail')
    headers['x-amz-log-result'] = logTail(state, fn, requestId);
  return { status: result.statusCode, headers, body: result.payload };
}

function logTail(state: LambdaState, fn: DeployedFunction, requestId: string): string {
  const runtime = state.runtime as FunctionRuntime & {
    logs?: (arn: string, filter: { requestId: string }) => Array<{ message: string }>;
  };
  const lines = runtime.logs?.(fn.arn, { requestId }).map((entry) => entry.message) ?? [];
  const text = Buffer.from(`${lines.join('\n')}\n`);
  return text.subarray(Math.max(0, text.length - TAIL_BYTES)).toString('base64');
}

/**
 * The function a request names, after Lambda's checks: the name must be valid, a caller acts in its
 * own account unless the function's resource policy lets it in, and only $LATEST exists.
 */
function target(
  state: LambdaState,
  request: AwsRequest,
  name: string,
  action: string,
  qualifier?: string | null,
): DeployedFunction {
  const reference = parseFunctionReference(name);
  if (!reference) throw invalidFunctionName(name);
  if (reference.qualifier && qualifier && reference.qualifier !== qualifier) {
    throw invalidParameter(
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  }
  const accountId = reference.accountId ?? request.caller.accountId;
  const region = reference.region ?? request.region;
  const version = reference.qualifier ?? qualifier ?? undefined;
  const arn = `${functionArn(region, accountId, reference.name)}${version ? `:${version}` : ''}`;
  const fn = region === request.region ? state.registry.get(accountId, region, reference.name) : undefined;
  if (accountId !== request.caller.accountId && !(fn && allowsCaller(fn, request.caller, action))) {
    throw accessDenied(request.caller, action, arn);
  }
  const denied = state.roles?.denial(request.caller, `lambda:${action}`, fn?.arn ?? arn, 403);
  if (denied) throw denied;
  if (!fn || (version !== undefined && version !== '$LATEST')) throw functionNotFound(arn);
  return fn;
}

// The tagging API takes only an ARN.
function taggedFunction(
  state: LambdaState,
  request: AwsRequest,
  resource: string,
  action: string,
): DeployedFunction {
  if (!resource.startsWith('arn:') || parseFunctionReference(resource)?.region === undefined) {
    throw validation(
      resource,
      'resource',
      'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?',
    );
  }
  return target(state, request, resource, action);
}

function checkRevision(state: LambdaState, fn: DeployedFunction, revisionId: unknown): void {
  if (revisionId === undefined || revisionId === null || revisionId === '') return;
  if (revisionId !== revisionOf(state, fn)) throw preconditionFailed();
}

function revisionOf(state: LambdaState, fn: DeployedFunction): string {
  let revision = state.revisions.get(fn);
  if (!revision) {
    revision = randomUUID();
    state.revisions.set(fn, revision);
  }
  return revision;
}

function record(
  state: LambdaState,
  request: AwsRequest,
  action: RecordedAction,
  fn: DeployedFunction,
  requestParameters: Record<string, unknown>,
  responseElements: Record<string, unknown> | null,
  requestId: string,
): void {
  if (!state.onApiCall) return;
  const event = cloudTrailEvent(request, action, fn, requestParameters, responseElements, requestId);
  // The API call has succeeded whatever happens to its CloudTrail event.
  Promise.resolve()
    .then(() => state.onApiCall?.(event))
    .catch((error: unknown) => state.onBackgroundError?.(error));
}

function parseBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw invalidRequestContent(`Could not parse request body into json: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequestContent('Could not parse request body into json: expected a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function decodeMarker(marker: string): string | undefined {
  const name = Buffer.from(marker, 'base64url').toString('utf8');
  return /^[A-Za-z0-9_-]{1,64}$/.test(name) ? name : undefined;
}

function header(request: AwsRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function empty(status: number, requestId: string): AwsResponse {
  return { status, headers: { 'x-amzn-requestid': requestId } };
}

function withRequestId(response: AwsResponse, requestId: string): AwsResponse {
  return { ...response, headers: { ...response.headers, 'x-amzn-requestid': requestId } };
}
