import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployLandingZone, type LandingZone, SPOKE_STACK_NAME } from '../../../local/deploy/landing-zone.js';
import { packageHub } from '../../../local/deploy/package.js';
import { SPOKE_TEMPLATE } from '../../../local/stack.js';
import { type LoadedWorld, loadWorld } from '../../../local/world/load.js';
import { defaultLandingZone, ROOT } from '../support/hub.js';

const OVERRIDES_WORLD = fileURLToPath(new URL('./fixtures/overrides-world.json', import.meta.url));

describe('deployLandingZone', () => {
  describe('the default world', () => {
    let world: LoadedWorld;
    let zone: LandingZone;

    beforeAll(async () => {
      ({ world, zone } = await defaultLandingZone());
    });

    const spoke = (accountId: string, region: string) =>
      zone.spokes.find((stack) => stack.accountId === accountId && stack.region === region);

    it('deploys the spoke into every account of the organization in every Region, as the StackSet would', () => {
      const members = world.accounts.filter((account) => account.inOrganization).map((a) => a.accountId);
      expect(zone.spokes.map((stack) => `${stack.accountId}/${stack.region}`).sort()).toEqual(
        members
          .flatMap((accountId) => ['eu-west-1', 'us-east-1'].map((region) => `${accountId}/${region}`))
          .sort(),
      );
      expect(zone.spokes.every((stack) => stack.stackName === SPOKE_STACK_NAME)).toBe(true);
      expect(zone.spokes.some((stack) => stack.accountId === '999999999999')).toBe(false);
    });

    it('passes the parameters the README names: each Region’s hub bus, every hub role, one RoleRegion', () => {
      const [eu, us] = zone.hubs;
      // The functions that act in member accounts; RecordOutcome only puts on their default bus, and
      // AlertGate stays in the hub.
      const actingIn = zone.hubs.flatMap((hub) =>
        hub.functions.filter((fn) => !fn.name.endsWith('-recordOutcome') && !fn.name.endsWith('-alertGate')),
      );
      const hubRoles = actingIn.map((fn) => fn.roleArn);
      const outcomeRoles = zone.hubs.map((hub) => hub.stack.outputs.HubOutcomeRoleArns?.value);
      expect(spoke('222222222222', 'us-east-1')?.parameters).toMatchObject({
        HubAccountId: world.hub.accountId,
        HubEventBusArn: us?.eventBus.arn,
        OrganizationId: world.organizationId,
        RoleRegion: 'eu-west-1',
        SpokeRoleName: 'AppFlowConnectorRegistrar',
      });
      expect(spoke('222222222222', 'eu-west-1')?.parameters.HubEventBusArn).toBe(eu?.eventBus.arn);
      expect([...(spoke('222222222222', 'eu-west-1')?.parameters.HubFunctionRoleArns ?? [])].sort()).toEqual(
        hubRoles.sort(),
      );
      // Passed by the default world as a parameter override (the landing zone does not pass it yet).
      expect([...(spoke('222222222222', 'eu-west-1')?.parameters.HubOutcomeRoleArns ?? [])]).toEqual(
        outcomeRoles,
      );
    });

    it('creates the spoke role once per account, in RoleRegion, and forwarding rules in every Region', () => {
      expect(
        spoke('222222222222', 'eu-west-1')
          ?.roles.map((role) => role.name)
          .sort(),
      ).toEqual([
        'AppFlowConnectorRegistrar',
        expect.stringMatching(/^StackSet-appflow-connector-registrar-spoke-Forward/),
      ]);
      expect(spoke('222222222222', 'us-east-1')?.roles.map((role) => role.name)).toEqual([
        expect.stringMatching(/^StackSet-appflow-connector-registrar-spoke-Forward/),
      ]);
      const forwarding = spoke('222222222222', 'us-east-1')?.rules ?? [];
      expect(forwarding.length).toBeGreaterThan(0);
      for (const rule of forwarding) {
        expect(rule.eventBusName).toBe('default');
        expect(rule.targets).toEqual([
          expect.objectContaining({
            kind: 'events',
            arn: zone.hubs[1]?.eventBus.arn,
            roleArn: expect.any(String),
          }),
        ]);
      }
    });

    it('forwards nothing from the hub account, whose own default bus the hub already listens on', () => {
      expect(spoke(world.hub.accountId, 'eu-west-1')?.rules).toEqual([]);
    });
  });

  describe('a world with per-account overrides', () => {
    let zone: LandingZone;

    beforeAll(async () => {
      const world = loadWorld(OVERRIDES_WORLD);
      const packaged = await packageHub({ root: ROOT, params: { organizationId: world.organizationId } });
      zone = deployLandingZone(world, packaged, { spokeTemplatePath: SPOKE_TEMPLATE });
    });

    it('leaves out an account the StackSet does not reach, and applies an account’s parameter overrides', () => {
      expect(zone.spokes.map((stack) => stack.accountId)).not.toContain('333333333333');
      const overridden = zone.spokes.find((stack) => stack.accountId === '222222222222');
      expect(overridden?.parameters.HubFunctionRoleArns).toEqual([
        'arn:aws:iam::777777777777:role/another-hub',
      ]);
      const trust = overridden?.roles.find((role) => role.name === 'AppFlowConnectorRegistrar')?.trustPolicy;
      expect(JSON.stringify(trust)).toContain('arn:aws:iam::777777777777:role/another-hub');
    });
  });
});
