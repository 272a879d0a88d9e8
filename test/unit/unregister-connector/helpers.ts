import { readFileSync } from 'node:fs';
import type { DescribeConnectorResponse } from '@aws-sdk/client-appflow';
import type { UnregisterInput } from '../../../functions/shared/types.js';

/** A fresh copy of a JSON fixture of this suite. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** A fresh copy of the valid task input, with fields replaced. */
export function unregisterInput(overrides: Partial<UnregisterInput> = {}): UnregisterInput {
  return { ...fixture<UnregisterInput>('unregister-input.json'), ...overrides };
}

/** The registration as AppFlow holds it (the one VerifyRemoval confirmed), with fields replaced. */
export function describeAnswer(
  overrides: { lambdaArn?: string; registeredBy?: string; registeredAt?: string } = {},
): DescribeConnectorResponse {
  const { connectorConfiguration } = fixture<{
    connectorConfiguration: Record<string, unknown> & { registeredAt: string };
  }>('describe-connector.json');
  return {
    connectorConfiguration: {
      ...connectorConfiguration,
      ...(overrides.lambdaArn
        ? { connectorProvisioningConfig: { lambda: { lambdaArn: overrides.lambdaArn } } }
        : {}),
      ...(overrides.registeredBy ? { registeredBy: overrides.registeredBy } : {}),
      registeredAt: new Date(overrides.registeredAt ?? connectorConfiguration.registeredAt),
    },
  };
}

/** Who registered the fixture's connector: a session of the spoke role. */
export const REGISTRAR =
  'arn:aws:sts::222222222222:assumed-role/AppFlowConnectorRegistrar/registrar-0b6f3d0e';
export const isRegistrar = (registeredBy: string | undefined) => registeredBy === REGISTRAR;
