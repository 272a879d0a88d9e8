import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsRequest, AwsResponse, EmulatedService, IdentityRegistry, WireProtocol } from '../types.js';
import { readBody } from './body.js';
import { AwsServiceError } from './errors.js';
import {
  guessProtocol,
  incompleteSignature,
  internalFailure,
  missingAuthentication,
  requestTooLarge,
  unknownService,
  upstreamUnavailable,
} from './gateway-errors.js';
import { errorResponse } from './protocols.js';
import { createProxyAgent, forwardRequest } from './proxy.js';
import { readCredentialScope } from './scope.js';

/** 10 MiB: above every request body AWS accepts on the emulated APIs (Lambda's 6 MB is the largest). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** One line of what went wrong inside the server, for the stack's log. */
export interface ServerLogEntry {
  level: 'error' | 'warn';
  message: string;
  service?: string;
  method?: string;
  path?: string;
  error?: unknown;
}

export interface AwsServerOptions {
  services: EmulatedService[];
  identity: IdentityRegistry;
  /** 0 or absent: a free port. */
  port?: number;
  /** Always loopback: the emulation trusts whatever key it is given. */
  host?: '127.0.0.1';
  /** Signing name → local port whose server speaks that service itself (dynamodb → dynalite). */
  proxies?: Record<string, { port: number }>;
  maxBodyBytes?: number;
  /** Where failures of services go; default: one JSON line on stderr. */
  log?: (entry: ServerLogEntry) => void;
}

export interface AwsServer {
  /** For AWS_ENDPOINT_URL: http://127.0.0.1:<port>. */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the one loopback port every emulated service answers on. Each request is routed by the
 * signing name of its SigV4 credential scope (what AWS_ENDPOINT_URL clients send), and its access
 * key is resolved to a caller by `identity`.
 *
 * Signatures are NOT verified: the emulation does not know users' secrets (the AWS CLI signs with
 * whatever the user configured), so only the scope is read. A request with no signature or a
 * malformed one gets AWS's answer for it.
 *
 * A service's AwsServiceError is written in its wire protocol; any other exception becomes a 500
 * InternalFailure, logged, and never takes the process down.
 *
 * @example
 * const server = await startAwsServer({ services: [appflow, sts], identity, port: 0 });
 * process.env.AWS_ENDPOINT_URL = server.endpoint;
 */
export async function startAwsServer(options: AwsServerOptions): Promise<AwsServer> {
  const services = new Map(options.services.map((service) => [service.signingName, service]));
  const proxies = new Map(Object.entries(options.proxies ?? {}));
  const served = [...services.keys(), ...proxies.keys()].sort();
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const log = options.log ?? ((entry) => process.stderr.write(`${JSON.stringify(logLine(entry))}\n`));
  const agent = createProxyAgent();

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const scoped = readCredentialScope(request.headers, url.searchParams);
    const shapeProtocol = guessProtocol(request.headers, url.searchParams);

    if (scoped.kind === 'missing')
      return send(response, errorResponse(missingAuthentication(shapeProtocol), shapeProtocol));
    if (scoped.kind === 'malformed') {
      return send(response, errorResponse(incompleteSignature(shapeProtocol, scoped.reason), shapeProtocol));
    }
    const { scope } = scoped;

    const proxy = proxies.get(scope.service);
    if (proxy) {
      forwardRequest(request, response, { port: proxy.port, agent }, (error) => {
        log({ level: 'warn', message: 'proxied service unreachable', service: scope.service, error });
        send(
          response,
          errorResponse(upstreamUnavailable(scope.service, proxy.port, error.message), shapeProtocol),
        );
      });
      return;
    }

    const service = services.get(scope.service);
    if (!service) {
      return send(
        response,
        errorResponse(unknownService(shapeProtocol, scope.service, served), shapeProtocol),
      );
    }
    const protocol = service.protocol;

    const body = await readBody(request, maxBodyBytes);
    if (body.kind === 'too-large')
      return send(response, errorResponse(requestTooLarge(protocol, maxBodyBytes), protocol));

    try {
      const awsRequest: AwsRequest = {
        service: scope.service,
        region: scope.region,
        accessKeyId: scope.accessKeyId,
        caller: options.identity.resolve(scope.accessKeyId),
        method: request.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        body: body.body,
      };
      send(response, await service.handle(awsRequest));
    } catch (error) {
      send(response, failureResponse(error, protocol, { service: scope.service, request, log }));
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // Reached only when the request itself broke (client gone mid-body): nothing to answer.
      log({ level: 'warn', message: 'request abandoned', method: request.method, path: request.url, error });
      try {
        send(response, errorResponse(internalFailure(messageOf(error)), 'rest-json'));
      } catch {
        response.destroy();
      }
    });
  });
  // The SDKs keep connections alive; keep them longer than their idle timeout so a reused socket is never
  // closed under a request in flight.
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

function failureResponse(
  error: unknown,
  protocol: WireProtocol,
  context: { service: string; request: IncomingMessage; log: (entry: ServerLogEntry) => void },
): AwsResponse {
  if (error instanceof AwsServiceError) return errorResponse(error, protocol);
  context.log({
    level: 'error',
    message: 'service failed',
    service: context.service,
    method: context.request.method,
    path: context.request.url,
    error,
  });
  return errorResponse(internalFailure(`${context.service} failed: ${messageOf(error)}`), protocol);
}

function send(response: ServerResponse, answer: AwsResponse): void {
  if (response.headersSent || response.destroyed) return;
  const body = answer.body ?? '';
  const headers: Record<string, string> = {
    'x-amzn-requestid': randomUUID(),
    ...answer.headers,
    'content-length': String(Buffer.byteLength(body)),
  };
  response.writeHead(answer.status, headers);
  response.end(body);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function logLine(entry: ServerLogEntry): Record<string, unknown> {
  const { error, ...rest } = entry;
  return error instanceof Error ? { ...rest, error: error.stack ?? error.message } : { ...rest, error };
}
