import { Tags } from '../../../functions/shared/event-types.js';
import { isRegistrarPrincipal } from '../../../functions/shared/registrar-principal.js';
import type { RemovalReason } from '../../../functions/shared/types.js';
import type { ExpectedUnregistration } from '../../../local/events/sample.js';
import type { WorldFile } from '../../../local/world/schema.js';

/** What a removal signal for a function must come to in a fresh world, read from the world file alone. */
export interface RemovalVerdict {
  outcome: 'skipped' | 'unregistered' | 'failed';
  error?: 'ConnectorInUseError';
  unregistered: ExpectedUnregistration[];
}

/**
 * VerifyRemoval and UnregisterConnector as the README states them, over the world file: a deletion
 * signal stands only if the function is gone; the registrations to undo are the registrar's that
 * point at exactly this function under a label it does not carry now; a label a profile or a flow
 * uses fails the execution. The local stack deploys the hub with the stage dev.
 */
export function removalVerdict(
  world: WorldFile,
  target: { accountId: string; region: string; functionName: string },
  deletion: boolean,
): RemovalVerdict {
  const account = world.accounts.find((a) => a.accountId === target.accountId);
  const fn = account?.functions.find((f) => f.name === target.functionName && f.region === target.region);
  if (deletion && fn) return { outcome: 'skipped', unregistered: [] };
  const label = fn?.tags?.[Tags.connectorLabel];
  const identity = {
    hubAccountId: world.hub.accountId,
    spokeRoleName: 'AppFlowConnectorRegistrar',
    partition: 'aws',
    registrarRoleName: `appflow-connector-registrar-dev-${target.region}-register`,
  };
  const reason: RemovalReason =
    fn === undefined ? 'deleted' : label === undefined ? 'untagged' : 'relabelled';
  const stale = (account?.connectors ?? []).filter(
    (c) =>
      c.region === target.region &&
      c.functionName === target.functionName &&
      c.label !== label &&
      isRegistrarPrincipal(c.registeredBy, target.accountId, identity),
  );
  if (stale.length === 0) return { outcome: 'skipped', unregistered: [] };
  const inUse = (name: string) =>
    (account?.connectorProfiles ?? []).some((p) => p.region === target.region && p.connectorLabel === name) ||
    (account?.flows ?? []).some(
      (f) =>
        f.region === target.region &&
        (f.sourceConnectorLabel === name || f.destinationConnectorLabel === name),
    );
  if (stale.some((c) => inUse(c.label)))
    return { outcome: 'failed', error: 'ConnectorInUseError', unregistered: [] };
  return {
    outcome: 'unregistered',
    unregistered: stale.map((c) => ({ connectorLabel: c.label, reason })),
  };
}
