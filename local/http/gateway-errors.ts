import type { IncomingHttpHeaders } from 'node:http';
import type { WireProtocol } from '../types.js';
import { AwsServiceError } from './errors.js';

/**
 * The errors the front door answers before any service sees a request, named and coded as AWS
 * names them in each protocol: Coral (query and JSON RPC) and API Gateway (rest-json) differ.
 */

/**
 * The protocol a request speaks, judged from its shape, for requests no service claims (no or bad
 * signature, unknown service): the error must still be one the caller's SDK can parse.
 */
export function guessProtocol(headers: IncomingHttpHeaders, query: URLSearchParams): WireProtocol {
  const contentType = String(headers['content-type'] ?? '').toLowerCase();
  if (contentType.includes('x-amz-json-1.0')) return 'aws-json-1.0';
  if (contentType.includes('x-amz-json-1.1') || headers['x-amz-target'] !== undefined) return 'aws-json-1.1';
  if (contentType.includes('x-www-form-urlencoded') || query.has('Action')) return 'query';
  return 'rest-json';
}

/** No Authorization header nor presigned credential. */
export function missingAuthentication(protocol: WireProtocol): AwsServiceError {
  if (protocol === 'query') {
    return new AwsServiceError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  }
  if (protocol === 'rest-json') {
    return new AwsServiceError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  return new AwsServiceError(
    403,
    'MissingAuthenticationTokenException',
    'Request is missing Authentication Token',
  );
}

/** An Authorization header that is not a SigV4 signature. API Gateway answers 403, Coral 400. */
export function incompleteSignature(protocol: WireProtocol, reason: string): AwsServiceError {
  if (protocol === 'query') return new AwsServiceError(400, 'IncompleteSignature', reason);
  return new AwsServiceError(protocol === 'rest-json' ? 403 : 400, 'IncompleteSignatureException', reason);
}

/**
 * A signing name the stack does not emulate. AWS never sees this (each service has its own
 * endpoint), so there is no AWS answer to copy: 400 so that SDKs do not retry it (they retry 5xx),
 * with a message that tells the person how to point that client elsewhere.
 */
export function unknownService(protocol: WireProtocol, service: string, served: string[]): AwsServiceError {
  return new AwsServiceError(
    400,
    protocol === 'query' ? 'UnknownService' : 'UnknownServiceException',
    `The local AWS emulation does not serve "${service}"; it serves ${served.join(', ')}. Do not point this client at it: unset AWS_ENDPOINT_URL for that process, or set AWS_ENDPOINT_URL_<SERVICE> for the emulated services only.`,
  );
}

/** A body over the front door's limit. */
export function requestTooLarge(protocol: WireProtocol, limitBytes: number): AwsServiceError {
  return new AwsServiceError(
    413,
    protocol === 'query' ? 'RequestEntityTooLarge' : 'RequestEntityTooLargeException',
    `Request must be smaller than ${limitBytes} bytes`,
  );
}

/** A service failed in a way it did not mean to: AWS's generic server fault, plus what failed. */
export function internalFailure(detail: string): AwsServiceError {
  return new AwsServiceError(
    500,
    'InternalFailure',
    `The request processing has failed because of an unknown error, exception or failure. (local stack: ${detail}; see its log)`,
  );
}

/** A proxied service (dynalite) that does not answer. 503, which SDKs retry. */
export function upstreamUnavailable(service: string, port: number, detail: string): AwsServiceError {
  return new AwsServiceError(
    503,
    'ServiceUnavailable',
    `The local ${service} emulation on port ${port} is not answering (${detail}). Restart the local stack.`,
  );
}
