import {
  ConflictException,
  DescribeConnectorCommand,
  DescribeConnectorProfilesCommand,
  type DescribeConnectorProfilesCommandInput,
  ListConnectorsCommand,
  ListFlowsCommand,
  RegisterConnectorCommand,
  UnregisterConnectorCommand,
  ValidationException,
} from '@aws-sdk/client-appflow';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AccountSpec } from '../../../local/world/schema.js';
import {
  answers,
  CONFIGURATION,
  deployed,
  fixture,
  HUB,
  REGION,
  registration,
  rejectionOf,
  SPOKE,
  START,
  useAppFlow,
} from './harness.js';

const h = useAppFlow();
const DAY_BEFORE = new Date(START - 24 * 60 * 60 * 1000);

beforeEach(() => {
  for (const name of ['crm-connector', 'erp-connector', 'new-connector'])
    h.deploy(deployed(name), answers.json(CONFIGURATION));
  h.rebuild({ accounts: fixture<AccountSpec[]>('profiles-and-flows.json') });
});

async function profileNames(input: DescribeConnectorProfilesCommandInput): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await h.client().send(new DescribeConnectorProfilesCommand({ ...input, nextToken }));
    names.push(...(page.connectorProfileDetails ?? []).map((profile) => profile.connectorProfileName ?? ''));
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}

describe('AppFlow connector profiles and flows from the world', () => {
  describe('DescribeConnectorProfiles', () => {
    it('finds the profiles that use a label, a page at a time', async () => {
      const first = await h
        .client()
        .send(new DescribeConnectorProfilesCommand({ connectorLabel: 'crm', maxResults: 2 }));
      expect(first.connectorProfileDetails?.map((profile) => profile.connectorProfileName)).toEqual([
        'crm-a',
        'crm-b',
      ]);
      expect(first.nextToken).toEqual(expect.any(String));
      expect(await profileNames({ connectorLabel: 'crm', maxResults: 2 })).toEqual([
        'crm-a',
        'crm-b',
        'crm-c',
      ]);
    });

    it('describes each profile as AWS does: ARN, type, label, mode, properties, dates', async () => {
      const { connectorProfileDetails } = await h
        .client()
        .send(
          new DescribeConnectorProfilesCommand({ connectorProfileNames: ['crm-a', 'crm-b', 'warehouse'] }),
        );
      expect(connectorProfileDetails).toEqual([
        {
          connectorProfileArn: `arn:aws:appflow:${REGION}:${HUB}:connectorprofile/crm-a`,
          connectorProfileName: 'crm-a',
          connectorType: 'CustomConnector',
          connectorLabel: 'crm',
          connectionMode: 'Public',
          connectorProfileProperties: { CustomConnector: {} },
          createdAt: DAY_BEFORE,
          lastUpdatedAt: DAY_BEFORE,
        },
        {
          connectorProfileArn: `arn:aws:appflow:${REGION}:${HUB}:connectorprofile/crm-b`,
          connectorProfileName: 'crm-b',
          connectorType: 'CustomConnector',
          connectorLabel: 'crm',
          connectionMode: 'Private',
          credentialsArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:appflow-crm-b',
          connectorProfileProperties: { CustomConnector: { profileProperties: { instance: 'eu1' } } },
          createdAt: new Date('2026-10-01T09:00:00Z'),
          lastUpdatedAt: new Date('2026-10-02T09:00:00Z'),
        },
        {
          connectorProfileArn: `arn:aws:appflow:${REGION}:${HUB}:connectorprofile/warehouse`,
          connectorProfileName: 'warehouse',
          connectorType: 'Redshift',
          connectionMode: 'Public',
          connectorProfileProperties: {},
          createdAt: DAY_BEFORE,
          lastUpdatedAt: DAY_BEFORE,
        },
      ]);
    });

    it('narrows by type and names, answers an empty list for no match, and sees its own Region only', async () => {
      expect(await profileNames({ connectorType: 'Redshift' })).toEqual(['warehouse']);
      expect(await profileNames({ connectorType: 'CustomConnector', connectorLabel: 'erp' })).toEqual([
        'erp-a',
      ]);
      expect(await profileNames({ connectorProfileNames: ['no-such-profile'] })).toEqual([]);
      const us = await h
        .client({ region: 'us-east-1' })
        .send(new DescribeConnectorProfilesCommand({ connectorLabel: 'crm' }));
      expect(us.connectorProfileDetails?.map((profile) => profile.connectorProfileName)).toEqual(['crm-us']);
      const spoke = await h.client({ accessKeyId: SPOKE }).send(new DescribeConnectorProfilesCommand({}));
      expect(spoke.connectorProfileDetails).toEqual([]);
    });

    it('refuses what the model refuses, and a nextToken of another list', async () => {
      const flows = await h.client().send(new ListFlowsCommand({ maxResults: 1 }));
      for (const input of [
        { maxResults: 0 },
        { connectorLabel: 'bad label' },
        { connectorProfileNames: ['has space'] },
        { nextToken: flows.nextToken },
      ]) {
        const error = await rejectionOf(h.client().send(new DescribeConnectorProfilesCommand(input)));
        expect(error).toBeInstanceOf(ValidationException);
      }
    });
  });

  describe('ListFlows', () => {
    it('lists every flow with its connector labels and types, a page at a time', async () => {
      const first = await h.client().send(new ListFlowsCommand({ maxResults: 2 }));
      const second = await h
        .client()
        .send(new ListFlowsCommand({ maxResults: 2, nextToken: first.nextToken }));
      expect(second.nextToken).toBeUndefined();
      expect([...(first.flows ?? []), ...(second.flows ?? [])]).toEqual([
        {
          flowArn: `arn:aws:appflow:${REGION}:${HUB}:flow/crm-to-s3`,
          flowName: 'crm-to-s3',
          flowStatus: 'Active',
          sourceConnectorType: 'CustomConnector',
          sourceConnectorLabel: 'crm',
          destinationConnectorType: 'S3',
          triggerType: 'OnDemand',
          createdAt: DAY_BEFORE,
          lastUpdatedAt: DAY_BEFORE,
          createdBy: `arn:aws:iam::${HUB}:root`,
          lastUpdatedBy: `arn:aws:iam::${HUB}:root`,
          tags: {},
        },
        {
          flowArn: `arn:aws:appflow:${REGION}:${HUB}:flow/s3-to-crm`,
          description: 'Nightly push',
          flowName: 's3-to-crm',
          flowStatus: 'Suspended',
          sourceConnectorType: 'S3',
          destinationConnectorType: 'CustomConnector',
          destinationConnectorLabel: 'crm',
          triggerType: 'Scheduled',
          createdAt: new Date('2026-10-03T09:00:00Z'),
          lastUpdatedAt: new Date('2026-10-03T09:00:00Z'),
          createdBy: 'arn:aws:iam::111111111111:user/jane',
          lastUpdatedBy: 'arn:aws:iam::111111111111:user/jane',
          tags: { team: 'sales' },
        },
        expect.objectContaining({ flowName: 'to-flows-only', destinationConnectorLabel: 'flows-only' }),
      ]);
    });
  });

  describe('UnregisterConnector of a label in use', () => {
    it('refuses with ConflictException (409) while a connector profile uses it, and keeps the registration', async () => {
      const error = await rejectionOf(
        h.client().send(new UnregisterConnectorCommand({ connectorLabel: 'crm', forceDelete: false })),
      );
      expect(error).toBeInstanceOf(ConflictException);
      expect(error.$metadata?.httpStatusCode).toBe(409);
      expect(error.message).toContain('crm-a, crm-b, crm-c');
      const defaulted = await rejectionOf(
        h.client().send(new UnregisterConnectorCommand({ connectorLabel: 'crm' })),
      );
      expect(defaulted).toBeInstanceOf(ConflictException);
      expect(h.appflow.connectors(HUB, REGION).map((connector) => connector.label)).toContain('crm');
    });

    it('unregisters with forceDelete true, leaving the profiles as they are', async () => {
      await h.client().send(new UnregisterConnectorCommand({ connectorLabel: 'crm', forceDelete: true }));
      expect(h.appflow.connectors(HUB, REGION).map((connector) => connector.label)).not.toContain('crm');
      expect(await profileNames({ connectorLabel: 'crm' })).toEqual(['crm-a', 'crm-b', 'crm-c']);
    });

    it('unregisters a label only flows name, as AWS checks connector profiles', async () => {
      await h.client().send(new UnregisterConnectorCommand({ connectorLabel: 'flows-only' }));
      expect(h.appflow.connectors(HUB, REGION).map((connector) => connector.label)).toEqual(['crm', 'erp']);
    });
  });

  describe('registeredBy', () => {
    it('reports the world’s registeredBy, and the account root for a connector registered by hand', async () => {
      const { connectors } = await h.client().send(new ListConnectorsCommand({}));
      expect(connectors?.map((connector) => [connector.connectorLabel, connector.registeredBy])).toEqual([
        ['crm', 'arn:aws:sts::111111111111:assumed-role/AppFlowConnectorRegistrar/registrar-first-run'],
        ['erp', `arn:aws:iam::${HUB}:root`],
        ['flows-only', `arn:aws:iam::${HUB}:root`],
      ]);
    });

    it("reports an assumed role's session ARN on ListConnectors and DescribeConnector", async () => {
      const session = `arn:aws:sts::${HUB}:assumed-role/AppFlowConnectorRegistrar/registrar-exec-42`;
      const credentials = h.identity.issue({
        accountId: HUB,
        principalArn: session,
        roleArn: `arn:aws:iam::${HUB}:role/AppFlowConnectorRegistrar`,
      });
      const asRole = h.client({
        accessKeyId: credentials.accessKeyId,
        sessionToken: credentials.sessionToken,
      });
      await asRole.send(new RegisterConnectorCommand(registration('new', 'new-connector')));

      const { connectors } = await h.client().send(new ListConnectorsCommand({}));
      expect(connectors?.find((connector) => connector.connectorLabel === 'new')?.registeredBy).toBe(session);
      const { connectorConfiguration } = await h
        .client()
        .send(new DescribeConnectorCommand({ connectorType: 'CustomConnector', connectorLabel: 'new' }));
      expect(connectorConfiguration?.registeredBy).toBe(session);
    });
  });
});
