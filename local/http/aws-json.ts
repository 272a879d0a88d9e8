import type { AwsRequest, AwsResponse } from '../types.js';
import { AwsServiceError } from './errors.js';
import { parseJsonObject } from './json-body.js';
import { jsonResponse } from './protocols.js';

/** One operation of an awsJson service: the request and its parsed JSON body in, the answer out. */
export type AwsJsonOperation = (
  request: AwsRequest,
  body: Record<string, unknown>,
) => Promise<unknown> | unknown;

/**
 * The request handler of an awsJson 1.0/1.1 service: POST with `X-Amz-Target: <prefix><Operation>`
 * and a JSON object body; an unknown operation answers UnknownOperationException as AWS does.
 *
 * @example const handle = awsJsonHandler('AWSEvents.', 'aws-json-1.1', 'EventBridge', operations);
 */
export function awsJsonHandler(
  targetPrefix: string,
  protocol: 'aws-json-1.0' | 'aws-json-1.1',
  serviceTitle: string,
  operations: Record<string, AwsJsonOperation>,
): (request: AwsRequest) => Promise<AwsResponse> {
  return async (request) => {
    const target = request.headers['x-amz-target'];
    const operation =
      typeof target === 'string' && target.startsWith(targetPrefix) ? target.slice(targetPrefix.length) : '';
    const implementation = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
    if (request.method !== 'POST' || implementation === undefined) {
      throw new AwsServiceError(
        400,
        'UnknownOperationException',
        `Operation ${operation || '(none)'} is not supported by the local ${serviceTitle}.`,
      );
    }
    return jsonResponse(await implementation(request, parseJsonObject(request.body)), 200, protocol);
  };
}
