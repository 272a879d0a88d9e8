import {
  DescribeConnectorsCommand,
  ListConnectorsCommand,
  paginateDescribeConnectors,
  ValidationException,
} from '@aws-sdk/client-appflow';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AccountSpec } from '../../../local/world/schema.js';
import { fixture, HUB, rejectionOf, SPOKE, useAppFlow } from './harness.js';

const h = useAppFlow();
const LABELS = Array.from({ length: 25 }, (_, i) => `connector-${String(i).padStart(2, '0')}`);

beforeEach(() => {
  h.rebuild({ accounts: fixture<AccountSpec[]>('pre-registered.json') });
});

describe('AppFlow DescribeConnectors', () => {
  describe('pagination', () => {
    it('answers 20 connectors by default, then the rest', async () => {
      const first = await h.client().send(new DescribeConnectorsCommand({}));
      const second = await h.client().send(new DescribeConnectorsCommand({ nextToken: first.nextToken }));

      expect(first.connectors?.map((c) => c.connectorLabel)).toEqual(LABELS.slice(0, 20));
      expect(first.nextToken).toEqual(expect.any(String));
      expect(second.connectors?.map((c) => c.connectorLabel)).toEqual(LABELS.slice(20));
      expect(second.nextToken).toBeUndefined();
    });

    it('keeps to maxResults, and lists every connector once through the SDK paginator', async () => {
      const pages: string[][] = [];
      for await (const page of paginateDescribeConnectors({ client: h.client(), pageSize: 7 }, {})) {
        pages.push((page.connectors ?? []).map((c) => c.connectorLabel ?? ''));
      }

      expect(pages.map((page) => page.length)).toEqual([7, 7, 7, 4]);
      expect(pages.flat()).toEqual(LABELS);
    });

    it('refuses maxResults outside 1–100 and a nextToken it did not issue', async () => {
      const low = await rejectionOf(h.client().send(new DescribeConnectorsCommand({ maxResults: 0 })));
      const forged = await rejectionOf(
        h.client().send(new DescribeConnectorsCommand({ nextToken: 'not-a-token' })),
      );

      expect(low).toBeInstanceOf(ValidationException);
      expect(low.message).toBe(
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
      );
      expect(forged).toBeInstanceOf(ValidationException);
      expect(forged.message).toContain('Invalid nextToken');
    });
  });

  describe('what it answers', () => {
    it('describes the custom connectors of the account as ListConnectors does, and no vended ones', async () => {
      const described = await h
        .client({ accessKeyId: SPOKE })
        .send(new DescribeConnectorsCommand({ connectorTypes: ['CustomConnector'] }));
      const listed = await h.client({ accessKeyId: SPOKE }).send(new ListConnectorsCommand({}));

      expect(described.connectors).toEqual(listed.connectors);
      expect(described.connectors?.map((c) => c.connectorLabel)).toEqual(['spoke-connector']);
      expect(described.connectorConfigurations).toEqual({});
    });

    it('answers an empty list in an account and Region without custom connectors', async () => {
      const { connectors, nextToken } = await h
        .client({ accessKeyId: '333333333333' })
        .send(new DescribeConnectorsCommand({}));

      expect(connectors).toEqual([]);
      expect(nextToken).toBeUndefined();
    });
  });

  describe('connectorTypes', () => {
    it('refuses a type outside the ConnectorType enum with AWS message', async () => {
      const error = await rejectionOf(
        h.client().send(new DescribeConnectorsCommand({ connectorTypes: ['Bogus' as 'S3'] })),
      );

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toMatch(
        /^1 validation error detected: Value '\[Bogus\]' at 'connectorTypes' failed to satisfy constraint: Member must satisfy constraint: \[Member must satisfy enum value set: \[.*CustomConnector.*\]\]$/,
      );
    });

    it('says that connectors AppFlow vends are not emulated', async () => {
      const error = await rejectionOf(
        h.client().send(new DescribeConnectorsCommand({ connectorTypes: ['CustomConnector', 'Salesforce'] })),
      );

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toBe(
        'The local AppFlow emulation describes custom connectors only; got connectorTypes Salesforce. Use CustomConnector, or no connectorTypes.',
      );
    });
  });

  it('answers every connector in one page when maxResults allows', async () => {
    const { connectors, nextToken } = await h
      .client()
      .send(new DescribeConnectorsCommand({ maxResults: 100 }));

    expect(connectors?.map((c) => c.connectorLabel)).toEqual(LABELS);
    expect(connectors?.every((c) => c.registeredBy === `arn:aws:iam::${HUB}:root`)).toBe(true);
    expect(nextToken).toBeUndefined();
  });
});
