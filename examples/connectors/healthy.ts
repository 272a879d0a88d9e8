import type { Context } from 'aws-lambda';
import { createContactsConnector } from './contacts-connector.js';
import { ContactStore } from './contacts-store.js';
import type { ConnectorResponse } from './protocol.js';

// Module scope: the store lives as long as the execution environment, like a warm Lambda's state.
const connector = createContactsConnector(new ContactStore());

/**
 * A complete small AppFlow custom connector over an in-memory "contacts" entity. It answers every
 * request type of the custom-connector protocol, so the registrar can verify and register it.
 */
export async function handler(event: unknown, context: Context): Promise<ConnectorResponse> {
  const type = (event as { type?: unknown } | null)?.type;
  console.log(`healthy connector ${context.functionName}: ${String(type)}`);
  return connector(event);
}
