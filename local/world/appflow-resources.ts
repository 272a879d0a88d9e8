import { ConnectorType } from '@aws-sdk/client-appflow';
import { isPlainObject } from '../json.js';
import type { LoadedConnectorProfile, LoadedFlow } from './load.js';
import { type Checker, describe } from './validate.js';

/**
 * The AppFlow resources a world declares besides connectors: connector profiles and flows, checked
 * against the AppFlow model's constraints (names, labels, enums, ARNs), each name unique per account
 * and Region. Every problem goes to the checker with its JSON path.
 */

const CONNECTOR_TYPES: readonly string[] = Object.values(ConnectorType);
const CUSTOM = 'CustomConnector';
const PROFILE_NAME = /^[\w/!@#+=.-]{1,256}$/;
const FLOW_NAME = /^[a-zA-Z0-9][\w!@#.-]{1,255}$/;
const CONNECTOR_LABEL = /^[a-zA-Z0-9][\w!@#.-]{1,255}$/;
const ARN = /^arn:aws:[^:]*:[^:]*:[0-9]+:.{1,480}$/;
const PROPERTY_KEY = /^\w{1,128}$/;
const PROPERTY_VALUE = /^\S{1,2048}$/;
const FLOW_DESCRIPTION = /^[\w!@#\-.?,\s]{0,2048}$/;
const CREATED_BY = /^\S{1,256}$/;
const FLOW_STATUSES = ['Active', 'Deprecated', 'Deleted', 'Draft', 'Errored', 'Suspended'] as const;
const TRIGGER_TYPES = ['Scheduled', 'Event', 'OnDemand'] as const;
const LABEL_EXPECTED =
  'an AppFlow connector label: 2 to 256 characters, starting with a letter or digit, then letters, digits or _ ! @ # . -';

type Json = Record<string, unknown>;

/** accounts[].connectorProfiles: the valid ones, defaults applied. */
export function connectorProfilesOf(check: Checker, value: unknown, path: string): LoadedConnectorProfile[] {
  if (value === undefined) return [];
  const profiles = (check.array(value, path) ?? []).map((item, i) => profile(check, item, `${path}[${i}]`));
  unique(check, profiles, path, 'connector profile');
  return profiles.filter((item): item is LoadedConnectorProfile => item !== undefined);
}

/** accounts[].flows: the valid ones, defaults applied. */
export function flowsOf(check: Checker, value: unknown, path: string): LoadedFlow[] {
  if (value === undefined) return [];
  const flows = (check.array(value, path) ?? []).map((item, i) => flow(check, item, `${path}[${i}]`));
  unique(check, flows, path, 'flow');
  return flows.filter((item): item is LoadedFlow => item !== undefined);
}

function profile(check: Checker, value: unknown, path: string): LoadedConnectorProfile | undefined {
  const spec = check.object(value, path, [
    'name',
    'region',
    'connectorType',
    'connectorLabel',
    'connectionMode',
    'credentialsArn',
    'profileProperties',
    'createdAt',
    'lastUpdatedAt',
  ]);
  if (!spec) return undefined;
  const results: unknown[] = [];
  const name = check.matching(
    spec.name,
    `${path}.name`,
    PROFILE_NAME,
    'a connector profile name: 1 to 256 letters, digits or _ / ! @ # + = . -',
  );
  const region = check.region(spec.region, `${path}.region`);
  const connectorType =
    spec.connectorType === undefined
      ? CUSTOM
      : check.oneOf(spec.connectorType, `${path}.connectorType`, CONNECTOR_TYPES);
  let connectorLabel: string | undefined;
  if (connectorType === CUSTOM) {
    connectorLabel = check.matching(
      spec.connectorLabel,
      `${path}.connectorLabel`,
      CONNECTOR_LABEL,
      LABEL_EXPECTED,
    );
    results.push(connectorLabel);
  } else if (connectorType !== undefined && spec.connectorLabel !== undefined) {
    check.problem(
      `${path}.connectorLabel`,
      `only a CustomConnector profile has a connector label; this one is ${connectorType}`,
    );
    results.push(undefined);
  }
  const connectionMode =
    spec.connectionMode === undefined
      ? 'Public'
      : check.oneOf(spec.connectionMode, `${path}.connectionMode`, ['Public', 'Private'] as const);
  const optional = {
    credentialsArn: optionalMatching(
      check,
      spec,
      'credentialsArn',
      path,
      ARN,
      'an ARN, e.g. arn:aws:secretsmanager:eu-west-1:111111111111:secret:appflow-profile',
    ),
    profileProperties:
      spec.profileProperties === undefined
        ? undefined
        : properties(check, spec.profileProperties, `${path}.profileProperties`, connectorType),
    createdAt: spec.createdAt === undefined ? undefined : check.time(spec.createdAt, `${path}.createdAt`),
    lastUpdatedAt:
      spec.lastUpdatedAt === undefined ? undefined : check.time(spec.lastUpdatedAt, `${path}.lastUpdatedAt`),
  };
  results.push(name, region, connectorType, connectionMode);
  for (const [key, parsed] of Object.entries(optional)) if (spec[key] !== undefined) results.push(parsed);
  if (results.some((result) => result === undefined)) return undefined;
  return {
    name: name as string,
    region: region as string,
    connectorType: connectorType as string,
    connectionMode: connectionMode as 'Public' | 'Private',
    ...(connectorLabel !== undefined ? { connectorLabel } : {}),
    ...defined(optional),
  };
}

function flow(check: Checker, value: unknown, path: string): LoadedFlow | undefined {
  const spec = check.object(value, path, [
    'name',
    'region',
    'sourceConnectorLabel',
    'sourceConnectorType',
    'destinationConnectorLabel',
    'destinationConnectorType',
    'status',
    'triggerType',
    'description',
    'createdBy',
    'createdAt',
    'tags',
  ]);
  if (!spec) return undefined;
  const name = check.matching(
    spec.name,
    `${path}.name`,
    FLOW_NAME,
    'a flow name: 2 to 256 characters, starting with a letter or digit, then letters, digits or _ ! @ # . -',
  );
  const region = check.region(spec.region, `${path}.region`);
  const source = side(check, spec, path, 'source');
  const destination = side(check, spec, path, 'destination');
  const status =
    spec.status === undefined ? 'Active' : check.oneOf(spec.status, `${path}.status`, FLOW_STATUSES);
  const triggerType =
    spec.triggerType === undefined
      ? 'OnDemand'
      : check.oneOf(spec.triggerType, `${path}.triggerType`, TRIGGER_TYPES);
  const optional = {
    description: optionalMatching(
      check,
      spec,
      'description',
      path,
      FLOW_DESCRIPTION,
      'at most 2048 letters, digits, whitespace or _ ! @ # - . ? ,',
    ),
    createdBy: optionalMatching(
      check,
      spec,
      'createdBy',
      path,
      CREATED_BY,
      'the ARN of who created the flow (at most 256 characters, no whitespace)',
    ),
    createdAt: spec.createdAt === undefined ? undefined : check.time(spec.createdAt, `${path}.createdAt`),
    tags: spec.tags === undefined ? undefined : tags(check, spec.tags, `${path}.tags`),
  };
  const failed = Object.entries(optional).some(
    ([key, parsed]) => spec[key] !== undefined && parsed === undefined,
  );
  if (!name || !region || !source || !destination || !status || !triggerType || failed) return undefined;
  return {
    name,
    region,
    sourceConnectorType: source.type,
    ...(source.label !== undefined ? { sourceConnectorLabel: source.label } : {}),
    destinationConnectorType: destination.type,
    ...(destination.label !== undefined ? { destinationConnectorLabel: destination.label } : {}),
    status,
    triggerType,
    ...defined(optional),
  };
}

/** One end of a flow: a custom connector's label (type CustomConnector), or another connector type. */
function side(
  check: Checker,
  spec: Json,
  path: string,
  end: 'source' | 'destination',
): { type: string; label?: string } | undefined {
  const labelPath = `${path}.${end}ConnectorLabel`;
  const typePath = `${path}.${end}ConnectorType`;
  const labelValue = spec[`${end}ConnectorLabel`];
  const typeValue = spec[`${end}ConnectorType`];
  if (labelValue !== undefined) {
    const label = check.matching(labelValue, labelPath, CONNECTOR_LABEL, LABEL_EXPECTED);
    if (typeValue !== undefined && typeValue !== CUSTOM) {
      check.problem(
        typePath,
        `a side with a connector label is a CustomConnector; got ${describe(typeValue)}`,
      );
      return undefined;
    }
    return label === undefined ? undefined : { type: CUSTOM, label };
  }
  if (typeValue === undefined) {
    check.problem(
      typePath,
      `give ${end}ConnectorLabel (a custom connector) or ${end}ConnectorType (e.g. S3)`,
    );
    return undefined;
  }
  const type = check.oneOf(typeValue, typePath, CONNECTOR_TYPES);
  if (type === CUSTOM) {
    check.problem(labelPath, `a CustomConnector side needs the connector's label`);
    return undefined;
  }
  return type === undefined ? undefined : { type };
}

function properties(
  check: Checker,
  value: unknown,
  path: string,
  connectorType: string | undefined,
): Record<string, string> | undefined {
  if (connectorType !== undefined && connectorType !== CUSTOM) {
    check.problem(path, `only a CustomConnector profile has profileProperties; this one is ${connectorType}`);
    return undefined;
  }
  if (!isPlainObject(value)) {
    check.problem(path, `expected an object of property names to string values; got ${describe(value)}`);
    return undefined;
  }
  let ok = true;
  const entries = Object.entries(value);
  if (entries.length > 50) {
    check.problem(path, `has ${entries.length} properties; AppFlow allows at most 50`);
    ok = false;
  }
  for (const [key, text] of entries) {
    if (!PROPERTY_KEY.test(key)) {
      check.problem(`${path}["${key}"]`, 'property names are 1 to 128 letters, digits or _');
      ok = false;
    } else if (typeof text !== 'string' || !PROPERTY_VALUE.test(text)) {
      check.problem(
        `${path}["${key}"]`,
        `expected 1 to 2048 characters without whitespace; got ${describe(text)}`,
      );
      ok = false;
    }
  }
  return ok ? (value as Record<string, string>) : undefined;
}

// AppFlow's TagMap: at most 50 tags, keys 1–128 characters outside the aws: prefix, values up to 256.
function tags(check: Checker, value: unknown, path: string): Record<string, string> | undefined {
  if (!isPlainObject(value)) {
    check.problem(path, `expected an object of tag keys to string values; got ${describe(value)}`);
    return undefined;
  }
  let ok = true;
  const entries = Object.entries(value);
  if (entries.length > 50) {
    check.problem(path, `has ${entries.length} tags; AppFlow allows at most 50 per flow`);
    ok = false;
  }
  for (const [key, text] of entries) {
    if (key.length < 1 || key.length > 128 || key.toLowerCase().startsWith('aws:')) {
      check.problem(`${path}["${key}"]`, 'tag keys are 1 to 128 characters and do not start with aws:');
      ok = false;
    }
    if (typeof text !== 'string' || text.length > 256) {
      check.problem(
        `${path}["${key}"]`,
        `expected a string of at most 256 characters; got ${describe(text)}`,
      );
      ok = false;
    }
  }
  return ok ? (value as Record<string, string>) : undefined;
}

function optionalMatching(
  check: Checker,
  spec: Json,
  key: string,
  path: string,
  pattern: RegExp,
  expected: string,
): string | undefined {
  return spec[key] === undefined ? undefined : check.matching(spec[key], `${path}.${key}`, pattern, expected);
}

function unique(
  check: Checker,
  items: ({ name: string; region: string } | undefined)[],
  path: string,
  what: string,
): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    if (!item) return;
    const key = `${item.region}/${item.name}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else
      check.problem(
        `${path}[${i}].name`,
        `"${item.name}" is already a ${what} of this account in ${item.region} (${path.split('.').pop()}[${first}]); names are unique per account and Region`,
      );
  });
}

function defined<T extends Record<string, unknown>>(
  values: T,
): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<{
    [K in keyof T]: Exclude<T[K], undefined>;
  }>;
}
