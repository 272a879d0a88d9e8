import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountSpec, FunctionSpec, WorldFile } from '../../../local/index.js';
import { HEALTHY_CONNECTOR } from './paths.js';

/** The organization and accounts every resilience world shares: a hub and two spokes. */
export const ORGANIZATION_ID = 'o-r3s1l13nc3';
export const HUB = '111111111111';
export const SPOKES = [
  '222222222222',
  '333333333333',
  '444444444444',
  '555555555555',
  '666666666666',
] as const;
export const REGIONS = ['eu-west-1', 'us-east-1'] as const;
export const LABEL_TAG = 'appflow:connector-label';
export const DESCRIPTION_TAG = 'appflow:connector-description';

/** A connector function of a generated world: where it lives and how it is tagged. */
export interface WorldFunction {
  accountId: string;
  region: string;
  name: string;
  tags?: Record<string, string>;
}

/** A world written to a temporary folder; `remove` deletes the folder. */
export interface WrittenWorld {
  path: string;
  remove(): void;
}

/** The unqualified ARN of a world function. */
export function functionArnOf(fn: Pick<WorldFunction, 'accountId' | 'region' | 'name'>): string {
  return `arn:aws:lambda:${fn.region}:${fn.accountId}:function:${fn.name}`;
}

/** Who else is in the world: Regions of the hub, and accounts outside the organization. */
export interface WorldOptions {
  /** The hub's Regions, the first the default. Default: both REGIONS. */
  regions?: readonly string[];
  /** Accounts outside the organization (their PutEvents to the hub bus are refused). */
  outsiders?: readonly string[];
}

/**
 * Writes a world file (local/world/schema.ts) holding the hub, the spoke accounts with the spoke
 * role, accounts outside the organization, and the given functions, each running the healthy
 * sample connector.
 *
 * @example const world = writeWorld([{ accountId: HUB, region: 'eu-west-1', name: 'c-1', tags: { … } }]);
 */
export function writeWorld(functions: readonly WorldFunction[], options: WorldOptions = {}): WrittenWorld {
  const functionsOf = (accountId: string): FunctionSpec[] =>
    functions
      .filter((fn) => fn.accountId === accountId)
      .map((fn) => ({
        name: fn.name,
        region: fn.region,
        handler: HEALTHY_CONNECTOR,
        ...(fn.tags ? { tags: fn.tags } : {}),
      }));
  const accounts: AccountSpec[] = [
    { accountId: HUB, functions: functionsOf(HUB) },
    ...SPOKES.map((accountId) => ({
      accountId,
      functions: functionsOf(accountId),
    })),
    ...(options.outsiders ?? []).map((accountId) => ({
      accountId,
      inOrganization: false,
      functions: functionsOf(accountId),
    })),
  ];
  const world: WorldFile = {
    organizationId: ORGANIZATION_ID,
    hub: { accountId: HUB, regions: [...(options.regions ?? REGIONS)] },
    accounts,
  };
  const dir = mkdtempSync(join(tmpdir(), 'registrar-resilience-'));
  const path = join(dir, 'world.json');
  writeFileSync(path, `${JSON.stringify(world, null, 2)}\n`);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * `count` tagged connectors spread round-robin over the hub and spoke accounts and both Regions,
 * so no account and Region holds more than a few (the register function paces AppFlow per account
 * and Region).
 */
export function spreadConnectors(
  prefix: string,
  count: number,
  regions: readonly string[] = REGIONS,
): WorldFunction[] {
  const places = [HUB, ...SPOKES].flatMap((accountId) => regions.map((region) => ({ accountId, region })));
  return Array.from({ length: count }, (_, i) => {
    const place = places[i % places.length] as { accountId: string; region: string };
    const name = `${prefix}-${String(i).padStart(3, '0')}`;
    return { ...place, name, tags: { [LABEL_TAG]: name } };
  });
}
