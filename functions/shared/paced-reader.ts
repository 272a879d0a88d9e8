import type { ClientFactory } from './clients.js';
import { type HubConfig, loadHubConfig } from './config.js';
import { requireEnv } from './env.js';
import { createPacedClientFactory } from './paced-clients.js';
import { loadPacerConfig } from './pacer-config.js';
import { loadRegistrarRoleName, type RegistrarIdentity } from './registrar-principal.js';

/** What a function that reads registrations needs at module scope. */
export interface RegistrationReader {
  hub: HubConfig;
  identity: RegistrarIdentity;
  clientsFor: ClientFactory;
  /** The hub's table: the pacer's slots, and the idempotency records of a function that keeps them. */
  tableName: string;
}

/**
 * The module-scope setup of a function that reads AppFlow registrations and tells the registrar's
 * apart (VerifyRemoval, ClassifyAccount, UnregisterConnector): the hub's settings, who the registrar is, and clients
 * whose AppFlow requests take slots of the same request budget as every other AppFlow call of the
 * registrar. Call it once at module scope: clients and spoke credentials are reused across warm
 * invocations.
 *
 * @example const { hub, identity, clientsFor } = loadRegistrationReader(SPOKE_ACTIONS);
 */
export function loadRegistrationReader(spokeActions: readonly string[]): RegistrationReader {
  const hub = loadHubConfig();
  const identity = { ...hub, registrarRoleName: loadRegistrarRoleName() };
  const tableName = requireEnv('IDEMPOTENCY_TABLE_NAME');
  const clientsFor = createPacedClientFactory(hub, loadPacerConfig(), tableName, spokeActions);
  return { hub, identity, clientsFor, tableName };
}
