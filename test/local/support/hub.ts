import { fileURLToPath } from 'node:url';
import {
  deployLandingZone,
  type HubDeployment,
  type LandingZone,
} from '../../../local/deploy/landing-zone.js';
import { packageHub } from '../../../local/deploy/package.js';
import { RoleRegistry } from '../../../local/iam/roles.js';
import { DEFAULT_WORLD, SPOKE_TEMPLATE } from '../../../local/stack.js';
import { type LoadedWorld, loadWorld } from '../../../local/world/load.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const HUB = '111111111111';

let zone: Promise<{ world: LoadedWorld; zone: LandingZone }> | undefined;

/**
 * The default world's landing zone as the local stack deploys it (the packaged hub in each hub
 * Region, the spoke in every member account), deployed once per test file.
 */
export function defaultLandingZone(): Promise<{ world: LoadedWorld; zone: LandingZone }> {
  zone ??= (async () => {
    const world = loadWorld(DEFAULT_WORLD);
    const packaged = await packageHub({ root: ROOT, params: { organizationId: world.organizationId } });
    return { world, zone: deployLandingZone(world, packaged, { spokeTemplatePath: SPOKE_TEMPLATE }) };
  })();
  return zone;
}

/** The hub stack in each of the default world's hub Regions, the first in eu-west-1. */
export async function hubDeployments(): Promise<HubDeployment[]> {
  return (await defaultLandingZone()).zone.hubs;
}

/** A role registry holding every role of the stacks, as the stack's IAM would. */
export function rolesOf(world: LoadedWorld, zone: LandingZone): RoleRegistry {
  const roles = new RoleRegistry((accountId) =>
    world.accounts.find((account) => account.accountId === accountId)?.inOrganization
      ? world.organizationId
      : undefined,
  );
  for (const stack of [...zone.hubs.map((hub) => hub.stack), ...zone.spokes]) {
    for (const role of stack.roles) roles.add(role);
  }
  return roles;
}
