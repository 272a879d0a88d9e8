import {
  Agent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';

// Hop-by-hop headers belong to one connection and are not forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
];

/**
 * Forwards a request unchanged (method, path, headers, body) to a service on another loopback port,
 * and its answer back: dynamodb goes to dynalite this way, which speaks the protocol itself.
 * `onUnavailable` answers when the upstream cannot be reached before any byte was sent back.
 */
export function forwardRequest(
  request: IncomingMessage,
  response: ServerResponse,
  target: { port: number; agent: Agent },
  onUnavailable: (error: Error) => void,
): void {
  const upstream = httpRequest(
    {
      host: '127.0.0.1',
      port: target.port,
      method: request.method,
      path: request.url,
      headers: withoutHopByHop(request.headers),
      agent: target.agent,
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
      answer.pipe(response);
      answer.on('error', () => response.destroy());
    },
  );
  upstream.on('error', (error) => {
    if (response.headersSent) response.destroy();
    else onUnavailable(error);
  });
  request.pipe(upstream);
}

/** A keep-alive agent for the proxied ports. */
export function createProxyAgent(): Agent {
  return new Agent({ keepAlive: true });
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy: IncomingHttpHeaders = { ...headers };
  for (const name of HOP_BY_HOP) delete copy[name];
  return copy;
}
