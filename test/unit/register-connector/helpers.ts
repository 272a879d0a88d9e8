import { readFileSync } from 'node:fs';
import {
  AccessDeniedException,
  ConflictException,
  ConnectorAuthenticationException,
  ConnectorServerException,
  type DescribeConnectorResponse,
  InternalServerException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-appflow';
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import type { RegisterInput } from '../../../functions/shared/types.js';

/** Reads a JSON fixture of this suite. */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** A fresh copy of the valid task input, with fields replaced. */
export function registerInput(overrides: Partial<RegisterInput> = {}): RegisterInput {
  return { ...fixture<RegisterInput>('register-input.json'), ...overrides };
}

/**
 * A DescribeConnector answer from a fixture, shaped as the SDK returns it (registeredAt is a Date),
 * with the registration time or Lambda replaced when given.
 */
export function describeAnswer(
  name: 'describe-connector-same-function.json' | 'describe-connector-other-function.json',
  overrides: { registeredAt?: string; lambdaArn?: string | null; description?: string | null } = {},
): DescribeConnectorResponse {
  const raw = fixture<{
    connectorConfiguration: Record<string, unknown> & {
      registeredAt: string;
      connectorProvisioningConfig?: { lambda: { lambdaArn: string } };
    };
  }>(name);
  const configuration = raw.connectorConfiguration;
  const registeredAt = overrides.registeredAt ?? configuration.registeredAt;
  if (overrides.lambdaArn === null) delete configuration.connectorProvisioningConfig;
  else if (overrides.lambdaArn !== undefined) {
    configuration.connectorProvisioningConfig = { lambda: { lambdaArn: overrides.lambdaArn } };
  }
  if (overrides.description === null) delete configuration.connectorDescription;
  else if (overrides.description !== undefined) configuration.connectorDescription = overrides.description;
  return { connectorConfiguration: { ...configuration, registeredAt: new Date(registeredAt) } };
}

const EXCEPTIONS = {
  ValidationException,
  ConflictException,
  AccessDeniedException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ThrottlingException,
  InternalServerException,
  ConnectorServerException,
  ConnectorAuthenticationException,
} as const;

export type AppflowExceptionName = keyof typeof EXCEPTIONS;

/** Every exception RegisterConnector declares, by the name the ASL matches. */
export const APPFLOW_EXCEPTION_NAMES = Object.keys(EXCEPTIONS) as AppflowExceptionName[];

/** An AppFlow exception as the SDK throws it, built with the SDK's own class. */
export function appflowError(name: AppflowExceptionName, message = `${name} from the test`): Error {
  return new EXCEPTIONS[name]({ message, $metadata: {} });
}

/** A Lambda context good enough for middy and Powertools outside Lambda. */
export function lambdaContext(remainingMs = 60_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'registrar-dev-registerConnector',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:registrar-dev-registerConnector',
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/registrar-dev-registerConnector',
    logStreamName: '2024/05/01/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * The environment the register handler reads at import, its DynamoDB at `dynamodbEndpoint` and
 * dummy credentials; undo with vi.unstubAllEnvs.
 */
export function stubHandlerEnvironment(tableName: string, dynamodbEndpoint: string): void {
  vi.stubEnv('IDEMPOTENCY_TABLE_NAME', tableName);
  vi.stubEnv('HUB_ACCOUNT_ID', '111111111111');
  vi.stubEnv('SPOKE_ROLE_NAME', 'AppFlowConnectorRegistrar');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamodbEndpoint);
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'registrar-dev-registerConnector');
}
