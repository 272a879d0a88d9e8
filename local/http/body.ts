import type { IncomingMessage } from 'node:http';

export type BodyResult = { kind: 'read'; body: string } | { kind: 'too-large'; bytes: number };

/**
 * Reads a request body as UTF-8 up to `limitBytes`. Past the limit it keeps reading and drops the
 * rest, so the 413 reaches a client that is still writing instead of a reset connection.
 */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limitBytes) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.on('end', () =>
      resolve(
        bytes > limitBytes
          ? { kind: 'too-large', bytes }
          : { kind: 'read', body: Buffer.concat(chunks).toString('utf8') },
      ),
    );
    request.on('error', reject);
  });
}
