import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy on loopback that counts DynamoDB operations (X-Amz-Target) before
 * forwarding them to the stack's endpoint. The registrar's functions are pointed at it with
 * AWS_ENDPOINT_URL_DYNAMODB (the SDK prefers it over AWS_ENDPOINT_URL), so the benchmark counts the
 * requests DynamoDB would bill without touching the stack.
 */
export interface DynamoDbCounter {
  /** http://127.0.0.1:<port>, for AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint: string;
  /** Operations by name since the last reset (PutItem, UpdateItem, GetItem, …). */
  counts(): Record<string, number>;
  /** GetItem calls that asked for ConsistentRead (a strongly consistent read costs twice as much). */
  consistentReads(): number;
  reset(): void;
  /** Where to forward: the stack's endpoint, known only once it started. */
  target(endpoint: string): void;
  close(): Promise<void>;
}

export async function startDynamoDbCounter(): Promise<DynamoDbCounter> {
  let counts: Record<string, number> = {};
  let consistent = 0;
  let upstream: URL | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });

  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const target = String(incoming.headers['x-amz-target'] ?? '');
      const operation = target.slice(target.indexOf('.') + 1) || 'unknown';
      counts[operation] = (counts[operation] ?? 0) + 1;
      if (operation === 'GetItem' && body.includes('"ConsistentRead":true')) consistent += 1;
      if (!upstream) {
        outgoing.writeHead(503).end('the stack endpoint is not known yet');
        return;
      }
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
          agent,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on('error', (error) => {
        if (!outgoing.headersSent) outgoing.writeHead(502);
        outgoing.end(String(error));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    consistentReads: () => consistent,
    reset: () => {
      counts = {};
      consistent = 0;
    },
    target: (endpoint) => {
      upstream = new URL(endpoint);
    },
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
