import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { XMLParser } from 'fast-xml-parser';

/**
 * A CloudFormation query-protocol client for the tests: a form-encoded POST signed with SigV4 (by
 * the SDK's own signer) and its XML answer parsed, as @aws-sdk/client-cloudformation does. The
 * project does not depend on that client; the operator CLI will.
 */

/** What the signer hashes: text or bytes. */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The SHA-256 the signer asks for (a hash, or an HMAC when given a secret), on node:crypto. */
class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
}

/** `member` elements are always lists, as the service model declares them. */
const parser = new XMLParser({
  isArray: (name) => name === 'member',
  parseTagValue: false,
  htmlEntities: true,
});

/** Lists of the query protocol: absent or empty elements are empty lists. */
export function membersOf<T>(list: unknown): T[] {
  return typeof list === 'object' && list !== null ? ((list as { member?: T[] }).member ?? []) : [];
}

export interface QueryAnswer {
  status: number;
  /** The parsed XML: `{ <Action>Response: { <Action>Result: … } }` or `{ ErrorResponse: … }`. */
  xml: Record<string, unknown>;
}

/**
 * Calls one CloudFormation action as `accountId`'s administrator in `region`.
 *
 * @example
 * const { xml } = await cloudformation(endpoint, HUB, 'eu-west-1', 'DescribeStacks', { StackName: 'hub' });
 */
export async function cloudformation(
  endpoint: string,
  accountId: string,
  region: string,
  action: string,
  params: Record<string, string> = {},
): Promise<QueryAnswer> {
  const url = new URL(endpoint);
  const body = new URLSearchParams({ Action: action, Version: '2010-05-15', ...params }).toString();
  const signer = new SignatureV4({
    service: 'cloudformation',
    region,
    credentials: { accessKeyId: accountId, secretAccessKey: 'local' },
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  const response = await fetch(endpoint, { method: 'POST', headers: signed.headers, body });
  return { status: response.status, xml: parser.parse(await response.text()) };
}

/** The <Action>Result element of a successful answer. */
export function resultOf(answer: QueryAnswer, action: string): Record<string, unknown> {
  const result = (answer.xml[`${action}Response`] as Record<string, unknown> | undefined)?.[
    `${action}Result`
  ];
  if (answer.status !== 200 || result === undefined) {
    throw new Error(`${action} answered ${answer.status}: ${JSON.stringify(answer.xml)}`);
  }
  return (result || {}) as Record<string, unknown>;
}

/** The Error element of an error answer. */
export function errorOf(answer: QueryAnswer): { Type?: string; Code?: string; Message?: string } {
  return ((answer.xml.ErrorResponse as { Error?: unknown } | undefined)?.Error ?? {}) as {
    Type?: string;
    Code?: string;
    Message?: string;
  };
}
