import type { IncomingHttpHeaders } from 'node:http';

/** The SigV4 credential scope of a request: who signed it, for which Region and service. */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export type ScopeResult =
  | { kind: 'signed'; scope: CredentialScope }
  /** No Authorization header and no X-Amz-Credential: AWS answers MissingAuthenticationToken. */
  | { kind: 'missing' }
  /** Something that is not a usable SigV4 signature: AWS answers IncompleteSignature. */
  | { kind: 'malformed'; reason: string };

const SIGV4 = 'AWS4-HMAC-SHA256';
// SigV4a (multi-Region) scopes have no Region; it travels in X-Amz-Region-Set instead.
const SIGV4A = 'AWS4-ECDSA-P256-SHA256';

/**
 * Reads the credential scope from the Authorization header (`AWS4-HMAC-SHA256 Credential=AKID/
 * 20261127/eu-west-1/appflow/aws4_request, SignedHeaders=…, Signature=…`) or, for presigned URLs,
 * from the X-Amz-Credential query parameter. Only the scope is read: the signature is not checked
 * (see server.ts).
 */
export function readCredentialScope(headers: IncomingHttpHeaders, query: URLSearchParams): ScopeResult {
  const authorization = headers.authorization;
  if (authorization !== undefined && authorization !== '') return fromAuthorization(authorization, headers);
  const credential = query.get('X-Amz-Credential');
  if (credential !== null) {
    const algorithm = query.get('X-Amz-Algorithm') ?? SIGV4;
    return fromCredential(credential, algorithm, headers);
  }
  return { kind: 'missing' };
}

function fromAuthorization(authorization: string, headers: IncomingHttpHeaders): ScopeResult {
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== SIGV4 && algorithm !== SIGV4A) {
    return {
      kind: 'malformed',
      reason: `Unsupported signing algorithm "${excerpt(algorithm)}"; expected ${SIGV4}`,
    };
  }
  const parameters = new Map<string, string>();
  for (const part of authorization.slice(space + 1).split(',')) {
    const equals = part.indexOf('=');
    if (equals > 0) parameters.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !parameters.get(name));
  if (missing.length > 0) {
    return {
      kind: 'malformed',
      reason: `${missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' ')} Authorization=${excerpt(authorization)}`,
    };
  }
  return fromCredential(parameters.get('Credential') ?? '', algorithm, headers);
}

function fromCredential(credential: string, algorithm: string, headers: IncomingHttpHeaders): ScopeResult {
  const parts = credential.split('/');
  if (algorithm === SIGV4A && parts.length === 4) {
    const [accessKeyId, date, service, terminator] = parts as [string, string, string, string];
    const regionSet = header(headers, 'x-amz-region-set');
    const region = regionSet?.split(',')[0]?.trim();
    if (accessKeyId && date && service && terminator === 'aws4_request' && region && region !== '*') {
      return { kind: 'signed', scope: { accessKeyId, date, region, service } };
    }
  }
  if (parts.length === 5) {
    const [accessKeyId, date, region, service, terminator] = parts as [
      string,
      string,
      string,
      string,
      string,
    ];
    if (accessKeyId && /^\d{8}$/.test(date) && region && service && terminator === 'aws4_request') {
      return { kind: 'signed', scope: { accessKeyId, date, region, service } };
    }
  }
  return {
    kind: 'malformed',
    reason: `Credential should be scoped to a valid Region, not "${excerpt(credential)}"; expected <access key>/<yyyymmdd>/<region>/<service>/aws4_request`,
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
