import { randomUUID } from 'node:crypto';
import type { AwsResponse, WireProtocol } from '../types.js';
import type { AwsServiceError } from './errors.js';

/**
 * Writes AWS responses and errors the way each wire protocol does, so the AWS SDK v3 and the
 * AWS CLI parse them as they parse AWS's own. Written by hand: no maintained package emulates
 * the server side of these protocols without also bringing its own services.
 */

/** A JSON body for rest-json and awsJson services. */
export function jsonResponse(body: unknown, status = 200, protocol: WireProtocol = 'rest-json'): AwsResponse {
  return {
    status,
    headers: {
      'content-type':
        protocol === 'rest-json' ? 'application/json' : `application/x-amz-json-${protocol.slice(-3)}`,
      'x-amzn-requestid': randomUUID(),
    },
    body: JSON.stringify(body ?? {}),
  };
}

/** A query-protocol (STS) answer: <ActionResponse><ActionResult>…</ActionResult></ActionResponse>. */
export function queryResponse(action: string, resultXml: string, namespace: string): AwsResponse {
  const requestId = randomUUID();
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<${action}Response xmlns="${namespace}"><${action}Result>${resultXml}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

/** The error of a service, in its protocol. */
export function errorResponse(error: AwsServiceError, protocol: WireProtocol): AwsResponse {
  const requestId = randomUUID();
  switch (protocol) {
    case 'rest-json':
      // The SDK reads the code from x-amzn-errortype; Lambda also puts Type/Message in the body.
      return {
        status: error.status,
        headers: {
          'content-type': 'application/json',
          'x-amzn-errortype': error.code,
          'x-amzn-requestid': requestId,
        },
        body: JSON.stringify({
          message: error.message,
          Message: error.message,
          Type: error.fault === 'server' ? 'Service' : 'User',
        }),
      };
    case 'aws-json-1.0':
    case 'aws-json-1.1':
      return {
        status: error.status,
        headers: {
          'content-type': `application/x-amz-json-${protocol.slice(-3)}`,
          'x-amzn-requestid': requestId,
        },
        body: JSON.stringify({ __type: error.code, message: error.message }),
      };
    case 'query':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: `<ErrorResponse><Error><Type>${error.fault === 'server' ? 'Receiver' : 'Sender'}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
  }
}

/** Escapes text for an XML element or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
