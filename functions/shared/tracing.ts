import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { MiddlewareObj } from '@middy/core';
import type { AccountClients, ClientFactory } from './clients.js';

/** Powertools Tracer when tracing is on; with it off, the same shape doing nothing. */
export interface Tracing {
  /** Undefined when tracing is off. */
  tracer: Tracer | undefined;
  /** captureLambdaHandler, or none: use them first, so the handler's segment spans the rest. */
  middlewares: MiddlewareObj[];
  /** The same SDK client, its calls recorded as X-Ray subsegments. */
  capture: <T>(client: T) => T;
  /** The factory's clients, each captured once, when the factory creates it. */
  captureClients: (factory: ClientFactory) => ClientFactory;
}

const OFF: Tracing = {
  tracer: undefined,
  middlewares: [],
  capture: (client) => client,
  captureClients: (factory) => factory,
};

/**
 * Loads Powertools Tracer only when POWERTOOLS_TRACE_ENABLED is `true` (serverless.yml sets it from
 * the `tracing` parameter). With tracing off, Tracer and the X-Ray SDK are in the bundle but never
 * evaluated, and every method here leaves things as they are. Await it at module scope (init).
 *
 * @example
 * const tracing = await loadTracing();
 * const clientsFor = tracing.captureClients(createClientFactory({ ...hub, sts: tracing.capture(new STSClient({})) }));
 * export const handler = middy(task).use([...tracing.middlewares, injectLambdaContext(logger)]);
 */
export async function loadTracing(env: NodeJS.ProcessEnv = process.env): Promise<Tracing> {
  if (env.POWERTOOLS_TRACE_ENABLED?.trim().toLowerCase() !== 'true') return OFF;
  const [{ Tracer }, { captureLambdaHandler }] = await Promise.all([
    import('@aws-lambda-powertools/tracer'),
    import('@aws-lambda-powertools/tracer/middleware'),
  ]);
  const tracer = new Tracer();
  const capture = <T>(client: T): T => tracer.captureAWSv3Client(client);
  return {
    tracer,
    middlewares: [captureLambdaHandler(tracer) as MiddlewareObj],
    capture,
    captureClients: (factory) => {
      // The factory reuses its clients per account and Region: capture each when first handed out,
      // not in every invocation (capturing again replaces X-Ray's middleware, to no effect).
      const captured = new WeakSet<AccountClients>();
      return (target) => {
        const clients = factory(target);
        if (!captured.has(clients)) {
          capture(clients.lambda);
          capture(clients.appflow);
          captured.add(clients);
        }
        return clients;
      };
    },
  };
}
