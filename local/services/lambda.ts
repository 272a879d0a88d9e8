import { AwsServiceError } from '../http/errors.js';
import { errorResponse } from '../http/protocols.js';
import type { RoleRegistry } from '../iam/roles.js';
import { TooManyRequestsError } from '../runtime/errors.js';
import type {
  AwsRequest,
  AwsResponse,
  BusEvent,
  EmulatedService,
  FunctionRegistry,
  FunctionRuntime,
} from '../types.js';
import type { FailedInvocation } from './events/types.js';
import { invokeAsynchronously } from './lambda/async-invoke.js';
import { functionNotFound } from './lambda/errors.js';
import { checkInvocable, checkPayload, MAX_ASYNC_PAYLOAD_BYTES } from './lambda/invoke.js';
import { OPERATIONS } from './lambda/operations.js';
import { allowsServiceInvoke, type ServiceInvocation } from './lambda/policy.js';
import { route, SERVED_OPERATIONS } from './lambda/routes.js';

export { CLOUDTRAIL_EVENT_NAMES } from './lambda/cloudtrail.js';
export { type InvokeDependencies, invokeAsService, type ServiceInvokeRequest } from './lambda/invoke.js';
export { allowsServiceInvoke, policyDocument, type ServiceInvocation } from './lambda/policy.js';

export interface LambdaServiceOptions {
  registry: FunctionRegistry;
  runtime: FunctionRuntime;
  /**
   * Receives the CloudTrail-shaped event of each successful TagResource, UntagResource,
   * AddPermission and RemovePermission, for the default bus of the function's account.
   */
  onApiCall?: (event: BusEvent) => void | Promise<void>;
  /** Failures nobody awaits: event (asynchronous) invocations, onApiCall. */
  onBackgroundError?: (error: unknown) => void;
  /** How long an Inactive function stays Pending after an invocation wakes it. Default 2000 ms. */
  inactiveRecoveryMs?: number;
  /**
   * The wait before the first retry of an event invocation's function error; the second waits twice
   * as long and throttle backoffs and the event-age limit scale alike. Default 60000 ms, AWS's.
   */
  asyncRetryDelayMs?: number;
  /** Receives the record Lambda sends to a function's on-failure queue (its EventInvokeConfig). */
  onFailedInvocation?: (failed: FailedInvocation) => void;
  /** The roles of the deployed templates: a session of one may do only what its policies allow. */
  roles?: RoleRegistry;
}

/**
 * The emulated Lambda API (rest-json, signing name lambda): GetFunction, GetFunctionConfiguration,
 * ListFunctions, GetPolicy, AddPermission, RemovePermission, Invoke, ListTags, TagResource and
 * UntagResource, with Lambda's paths, status codes, shapes and errors. Callers act in their own
 * account unless a function's resource policy lets another account in.
 *
 * @example
 * const lambda = createLambdaService({ registry, runtime, onApiCall: (event) => bus.put(event) });
 * await startAwsServer({ services: [lambda, …], identity });
 */
/** The Lambda service, and the event invocation AWS services (EventBridge) make of a function. */
export interface LambdaService extends EmulatedService {
  /**
   * Invokes a function asynchronously (InvocationType Event) as an AWS service principal, after its
   * resource policy allows that service for this source (aws:SourceAccount, aws:SourceArn); resolves
   * when the invocation, with Lambda's own retries and its on-failure record, has ended. Throws Lambda's error when it refuses.
   */
  invokeEvent(functionArn: string, payload: string, invocation: ServiceInvocation): Promise<void>;
}

export function createLambdaService(options: LambdaServiceOptions): LambdaService {
  const state = {
    registry: options.registry,
    runtime: options.runtime,
    revisions: new WeakMap(),
    asyncRetryDelayMs: options.asyncRetryDelayMs ?? 60_000,
    ...(options.onFailedInvocation ? { onFailedInvocation: options.onFailedInvocation } : {}),
    ...(options.onApiCall ? { onApiCall: options.onApiCall } : {}),
    ...(options.onBackgroundError ? { onBackgroundError: options.onBackgroundError } : {}),
    ...(options.inactiveRecoveryMs !== undefined ? { inactiveRecoveryMs: options.inactiveRecoveryMs } : {}),
    ...(options.roles ? { roles: options.roles } : {}),
  };
  const invokeEvent: LambdaService['invokeEvent'] = async (functionArn, payload, invocation) => {
    const [, , , region = '', accountId = ''] = functionArn.split(':');
    const fn = state.registry.get(accountId, region, functionArn);
    if (!fn) throw functionNotFound(functionArn);
    if (!allowsServiceInvoke(fn, invocation)) {
      throw new AwsServiceError(
        403,
        'AccessDeniedException',
        `${invocation.service} is not authorized to perform: lambda:InvokeFunction on resource: ${fn.arn}: no statement of its resource policy allows it for source ${invocation.sourceArn}`,
      );
    }
    checkPayload(payload, MAX_ASYNC_PAYLOAD_BYTES, 'Invoke');
    checkInvocable(fn, state);
    await invokeAsynchronously(state, fn, payload);
  };
  return {
    invokeEvent,
    signingName: 'lambda',
    protocol: 'rest-json',
    async handle(request: AwsRequest): Promise<AwsResponse> {
      const matched = route(request.method, request.path);
      try {
        if (!matched) {
          throw new AwsServiceError(
            400,
            'UnknownOperationException',
            `The local Lambda emulation does not serve ${request.method} ${request.path}. It serves: ${SERVED_OPERATIONS.join('; ')}.`,
          );
        }
        return await OPERATIONS[matched.operation](state, request, matched);
      } catch (error) {
        if (error instanceof TooManyRequestsError) return throttled(error);
        if (error instanceof AwsServiceError) return errorResponse(error, 'rest-json');
        throw error;
      }
    },
  };
}

// Lambda's 429 carries the reason in the body and Retry-After in a header.
function throttled(error: TooManyRequestsError): AwsResponse {
  const response = errorResponse(error, 'rest-json');
  return {
    ...response,
    headers: { ...response.headers, 'retry-after': String(error.retryAfterSeconds) },
    body: JSON.stringify({ ...JSON.parse(response.body ?? '{}'), Reason: error.reason }),
  };
}
