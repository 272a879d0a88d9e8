import type { ConnectorProfileSpec, FlowSpec } from '../../world/schema.js';

/**
 * The connector profiles and flows of the emulated accounts, as the world file declares them: what
 * DescribeConnectorProfiles and ListFlows answer, and what UnregisterConnector checks a label's use
 * against. The emulation creates none (CreateConnectorProfile and CreateFlow are not emulated).
 */

export interface ConnectorProfile {
  accountId: string;
  region: string;
  name: string;
  arn: string;
  connectorType: string;
  connectorLabel?: string;
  connectionMode: 'Public' | 'Private';
  credentialsArn?: string;
  profileProperties?: Record<string, string>;
  /** Epoch milliseconds. */
  createdAt: number;
  lastUpdatedAt: number;
}

export interface Flow {
  accountId: string;
  region: string;
  name: string;
  arn: string;
  sourceConnectorType: string;
  sourceConnectorLabel?: string;
  destinationConnectorType: string;
  destinationConnectorLabel?: string;
  status: NonNullable<FlowSpec['status']>;
  triggerType: NonNullable<FlowSpec['triggerType']>;
  description?: string;
  createdBy: string;
  /** Epoch milliseconds. */
  createdAt: number;
  tags: Record<string, string>;
}

export interface CatalogAccount {
  accountId: string;
  connectorProfiles?: readonly ConnectorProfileSpec[];
  flows?: readonly FlowSpec[];
}

const CUSTOM = 'CustomConnector';

export class AppFlowCatalog {
  private readonly allProfiles: ConnectorProfile[] = [];
  private readonly allFlows: Flow[] = [];

  /** `defaultTime`: when a resource the world gives no time was created (epoch milliseconds). */
  constructor(accounts: readonly CatalogAccount[], defaultTime: number) {
    for (const account of accounts) {
      const { accountId } = account;
      for (const spec of account.connectorProfiles ?? []) {
        const createdAt = spec.createdAt === undefined ? defaultTime : Date.parse(spec.createdAt);
        this.allProfiles.push({
          accountId,
          region: spec.region,
          name: spec.name,
          arn: `arn:aws:appflow:${spec.region}:${accountId}:connectorprofile/${spec.name}`,
          connectorType: spec.connectorType ?? CUSTOM,
          ...(spec.connectorLabel !== undefined ? { connectorLabel: spec.connectorLabel } : {}),
          connectionMode: spec.connectionMode ?? 'Public',
          ...(spec.credentialsArn !== undefined ? { credentialsArn: spec.credentialsArn } : {}),
          ...(spec.profileProperties !== undefined
            ? { profileProperties: { ...spec.profileProperties } }
            : {}),
          createdAt,
          lastUpdatedAt: spec.lastUpdatedAt === undefined ? createdAt : Date.parse(spec.lastUpdatedAt),
        });
      }
      for (const spec of account.flows ?? []) {
        this.allFlows.push({
          accountId,
          region: spec.region,
          name: spec.name,
          arn: `arn:aws:appflow:${spec.region}:${accountId}:flow/${spec.name}`,
          sourceConnectorType: spec.sourceConnectorType ?? CUSTOM,
          ...(spec.sourceConnectorLabel !== undefined
            ? { sourceConnectorLabel: spec.sourceConnectorLabel }
            : {}),
          destinationConnectorType: spec.destinationConnectorType ?? CUSTOM,
          ...(spec.destinationConnectorLabel !== undefined
            ? { destinationConnectorLabel: spec.destinationConnectorLabel }
            : {}),
          status: spec.status ?? 'Active',
          triggerType: spec.triggerType ?? 'OnDemand',
          ...(spec.description !== undefined ? { description: spec.description } : {}),
          createdBy: spec.createdBy ?? `arn:aws:iam::${accountId}:root`,
          createdAt: spec.createdAt === undefined ? defaultTime : Date.parse(spec.createdAt),
          tags: { ...(spec.tags ?? {}) },
        });
      }
    }
  }

  /** The connector profiles of an account and Region, by name. */
  profiles(accountId: string, region: string): ConnectorProfile[] {
    return byName(this.allProfiles.filter((p) => p.accountId === accountId && p.region === region));
  }

  /** The flows of an account and Region, by name. */
  flows(accountId: string, region: string): Flow[] {
    return byName(this.allFlows.filter((f) => f.accountId === accountId && f.region === region));
  }
}

function byName<T extends { name: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
