import type { Context } from 'aws-lambda';
import { handler as healthy } from './healthy.js';
import type { ConnectorResponse } from './protocol.js';

/** How long the connector stalls before answering; far beyond the 1 s timeout the world gives it. */
export const DEFAULT_DELAY_MS = 5000;

/**
 * A connector stuck on a slow backend: it answers correctly, but only after SLOW_CONNECTOR_DELAY_MS
 * (default 5 s), so within its Lambda timeout it never answers and the invocation times out.
 */
export async function handler(event: unknown, context: Context): Promise<ConnectorResponse> {
  const delayMs = Number(process.env.SLOW_CONNECTOR_DELAY_MS ?? DEFAULT_DELAY_MS);
  console.log(`slow connector ${context.functionName}: waiting ${delayMs} ms for the backend`);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  return healthy(event, context);
}
