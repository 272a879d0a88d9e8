import { CONTACT_FIELDS, CONTACTS_ENTITY, type Contact, type ContactStore } from './contacts-store.js';
import {
  type ConnectorContext,
  type ConnectorRequest,
  type ConnectorResponse,
  type ConnectorRuntimeSetting,
  type DescribeConnectorConfigurationResponse,
  type DescribeEntityRequest,
  type DescribeEntityResponse,
  failure,
  type ListEntitiesRequest,
  type ListEntitiesResponse,
  type QueryDataRequest,
  type QueryDataResponse,
  type RetrieveDataRequest,
  type RetrieveDataResponse,
  requestType,
  type ValidateConnectorRuntimeSettingsRequest,
  type ValidateConnectorRuntimeSettingsResponse,
  type ValidateCredentialsRequest,
  type ValidateCredentialsResponse,
  type WriteDataRequest,
  type WriteDataResponse,
  type WriteRecordResult,
} from './protocol.js';
import { compileFilter, FilterExpressionError } from './query-filter.js';

export const API_VERSION = 'v1';
const DEFAULT_MAX_RESULTS = 1000;
const CACHE_CONTROL = { timeToLive: 3600, timeToLiveUnit: 'SECONDS' } as const;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

export const RUNTIME_SETTINGS: ConnectorRuntimeSetting[] = [
  {
    key: 'instanceUrl',
    dataType: 'String',
    required: true,
    label: 'Instance URL',
    description: 'HTTPS address of the address book instance',
    scope: 'CONNECTOR_PROFILE',
  },
  {
    key: 'pageSize',
    dataType: 'Integer',
    required: false,
    label: 'Page size',
    description: 'Records per page read from the address book (1-1000)',
    scope: 'SOURCE',
  },
];

/** What the sample connector answers to DescribeConnectorConfigurationRequest. */
export const CONNECTOR_CONFIGURATION: DescribeConnectorConfigurationResponse = {
  isSuccess: true,
  connectorOwner: 'appflow-connector-registrar samples',
  connectorName: 'SampleContacts',
  connectorVersion: '1.0.0',
  connectorModes: ['SOURCE', 'DESTINATION'],
  authenticationConfig: {
    isBasicAuthSupported: false,
    isApiKeyAuthSupported: true,
    isOAuth2Supported: false,
    isCustomAuthSupported: false,
  },
  supportedApiVersions: [API_VERSION],
  connectorRuntimeSetting: RUNTIME_SETTINGS,
  operatorsSupported: [
    'PROJECTION',
    'EQUAL_TO',
    'NOT_EQUAL_TO',
    'LESS_THAN',
    'LESS_THAN_OR_EQUAL_TO',
    'GREATER_THAN',
    'GREATER_THAN_OR_EQUAL_TO',
    'BETWEEN',
    'CONTAINS',
    'NO_OP',
  ],
  supportedWriteOperations: ['INSERT', 'UPDATE', 'UPSERT', 'DELETE'],
  supportedTriggerTypes: ['SCHEDULED', 'ONDEMAND'],
  triggerFrequenciesSupported: ['BYMINUTE', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'ONCE'],
  logoURL: 'https://example.com/contacts-logo.png',
  errorDetails: null,
};

/**
 * The sample "contacts" connector: answers every custom-connector request type from an in-memory
 * store, the way a connector built with the AppFlow SDKs answers from its application.
 *
 * @example const answer = createContactsConnector(new ContactStore())({ type: 'ListEntitiesRequest', connectorContext: { apiVersion: 'v1' } });
 */
export function createContactsConnector(store: ContactStore): (event: unknown) => ConnectorResponse {
  return (event) => {
    const type = requestType(event);
    const request = event as ConnectorRequest;
    switch (type) {
      case 'DescribeConnectorConfigurationRequest':
        return structuredClone(CONNECTOR_CONFIGURATION);
      case 'ValidateConnectorRuntimeSettingsRequest':
        return validateRuntimeSettings(request as ValidateConnectorRuntimeSettingsRequest);
      case 'ValidateCredentialsRequest':
        return validateCredentials(request as ValidateCredentialsRequest);
      case 'ListEntitiesRequest':
        return listEntities(request as ListEntitiesRequest);
      case 'DescribeEntityRequest':
        return describeEntity(request as DescribeEntityRequest);
      case 'RetrieveDataRequest':
        return retrieveData(store, request as RetrieveDataRequest);
      case 'WriteDataRequest':
        return writeData(store, request as WriteDataRequest);
      case 'QueryDataRequest':
        return queryData(store, request as QueryDataRequest);
    }
  };
}

function validateRuntimeSettings(
  request: ValidateConnectorRuntimeSettingsRequest,
): ValidateConnectorRuntimeSettingsResponse {
  const values = request.connectorRuntimeSettings ?? {};
  const inScope = RUNTIME_SETTINGS.filter(
    (setting) => setting.scope === request.scope || request.scope === 'SOURCE_AND_DESTINATION',
  );
  const errors: Record<string, string> = {};
  for (const key of Object.keys(values)) {
    if (!inScope.some((setting) => setting.key === key))
      errors[key] = `Unknown setting for scope ${request.scope}`;
  }
  for (const setting of inScope) {
    const value = values[setting.key];
    if (value === undefined || value === '') {
      if (setting.required) errors[setting.key] = 'Required';
      continue;
    }
    if (setting.key === 'instanceUrl' && !/^https:\/\/[^\s/]+/.test(value))
      errors[setting.key] = 'Must be an https:// URL';
    if (setting.key === 'pageSize' && !(Number.isInteger(Number(value)) && +value >= 1 && +value <= 1000)) {
      errors[setting.key] = 'Must be an integer from 1 to 1000';
    }
  }
  if (Object.keys(errors).length === 0)
    return { isSuccess: true, errorsByInputField: null, errorDetails: null };
  return {
    ...failure('InvalidArgument', `Invalid connector runtime settings: ${Object.keys(errors).join(', ')}`),
    errorsByInputField: errors,
  };
}

function validateCredentials(request: ValidateCredentialsRequest): ValidateCredentialsResponse {
  const credentials = request.credentials;
  if (credentials?.authenticationType !== 'ApiKey') {
    return failure(
      'InvalidCredentials',
      `Authentication type ${credentials?.authenticationType ?? 'none'} is not supported; use ApiKey`,
    );
  }
  if (!SECRET_ARN.test(credentials.secretArn ?? '')) {
    return failure('InvalidCredentials', 'credentials.secretArn must be a Secrets Manager secret ARN');
  }
  return { isSuccess: true, errorDetails: null };
}

function apiVersionProblem(context: ConnectorContext | undefined): string | undefined {
  if (context?.apiVersion === API_VERSION) return undefined;
  return `API version ${context?.apiVersion ?? '(none)'} is not supported; use ${API_VERSION}`;
}

function listEntities(request: ListEntitiesRequest): ListEntitiesResponse {
  const problem = apiVersionProblem(request.connectorContext);
  if (problem) return failure('InvalidArgument', problem);
  // The entity tree is flat: only the root holds entities.
  const atRoot = !request.entitiesPath || request.entitiesPath === '/';
  return {
    isSuccess: true,
    errorDetails: null,
    entities: atRoot ? [structuredClone(CONTACTS_ENTITY.entity)] : [],
    nextToken: null,
    cacheControl: CACHE_CONTROL,
  };
}

function unknownEntity(entityIdentifier: string) {
  return failure('InvalidArgument', `Unknown entity "${entityIdentifier}"; this connector has "contacts"`);
}

function describeEntity(request: DescribeEntityRequest): DescribeEntityResponse {
  const problem = apiVersionProblem(request.connectorContext);
  if (problem) return failure('InvalidArgument', problem);
  if (request.entityIdentifier !== CONTACTS_ENTITY.entity.entityIdentifier) {
    return unknownEntity(request.entityIdentifier);
  }
  return {
    isSuccess: true,
    errorDetails: null,
    entityDefinition: structuredClone(CONTACTS_ENTITY),
    cacheControl: CACHE_CONTROL,
  };
}

function project(contact: Contact, selected: string[] | null | undefined): string {
  if (!selected || selected.length === 0) return JSON.stringify(contact);
  return JSON.stringify(Object.fromEntries(selected.map((name) => [name, contact[name as keyof Contact]])));
}

function unknownFields(names: string[] | null | undefined): string[] {
  return (names ?? []).filter((name) => !(CONTACT_FIELDS as readonly string[]).includes(name));
}

function retrieveData(store: ContactStore, request: RetrieveDataRequest): RetrieveDataResponse {
  const problem = apiVersionProblem(request.connectorContext);
  if (problem) return failure('InvalidArgument', problem);
  if (request.entityIdentifier !== 'contacts') return unknownEntity(request.entityIdentifier);
  const badFields = unknownFields([...(request.selectedFieldNames ?? []), request.idFieldName ?? 'id']);
  if (badFields.length > 0) return failure('InvalidArgument', `Unknown fields: ${badFields.join(', ')}`);

  const idField = (request.idFieldName ?? 'id') as keyof Contact;
  const ids = request.ids ?? null;
  const found = store.all().filter((contact) => ids === null || ids.includes(String(contact[idField])));
  return {
    isSuccess: true,
    errorDetails: null,
    records: found.map((contact) => project(contact, request.selectedFieldNames)),
  };
}

function queryData(store: ContactStore, request: QueryDataRequest): QueryDataResponse {
  const problem = apiVersionProblem(request.connectorContext);
  if (problem) return failure('InvalidArgument', problem);
  if (request.entityIdentifier !== 'contacts') return unknownEntity(request.entityIdentifier);
  const badFields = unknownFields(request.selectedFieldNames);
  if (badFields.length > 0) return failure('InvalidArgument', `Unknown fields: ${badFields.join(', ')}`);

  let matches = store.all();
  if (request.filterExpression) {
    try {
      const predicate = compileFilter(request.filterExpression, CONTACT_FIELDS);
      matches = matches.filter((contact) => predicate(contact as unknown as Record<string, unknown>));
    } catch (error) {
      if (error instanceof FilterExpressionError) {
        return failure('InvalidArgument', `Invalid filterExpression: ${error.message}`);
      }
      throw error;
    }
  }
  const offset = request.nextToken ? Number.parseInt(request.nextToken, 10) : 0;
  if (!Number.isInteger(offset) || offset < 0) return failure('InvalidArgument', 'Invalid nextToken');
  const pageSize = request.maxResults && request.maxResults > 0 ? request.maxResults : DEFAULT_MAX_RESULTS;
  const page = matches.slice(offset, offset + pageSize);
  const end = offset + page.length;
  return {
    isSuccess: true,
    errorDetails: null,
    records: page.map((contact) => project(contact, request.selectedFieldNames)),
    nextToken: end < matches.length ? String(end) : null,
  };
}

type WriteOutcome = { result: WriteRecordResult; apply?: () => void };

function recordProblem(record: Record<string, unknown>): string | undefined {
  const unknown = unknownFields(Object.keys(record));
  if (unknown.length > 0) return `Unknown fields: ${unknown.join(', ')}`;
  if ('name' in record && (typeof record.name !== 'string' || record.name.length === 0)) {
    return 'name must be a non-empty string';
  }
  if ('email' in record && (typeof record.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(record.email))) {
    return 'email must be an email address';
  }
  if ('age' in record && !(Number.isInteger(record.age) && (record.age as number) >= 0)) {
    return 'age must be a non-negative integer';
  }
  return undefined;
}

function writeOne(store: ContactStore, request: WriteDataRequest, text: string): WriteOutcome {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(text);
  } catch {
    return { result: { isSuccess: false, recordId: null, errorMessage: 'Record is not JSON' } };
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return { result: { isSuccess: false, recordId: null, errorMessage: 'Record is not a JSON object' } };
  }
  const problem = recordProblem(record);
  if (problem) return { result: { isSuccess: false, recordId: null, errorMessage: problem } };

  const operation = request.operation ?? 'INSERT';
  const idField = request.idFieldNames?.[0] ?? 'id';
  const id = typeof record[idField] === 'string' ? (record[idField] as string) : undefined;
  const existing = id === undefined ? undefined : store.get(id);
  const now = new Date().toISOString();
  const fail = (errorMessage: string): WriteOutcome => ({
    result: { isSuccess: false, recordId: id ?? null, errorMessage },
  });

  if (operation === 'DELETE') {
    if (!existing || id === undefined) return fail(`No contact with ${idField} ${id ?? '(missing)'}`);
    return { result: { isSuccess: true, recordId: id, errorMessage: null }, apply: () => store.delete(id) };
  }
  if (operation === 'UPDATE' && !existing) return fail(`No contact with ${idField} ${id ?? '(missing)'}`);
  if (operation === 'INSERT' && existing) return fail(`A contact with id ${id} already exists`);

  const merged = { ...existing, ...record, updatedAt: now } as Partial<Contact>;
  if (!merged.name || !merged.email || merged.age === undefined) {
    return fail('A new contact needs name, email and age');
  }
  const contact: Contact = {
    id: id ?? store.nextId(),
    name: merged.name,
    email: merged.email,
    age: merged.age,
    updatedAt: now,
  };
  return {
    result: { isSuccess: true, recordId: contact.id, errorMessage: null },
    apply: () => store.put(contact),
  };
}

function writeData(store: ContactStore, request: WriteDataRequest): WriteDataResponse {
  const problem = apiVersionProblem(request.connectorContext);
  if (problem) return failure('InvalidArgument', problem);
  if (request.entityIdentifier !== 'contacts') return unknownEntity(request.entityIdentifier);

  const outcomes = (request.records ?? []).map((text) => writeOne(store, request, text));
  const failed = outcomes.filter((outcome) => !outcome.result.isSuccess).length;
  if (failed > 0 && request.allOrNone) {
    return {
      ...failure(
        'InvalidArgument',
        `${failed} of ${outcomes.length} records are invalid; nothing was written`,
      ),
      writeRecordResults: outcomes.map(({ result }) => ({
        ...result,
        isSuccess: false,
        errorMessage: result.errorMessage ?? 'Not written: another record of the batch failed (allOrNone)',
      })),
    };
  }
  for (const outcome of outcomes) outcome.apply?.();
  const results = outcomes.map((outcome) => outcome.result);
  if (failed > 0) {
    return {
      ...failure('PartialWriteFailure', `${failed} of ${outcomes.length} records were not written`),
      writeRecordResults: results,
    };
  }
  return { isSuccess: true, errorDetails: null, writeRecordResults: results };
}
