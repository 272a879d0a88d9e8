import { describe, expect, it } from 'vitest';
import {
  isRegistrarPrincipal,
  loadRegistrarRoleName,
  type RegistrarIdentity,
} from '../../../functions/shared/registrar-principal.js';

const HUB = '111111111111';
const SPOKE = '222222222222';
const identity: RegistrarIdentity = {
  hubAccountId: HUB,
  spokeRoleName: 'AppFlowConnectorRegistrar',
  partition: 'aws',
  registrarRoleName: 'appflow-connector-registrar-dev-eu-west-1-register',
};

describe('isRegistrarPrincipal', () => {
  describe('in a member account', () => {
    it.each([
      [
        'a session of the spoke role',
        `arn:aws:sts::${SPOKE}:assumed-role/AppFlowConnectorRegistrar/registrar-0b6f3d0e`,
      ],
      ['the spoke role itself', `arn:aws:iam::${SPOKE}:role/AppFlowConnectorRegistrar`],
    ])('is the registrar: %s', (_, registeredBy) => {
      expect(isRegistrarPrincipal(registeredBy, SPOKE, identity)).toBe(true);
    });

    it.each([
      ['a person', `arn:aws:sts::${SPOKE}:assumed-role/platform-admin/jane.doe`],
      ['the account root', `arn:aws:iam::${SPOKE}:root`],
      ['an IAM user', `arn:aws:iam::${SPOKE}:user/AppFlowConnectorRegistrar`],
      [
        'the spoke role of another account',
        `arn:aws:sts::333333333333:assumed-role/AppFlowConnectorRegistrar/registrar-1`,
      ],
      [
        'the spoke role in another partition',
        `arn:aws-cn:sts::${SPOKE}:assumed-role/AppFlowConnectorRegistrar/registrar-1`,
      ],
      [
        'the hub’s RegisterConnector role',
        `arn:aws:sts::${SPOKE}:assumed-role/appflow-connector-registrar-dev-eu-west-1-register/x`,
      ],
      [
        'a role whose name only starts like it',
        `arn:aws:sts::${SPOKE}:assumed-role/AppFlowConnectorRegistrarX/registrar-1`,
      ],
      ['a role with a path naming it', `arn:aws:iam::${SPOKE}:role/team/AppFlowConnectorRegistrar`],
      ['nothing', undefined],
      ['an unknown form', 'AppFlowConnectorRegistrar'],
    ])('is not the registrar: %s', (_, registeredBy) => {
      expect(isRegistrarPrincipal(registeredBy, SPOKE, identity)).toBe(false);
    });
  });

  describe('in the hub account', () => {
    it('is the registrar: a session of the hub’s RegisterConnector role (the function’s own)', () => {
      const registeredBy = `arn:aws:sts::${HUB}:assumed-role/appflow-connector-registrar-dev-eu-west-1-register/appflow-connector-registrar-dev-registerConnector`;
      expect(isRegistrarPrincipal(registeredBy, HUB, identity)).toBe(true);
    });

    it.each([
      [
        'a session of the spoke role, which the hub does not use at home',
        `arn:aws:sts::${HUB}:assumed-role/AppFlowConnectorRegistrar/registrar-1`,
      ],
      [
        'another stage’s RegisterConnector role',
        `arn:aws:sts::${HUB}:assumed-role/appflow-connector-registrar-prod-eu-west-1-register/x`,
      ],
      ['a person', `arn:aws:sts::${HUB}:assumed-role/platform-admin/jane.doe`],
    ])('is not the registrar: %s', (_, registeredBy) => {
      expect(isRegistrarPrincipal(registeredBy, HUB, identity)).toBe(false);
    });
  });
});

describe('loadRegistrarRoleName', () => {
  it('reads REGISTRAR_ROLE_NAME', () => {
    expect(loadRegistrarRoleName({ REGISTRAR_ROLE_NAME: 'the-role' })).toBe('the-role');
  });

  it('names the variable when it is missing', () => {
    expect(() => loadRegistrarRoleName({})).toThrow(/REGISTRAR_ROLE_NAME/);
  });
});
