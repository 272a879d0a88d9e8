import { AwsServiceError } from '../../../local/http/errors.js';
import { escapeXml, jsonResponse, queryResponse } from '../../../local/http/protocols.js';
import type { AwsRequest, EmulatedService, WireProtocol } from '../../../local/types.js';

/**
 * Stub services for the server tests: each records the requests it got and answers by operation
 * with what the test put in `answers` (a value to return as JSON, or an error to throw).
 */
export interface StubService extends EmulatedService {
  requests: AwsRequest[];
  answers: Map<string, unknown>;
}

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function stubService(signingName: string, protocol: WireProtocol): StubService {
  const requests: AwsRequest[] = [];
  const answers = new Map<string, unknown>();
  return {
    signingName,
    protocol,
    requests,
    answers,
    async handle(request) {
      requests.push(request);
      const operation = operationOf(request, protocol);
      const answer = answers.get(operation);
      if (answer instanceof Error) throw answer;
      if (protocol === 'query') {
        const caller = request.caller;
        return queryResponse(
          operation,
          `<Arn>${escapeXml(caller.principalArn)}</Arn><UserId>${caller.accountId}</UserId><Account>${caller.accountId}</Account>`,
          STS_NAMESPACE,
        );
      }
      // JSON services parse the body the way real ones do, so garbage reaches the handler.
      if (request.body !== '') JSON.parse(request.body);
      return jsonResponse(answer ?? {}, 200, protocol);
    },
  };
}

function operationOf(request: AwsRequest, protocol: WireProtocol): string {
  if (protocol === 'query') {
    return new URLSearchParams(request.body).get('Action') ?? request.query.get('Action') ?? '';
  }
  if (protocol === 'rest-json') return `${request.method} ${request.path}`;
  const target = String(request.headers['x-amz-target'] ?? '');
  return target.slice(target.indexOf('.') + 1);
}

export function awsError(status: number, code: string, message: string): AwsServiceError {
  return new AwsServiceError(status, code, message);
}
