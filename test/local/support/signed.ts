import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';

/** SHA-256 (and its HMAC) from node:crypto, in the shape SignatureV4 wants. */
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

export interface SignedAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * One awsJson 1.1 call signed with SigV4 as the SDK signs it (@smithy/signature-v4), for a service
 * whose SDK client the project does not depend on (the Resource Groups Tagging API).
 *
 * @example await signedJsonCall(endpoint, { service: 'tagging', target: 'ResourceGroupsTaggingAPI_20170126.GetResources', body: {} });
 */
export async function signedJsonCall(
  endpoint: string,
  request: { service: string; target: string; body: unknown; accessKeyId: string; region: string },
): Promise<SignedAnswer> {
  const url = new URL(endpoint);
  const text = JSON.stringify(request.body);
  const signer = new SignatureV4({
    credentials: { accessKeyId: request.accessKeyId, secretAccessKey: 'local' },
    region: request.region,
    service: request.service,
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': request.target,
    },
    body: text,
  });
  const response = await fetch(endpoint, { method: 'POST', headers: signed.headers, body: text });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
