import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorld } from '../../../local/world/load.js';
import { FIXTURES, type Mutable, problemsOf, useVariants } from './support.js';

const APPFLOW = join(FIXTURES, 'appflow.json');
const { variant: worldVariant } = useVariants(APPFLOW);

/** The fixture with one change to its only account. */
const variant = (change: (account: Mutable) => void) => worldVariant((world) => change(world.accounts[0]));

describe('world file AppFlow resources', () => {
  describe('a valid file', () => {
    const account = loadWorld(APPFLOW).accounts[0];

    it('keeps who registered each connector, when the world says', () => {
      expect(account?.connectors.map((connector) => connector.registeredBy)).toEqual([
        'arn:aws:sts::111111111111:assumed-role/AppFlowConnectorRegistrar/registrar-run-1',
        undefined,
      ]);
    });

    it('gives connector profiles their defaults: a Public CustomConnector profile', () => {
      expect(account?.connectorProfiles).toEqual([
        {
          name: 'crm-profile',
          region: 'eu-west-1',
          connectorType: 'CustomConnector',
          connectorLabel: 'crm',
          connectionMode: 'Public',
        },
        {
          name: 'crm-private',
          region: 'eu-west-1',
          connectorType: 'CustomConnector',
          connectorLabel: 'crm',
          connectionMode: 'Private',
          credentialsArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:appflow-crm-private',
          profileProperties: { instance: 'eu1' },
          createdAt: '2026-10-01T09:00:00Z',
          lastUpdatedAt: '2026-10-02T09:00:00Z',
        },
        { name: 'warehouse', region: 'eu-west-1', connectorType: 'Redshift', connectionMode: 'Public' },
      ]);
    });

    it('gives flows their defaults: Active, OnDemand, a label side typed CustomConnector', () => {
      expect(account?.flows).toEqual([
        {
          name: 'crm-to-s3',
          region: 'eu-west-1',
          sourceConnectorType: 'CustomConnector',
          sourceConnectorLabel: 'crm',
          destinationConnectorType: 'S3',
          status: 'Active',
          triggerType: 'OnDemand',
        },
        {
          name: 's3-to-crm',
          region: 'eu-west-1',
          sourceConnectorType: 'S3',
          destinationConnectorType: 'CustomConnector',
          destinationConnectorLabel: 'crm',
          status: 'Suspended',
          triggerType: 'Scheduled',
          description: 'Nightly push',
          createdBy: 'arn:aws:iam::111111111111:user/jane',
          createdAt: '2026-10-03T09:00:00Z',
          tags: { team: 'sales' },
        },
      ]);
    });
  });

  describe('refusals, each with its JSON path', () => {
    it('refuses a registeredBy that is not a principal ARN', () => {
      const problems = problemsOf(
        variant((account) => {
          account.connectors[1].registeredBy = 'jane';
        }),
      );
      expect(problems).toEqual([
        expect.stringMatching(
          /^accounts\[0\]\.connectors\[1\]\.registeredBy: "jane" is not valid; expected the ARN/,
        ),
      ]);
    });

    it('refuses bad connector profiles, all in one pass', () => {
      const problems = problemsOf(
        variant((account) => {
          account.connectorProfiles = [
            { name: 'no label', region: 'eu-west-1' },
            { name: 'typed', region: 'eu-west-1', connectorType: 'Redshift', connectorLabel: 'crm' },
            { name: 'moded', region: 'eu-west-1', connectorLabel: 'crm', connectionMode: 'VPN' },
            { name: 'moded', region: 'eu-west-1', connectorLabel: 'crm', credentialsArn: 'secret' },
            { name: 'props', region: 'eu-west-1', connectorLabel: 'crm', profileProperties: { 'a b': 'x' } },
            { name: 'kind', region: 'eu-west-1', connectorType: 'Mainframe', unknown: 1 },
            { name: 'twice', region: 'eu-west-1', connectorLabel: 'crm' },
            { name: 'twice', region: 'eu-west-1', connectorType: 'S3' },
          ];
        }),
      );
      expect(problems).toEqual([
        expect.stringMatching(/^accounts\[0\]\.connectorProfiles\[0\]\.name: "no label" is not valid/),
        'accounts[0].connectorProfiles[0].connectorLabel: expected a non-empty string; got nothing',
        'accounts[0].connectorProfiles[1].connectorLabel: only a CustomConnector profile has a connector label; this one is Redshift',
        expect.stringMatching(
          /^accounts\[0\]\.connectorProfiles\[2\]\.connectionMode: expected one of Public, Private; got "VPN"/,
        ),
        expect.stringMatching(
          /^accounts\[0\]\.connectorProfiles\[3\]\.credentialsArn: "secret" is not valid; expected an ARN/,
        ),
        'accounts[0].connectorProfiles[4].profileProperties["a b"]: property names are 1 to 128 letters, digits or _',
        expect.stringMatching(/^accounts\[0\]\.connectorProfiles\[5\]\.unknown: unknown field/),
        expect.stringMatching(
          /^accounts\[0\]\.connectorProfiles\[5\]\.connectorType: expected one of .*; got "Mainframe"$/,
        ),
        expect.stringMatching(
          /^accounts\[0\]\.connectorProfiles\[7\]\.name: "twice" is already a connector profile of this account in eu-west-1 \(connectorProfiles\[6\]\)/,
        ),
      ]);
    });

    it('refuses flows without a side, with contradicting sides or bad enums, and a name used twice', () => {
      const problems = problemsOf(
        variant((account) => {
          account.flows = [
            { name: 'one-sided', region: 'eu-west-1', sourceConnectorLabel: 'crm' },
            {
              name: 'mixed',
              region: 'eu-west-1',
              sourceConnectorLabel: 'crm',
              sourceConnectorType: 'S3',
              destinationConnectorType: 'CustomConnector',
            },
            {
              name: 'mixed',
              region: 'eu-west-1',
              sourceConnectorType: 'S3',
              destinationConnectorType: 'S3',
              status: 'Running',
              triggerType: 'Hourly',
            },
            {
              name: 'twice',
              region: 'eu-west-1',
              sourceConnectorType: 'S3',
              destinationConnectorLabel: 'crm',
            },
            {
              name: 'twice',
              region: 'eu-west-1',
              sourceConnectorLabel: 'crm',
              destinationConnectorType: 'S3',
            },
          ];
        }),
      );
      expect(problems).toEqual([
        'accounts[0].flows[0].destinationConnectorType: give destinationConnectorLabel (a custom connector) or destinationConnectorType (e.g. S3)',
        'accounts[0].flows[1].sourceConnectorType: a side with a connector label is a CustomConnector; got "S3"',
        "accounts[0].flows[1].destinationConnectorLabel: a CustomConnector side needs the connector's label",
        'accounts[0].flows[2].status: expected one of Active, Deprecated, Deleted, Draft, Errored, Suspended; got "Running"',
        'accounts[0].flows[2].triggerType: expected one of Scheduled, Event, OnDemand; got "Hourly"',
        expect.stringMatching(
          /^accounts\[0\]\.flows\[4\]\.name: "twice" is already a flow of this account in eu-west-1 \(flows\[3\]\)/,
        ),
      ]);
    });
  });
});
