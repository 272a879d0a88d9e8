import { AwsServiceError } from '../../http/errors.js';
import type { DeployedFunction, FunctionRegistry, FunctionRuntime, InvokeResult } from '../../types.js';
import { functionNotFound, invalidRequestContent, requestTooLarge, resourceConflict } from './errors.js';

/** Lambda's limits on the Invoke request body, in bytes. */
export const MAX_SYNC_PAYLOAD_BYTES = 6_291_456;
export const MAX_ASYNC_PAYLOAD_BYTES = 1_048_576;

export interface InvokeDependencies {
  registry: FunctionRegistry;
  runtime: FunctionRuntime;
  /** How long an Inactive function stays Pending after an invocation wakes it. Default 2000 ms. */
  inactiveRecoveryMs?: number;
}

/** What AppFlow (or another service principal) asks Lambda to run. */
export interface ServiceInvokeRequest {
  accountId: string;
  region: string;
  /** Name or ARN of a function of that account and Region. */
  functionName: string;
  /** JSON text. */
  payload: string;
}

/**
 * Invokes a function as an AWS service principal does (AppFlow calling a connector): no caller
 * account check, since the caller must have checked the resource policy itself (allowsServiceInvoke
 * in policy.ts). Lambda's own checks still apply: a missing function, a Pending or Inactive one, a
 * payload above 6 MB and throttling answer the AwsServiceError Lambda answers.
 *
 * @example
 * if (!allowsServiceInvoke(fn, { service: 'appflow.amazonaws.com', sourceAccount, sourceArn })) throw …;
 * const result = await invokeAsService({ registry, runtime }, { accountId, region, functionName: fn.arn, payload });
 */
export async function invokeAsService(
  deps: InvokeDependencies,
  request: ServiceInvokeRequest,
): Promise<InvokeResult> {
  const fn = deps.registry.get(request.accountId, request.region, request.functionName);
  if (!fn) {
    const arn = request.functionName.startsWith('arn:')
      ? request.functionName
      : `arn:aws:lambda:${request.region}:${request.accountId}:function:${request.functionName}`;
    throw functionNotFound(arn);
  }
  checkPayload(request.payload, MAX_SYNC_PAYLOAD_BYTES, 'InvokeFunction');
  checkInvocable(fn, deps);
  return deps.runtime.invoke({
    accountId: fn.accountId,
    region: fn.region,
    functionName: fn.name,
    payload: request.payload.trim() === '' ? '{}' : request.payload,
  });
}

/**
 * Refuses to invoke a function that is not Active, as Lambda does: Pending (being created) answers
 * ResourceConflictException; Inactive answers ResourceNotReadyException and wakes the function
 * (Pending, then Active); Failed answers ResourceConflictException.
 */
export function checkInvocable(
  fn: DeployedFunction,
  deps: Pick<InvokeDependencies, 'inactiveRecoveryMs'>,
): void {
  if (fn.state === 'Active') return;
  if (fn.state === 'Inactive') {
    fn.state = 'Pending';
    setTimeout(() => {
      if (fn.state === 'Pending') fn.state = 'Active';
    }, deps.inactiveRecoveryMs ?? 2000).unref();
    throw new AwsServiceError(
      502,
      'ResourceNotReadyException',
      'The function is inactive and its VPC connection is no longer available. Wait for the VPC connection to reestablish and try again.',
      'server',
    );
  }
  throw resourceConflict(
    `The operation cannot be performed at this time. The function is currently in the following state: ${fn.state}`,
  );
}

/** Refuses a payload that is too large or not JSON, with Lambda's errors. */
export function checkPayload(payload: string, limit: number, operation: string): void {
  if (Buffer.byteLength(payload) > limit) throw requestTooLarge(limit, operation);
  if (payload.trim() === '') return;
  try {
    JSON.parse(payload);
  } catch (error) {
    throw invalidRequestContent(
      `Could not parse request body into json: Could not parse payload into json: ${(error as Error).message}`,
    );
  }
}
