import {
  ConflictException,
  DescribeConnectorCommand,
  ListConnectorsCommand,
  paginateListConnectors,
  RegisterConnectorCommand,
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
  rejectionOf,
  SPOKE,
  START,
  useAppFlow,
} from './harness.js';

const h = useAppFlow();
const ONE_DAY = 24 * 60 * 60 * 1000;

beforeEach(() => {
  h.rebuild({ accounts: fixture<AccountSpec[]>('pre-registered.json') });
});

describe('AppFlow ListConnectors', () => {
  describe('pagination', () => {
    it('answers 20 connectors by default, then the rest', async () => {
      const first = await h.client().send(new ListConnectorsCommand({}));
      const second = await h.client().send(new ListConnectorsCommand({ nextToken: first.nextToken }));

      expect(first.connectors).toHaveLength(20);
      expect(first.nextToken).toEqual(expect.any(String));
      expect(second.connectors?.map((c) => c.connectorLabel)).toEqual([
        'connector-20',
        'connector-21',
        'connector-22',
        'connector-23',
        'connector-24',
      ]);
      expect(second.nextToken).toBeUndefined();
    });

    it('lists every connector of the account and Region once through the SDK paginator', async () => {
      const labels: string[] = [];
      for await (const page of paginateListConnectors({ client: h.client(), pageSize: 7 }, {})) {
        expect(page.connectors?.length).toBeLessThanOrEqual(7);
        labels.push(...(page.connectors ?? []).map((c) => c.connectorLabel ?? ''));
      }

      expect(labels).toEqual(Array.from({ length: 25 }, (_, i) => `connector-${String(i).padStart(2, '0')}`));
    });

    it('answers ConnectorDetail shapes', async () => {
      const { connectors } = await h.client({ region: 'us-east-1' }).send(new ListConnectorsCommand({}));

      expect(connectors).toEqual([
        {
          connectorLabel: 'dated',
          connectorDescription: 'Registered by hand',
          connectorName: 'dated',
          connectorOwner: 'pre-registered',
          connectorVersion: '1.0',
          connectorType: 'CustomConnector',
          connectorProvisioningType: 'LAMBDA',
          connectorModes: ['SOURCE'],
          registeredAt: new Date('2026-11-01T10:00:00Z'),
          registeredBy: `arn:aws:iam::${HUB}:root`,
          supportedDataTransferTypes: ['RECORD'],
        },
      ]);
    });

    it('refuses maxResults outside 1–100', async () => {
      const low = await rejectionOf(h.client().send(new ListConnectorsCommand({ maxResults: 0 })));
      const high = await rejectionOf(h.client().send(new ListConnectorsCommand({ maxResults: 101 })));

      expect(low).toBeInstanceOf(ValidationException);
      expect(low.message).toBe(
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
      );
      expect(high.message).toBe(
        "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
      );
    });

    it('refuses a nextToken it did not issue, or issued for another Region', async () => {
      const { nextToken } = await h.client().send(new ListConnectorsCommand({ maxResults: 1 }));

      const forged = await rejectionOf(
        h.client().send(new ListConnectorsCommand({ nextToken: 'not-a-token' })),
      );
      const elsewhere = await rejectionOf(
        h.client({ region: 'us-east-1' }).send(new ListConnectorsCommand({ nextToken })),
      );

      expect(forged).toBeInstanceOf(ValidationException);
      expect(forged.message).toContain('Invalid nextToken');
      expect(elsewhere).toBeInstanceOf(ValidationException);
    });
  });

  describe('connectors of the world', () => {
    it('are registered from the start, a day before it unless dated', async () => {
      const { connectorConfiguration } = await h
        .client()
        .send(
          new DescribeConnectorCommand({ connectorType: 'CustomConnector', connectorLabel: 'connector-03' }),
        );

      expect(connectorConfiguration).toMatchObject({
        connectorArn: `arn:aws:appflow:${REGION}:${HUB}:connector/connector-03`,
        connectorProvisioningConfig: {
          lambda: { lambdaArn: `arn:aws:lambda:${REGION}:${HUB}:function:fn-03` },
        },
        registeredAt: new Date(START - ONE_DAY),
      });
      expect(h.runtime.invocations).toHaveLength(0);
    });

    it('belong to their own account', async () => {
      const { connectors } = await h.client({ accessKeyId: SPOKE }).send(new ListConnectorsCommand({}));

      expect(connectors?.map((c) => c.connectorLabel)).toEqual(['spoke-connector']);
    });

    it('hold their label against a new registration', async () => {
      h.deploy(deployed('impostor'), answers.json(CONFIGURATION));

      const error = await rejectionOf(
        h.client().send(
          new RegisterConnectorCommand({
            connectorLabel: 'connector-00',
            connectorProvisioningType: 'LAMBDA',
            connectorProvisioningConfig: {
              lambda: { lambdaArn: `arn:aws:lambda:${REGION}:${HUB}:function:impostor` },
            },
          }),
        ),
      );

      expect(error).toBeInstanceOf(ConflictException);
    });
  });
});
