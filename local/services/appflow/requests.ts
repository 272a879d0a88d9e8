import { ConnectorType } from '@aws-sdk/client-appflow';
import { AwsServiceError } from '../../http/errors.js';
import { ConstraintCheck } from '../../http/validation.js';
import { isPlainObject } from '../../json.js';

/**
 * The inputs of the connector operations, read from their JSON bodies and checked against the
 * AppFlow service model's traits (lengths, patterns, enums), with AWS's validation messages.
 * A JSON value of the wrong type is a SerializationException, as AWS's deserializer answers.
 */

// The model's patterns (reference/appflow.md).
const LABEL = { max: 256, pattern: '[a-zA-Z0-9][\\w!@#.-]+' };
const DESCRIPTION = { max: 1024, pattern: '[\\s\\w/!@#+=.-]*' };
const LAMBDA_ARN = { max: 512, pattern: 'arn:aws:.*:.*:[0-9]+:.*' };
const CLIENT_TOKEN = { min: 1, max: 256, pattern: '[ -~]+' };
const NEXT_TOKEN = { max: 2048, pattern: '\\S+' };
const PROFILE_NAME = { max: 256, pattern: '[\\w/!@#+=.-]+' };
const MAX_PROFILE_NAMES = 100;

export interface RegisterInput {
  connectorLabel: string;
  description?: string;
  lambdaArn: string;
  clientToken?: string;
}

export interface UpdateInput {
  connectorLabel: string;
  description?: string;
  lambdaArn?: string;
  clientToken?: string;
}

export interface UnregisterInput {
  connectorLabel: string;
  forceDelete: boolean;
}

export interface DescribeInput {
  connectorType: string;
  connectorLabel?: string;
}

export interface ListInput {
  maxResults: number;
  nextToken?: string;
}

export interface DescribeConnectorsInput extends ListInput {
  /** Empty: every type. */
  connectorTypes: string[];
}

export interface DescribeConnectorProfilesInput extends ListInput {
  /** Empty: every profile. */
  connectorProfileNames: string[];
  connectorType?: string;
  connectorLabel?: string;
}

const CONNECTOR_TYPES: readonly string[] = Object.values(ConnectorType);
const MAX_CONNECTOR_TYPES = 100;

export function readRegister(body: Record<string, unknown>): RegisterInput {
  const check = new ConstraintCheck();
  const connectorLabel = optionalString(body, 'connectorLabel');
  const description = optionalString(body, 'description');
  const provisioningType = optionalString(body, 'connectorProvisioningType');
  const lambdaArn = lambdaArnOf(body, check);
  const clientToken = optionalString(body, 'clientToken');
  check.string('connectorLabel', connectorLabel, { required: true, ...LABEL });
  check.string('description', description, DESCRIPTION);
  check.string('connectorProvisioningType', provisioningType, { required: true, enum: ['LAMBDA'] });
  check.string('clientToken', clientToken, CLIENT_TOKEN);
  check.throwIfAny('ValidationException');
  return withOptional(
    { connectorLabel: connectorLabel as string, lambdaArn: lambdaArn as string },
    { description, clientToken },
  );
}

export function readUpdate(body: Record<string, unknown>): UpdateInput {
  const check = new ConstraintCheck();
  const connectorLabel = optionalString(body, 'connectorLabel');
  const description = optionalString(body, 'description');
  const lambdaArn = body.connectorProvisioningConfig === undefined ? undefined : lambdaArnOf(body, check);
  const clientToken = optionalString(body, 'clientToken');
  check.string('connectorLabel', connectorLabel, { required: true, ...LABEL });
  check.string('description', description, DESCRIPTION);
  check.string('clientToken', clientToken, CLIENT_TOKEN);
  check.throwIfAny('ValidationException');
  return withOptional({ connectorLabel: connectorLabel as string }, { description, lambdaArn, clientToken });
}

export function readUnregister(body: Record<string, unknown>): UnregisterInput {
  const check = new ConstraintCheck();
  const connectorLabel = optionalString(body, 'connectorLabel');
  const forceDelete = body.forceDelete;
  if (forceDelete !== undefined && typeof forceDelete !== 'boolean')
    throw wrongType('forceDelete', 'a boolean');
  check.string('connectorLabel', connectorLabel, { required: true, ...LABEL });
  check.throwIfAny('ValidationException');
  return { connectorLabel: connectorLabel as string, forceDelete: forceDelete === true };
}

export function readDescribe(body: Record<string, unknown>): DescribeInput {
  const check = new ConstraintCheck();
  const connectorType = optionalString(body, 'connectorType');
  const connectorLabel = optionalString(body, 'connectorLabel');
  check.string('connectorType', connectorType, { required: true, enum: Object.values(ConnectorType) });
  check.string('connectorLabel', connectorLabel, LABEL);
  check.throwIfAny('ValidationException');
  return withOptional({ connectorType: connectorType as string }, { connectorLabel });
}

export function readList(body: Record<string, unknown>): ListInput {
  const check = new ConstraintCheck();
  const page = pageOf(body, check);
  check.throwIfAny('ValidationException');
  return page;
}

export function readDescribeConnectors(body: Record<string, unknown>): DescribeConnectorsInput {
  const check = new ConstraintCheck();
  const connectorTypes = body.connectorTypes ?? [];
  if (!Array.isArray(connectorTypes) || connectorTypes.some((type) => typeof type !== 'string')) {
    throw wrongType('connectorTypes', 'a list of strings');
  }
  const shown = `[${connectorTypes.join(', ')}]`;
  if (connectorTypes.length > MAX_CONNECTOR_TYPES) {
    check.violation(
      shown,
      'connectorTypes',
      `Member must have length less than or equal to ${MAX_CONNECTOR_TYPES}`,
    );
  }
  if (connectorTypes.some((type) => !CONNECTOR_TYPES.includes(type))) {
    check.violation(
      shown,
      'connectorTypes',
      `Member must satisfy constraint: [Member must satisfy enum value set: [${CONNECTOR_TYPES.join(', ')}]]`,
    );
  }
  const page = pageOf(body, check);
  check.throwIfAny('ValidationException');
  return { ...page, connectorTypes };
}

export function readDescribeConnectorProfiles(body: Record<string, unknown>): DescribeConnectorProfilesInput {
  const check = new ConstraintCheck();
  const names = body.connectorProfileNames ?? [];
  if (!Array.isArray(names) || names.some((name) => typeof name !== 'string')) {
    throw wrongType('connectorProfileNames', 'a list of strings');
  }
  if (names.length > MAX_PROFILE_NAMES) {
    check.violation(
      `[${names.join(', ')}]`,
      'connectorProfileNames',
      `Member must have length less than or equal to ${MAX_PROFILE_NAMES}`,
    );
  }
  names.forEach((name: string, i) => {
    check.string(`connectorProfileNames.${i + 1}.member`, name, PROFILE_NAME);
  });
  const connectorType = optionalString(body, 'connectorType');
  const connectorLabel = optionalString(body, 'connectorLabel');
  check.string('connectorType', connectorType, { enum: CONNECTOR_TYPES });
  check.string('connectorLabel', connectorLabel, LABEL);
  const page = pageOf(body, check);
  check.throwIfAny('ValidationException');
  return withOptional(
    { ...page, connectorProfileNames: names as string[] },
    { connectorType, connectorLabel },
  );
}

export function readListFlows(body: Record<string, unknown>): ListInput {
  return readList(body);
}

/** maxResults (1–100, default 20) and nextToken, as ListConnectors and DescribeConnectors take them. */
function pageOf(body: Record<string, unknown>, check: ConstraintCheck): ListInput {
  const maxResults = body.maxResults;
  if (maxResults !== undefined && (typeof maxResults !== 'number' || !Number.isInteger(maxResults))) {
    throw wrongType('maxResults', 'an integer');
  }
  const nextToken = optionalString(body, 'nextToken');
  check.range('maxResults', maxResults as number | undefined, 1, 100);
  check.string('nextToken', nextToken, NEXT_TOKEN);
  return withOptional({ maxResults: (maxResults as number | undefined) ?? 20 }, { nextToken });
}

/** connectorProvisioningConfig.lambda.lambdaArn, with its constraints recorded on `check`. */
function lambdaArnOf(body: Record<string, unknown>, check: ConstraintCheck): string | undefined {
  const config = body.connectorProvisioningConfig;
  if (config === undefined) {
    check.null('connectorProvisioningConfig');
    return undefined;
  }
  if (!isPlainObject(config)) throw wrongType('connectorProvisioningConfig', 'a structure');
  const lambda = config.lambda;
  if (lambda === undefined) {
    check.null('connectorProvisioningConfig.lambda');
    return undefined;
  }
  if (!isPlainObject(lambda)) throw wrongType('connectorProvisioningConfig.lambda', 'a structure');
  const lambdaArn = optionalString(lambda, 'lambdaArn', 'connectorProvisioningConfig.lambda.lambdaArn');
  check.string('connectorProvisioningConfig.lambda.lambdaArn', lambdaArn, { required: true, ...LAMBDA_ARN });
  return lambdaArn;
}

function optionalString(body: Record<string, unknown>, name: string, member = name): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(member, 'a string');
  return value;
}

function wrongType(member: string, expected: string): AwsServiceError {
  return new AwsServiceError(400, 'SerializationException', `Expected ${expected} for ${member}`);
}

function withOptional<T extends object, O extends Record<string, unknown>>(
  required: T,
  optional: O,
): T & Partial<O> {
  const result: Record<string, unknown> = { ...(required as Record<string, unknown>) };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) result[key] = value;
  return result as T & Partial<O>;
}
