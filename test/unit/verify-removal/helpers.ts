import { readFileSync } from 'node:fs';
import {
  type AppflowClient,
  type ConnectorConfiguration,
  type ConnectorDetail,
  DescribeConnectorCommand,
  ListConnectorsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-appflow';
import type { GetFunctionCommandOutput } from '@aws-sdk/client-lambda';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import type { RegistrarIdentity } from '../../../functions/shared/registrar-principal.js';

/** A fresh copy of a JSON fixture of this suite. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export const SPOKE = '222222222222';
export const HUB = '111111111111';
export const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:222222222222:function:acme-orders-connector';

/** The hub of these tests: the spoke role AppFlowConnectorRegistrar, its own RegisterConnector role. */
export const identity: RegistrarIdentity = {
  hubAccountId: HUB,
  spokeRoleName: 'AppFlowConnectorRegistrar',
  partition: 'aws',
  registrarRoleName: 'appflow-connector-registrar-dev-eu-west-1-register',
};

export function getFunctionOutput(name: string): GetFunctionCommandOutput {
  return { $metadata: {}, ...fixture<Omit<GetFunctionCommandOutput, '$metadata'>>(name) };
}

type AppflowMock = AwsClientStub<AppflowClient>;

/**
 * Answers ListConnectors with the connectors of list-connectors.json (or those given) in pages of
 * `pageSize`, and DescribeConnector with describe-connectors.json by label (ResourceNotFoundException
 * for a label it does not hold), the SDK's shapes with Dates.
 */
export function answerConnectors(
  appflowMock: AppflowMock,
  options: {
    connectors?: ConnectorDetail[];
    configurations?: Record<string, unknown>;
    pageSize?: number;
  } = {},
): void {
  const connectors =
    options.connectors ??
    fixture<{ connectors: (ConnectorDetail & { registeredAt: string })[] }>(
      'list-connectors.json',
    ).connectors.map((connector) => ({ ...connector, registeredAt: new Date(connector.registeredAt) }));
  const configurations: Record<string, unknown> =
    options.configurations ?? fixture('describe-connectors.json');
  const pageSize = options.pageSize ?? 100;
  appflowMock.on(ListConnectorsCommand).callsFake((input: { nextToken?: string }) => {
    const start = Number(input.nextToken ?? 0);
    const next = start + pageSize;
    return {
      connectors: connectors.slice(start, next),
      ...(next < connectors.length ? { nextToken: String(next) } : {}),
    };
  });
  appflowMock.on(DescribeConnectorCommand).callsFake((input: { connectorLabel: string }) => {
    const raw = configurations[input.connectorLabel] as
      | (ConnectorConfiguration & { registeredAt: string })
      | undefined;
    if (!raw)
      throw new ResourceNotFoundException({ message: `No connector ${input.connectorLabel}`, $metadata: {} });
    return { connectorConfiguration: { ...raw, registeredAt: new Date(raw.registeredAt) } };
  });
}

export function fakeLogger() {
  return { info: vi.fn(), warn: vi.fn(), appendKeys: vi.fn() };
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (value) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  return outcome.error as Error;
}
