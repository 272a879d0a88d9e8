/**
 * The Amazon AppFlow custom-connector protocol: the events AppFlow invokes a connector Lambda with and
 * the answers it expects. Field names and enum values follow the request and response models of the
 * AppFlow custom connector SDKs (awslabs/aws-appflow-custom-connector-python and -java), which
 * serialize them as the JSON shown here.
 */

export type ConnectorMode = 'SOURCE' | 'DESTINATION';

export type ConnectorOperator =
  | 'PROJECTION'
  | 'LESS_THAN'
  | 'GREATER_THAN'
  | 'BETWEEN'
  | 'LESS_THAN_OR_EQUAL_TO'
  | 'GREATER_THAN_OR_EQUAL_TO'
  | 'EQUAL_TO'
  | 'CONTAINS'
  | 'NOT_EQUAL_TO'
  | 'ADDITION'
  | 'SUBTRACTION'
  | 'MULTIPLICATION'
  | 'DIVISION'
  | 'MASK_ALL'
  | 'MASK_FIRST_N'
  | 'MASK_LAST_N'
  | 'VALIDATE_NON_NULL'
  | 'VALIDATE_NON_ZERO'
  | 'VALIDATE_NON_NEGATIVE'
  | 'VALIDATE_NUMERIC'
  | 'NO_OP';

export type TriggerType = 'SCHEDULED' | 'ONDEMAND';
export type TriggerFrequency = 'BYMINUTE' | 'HOURLY' | 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'ONCE';
export type WriteOperationType = 'INSERT' | 'UPDATE' | 'UPSERT' | 'DELETE';

export type FieldDataType =
  | 'String'
  | 'Integer'
  | 'Float'
  | 'Double'
  | 'Long'
  | 'Short'
  | 'BigInteger'
  | 'BigDecimal'
  | 'ByteArray'
  | 'Boolean'
  | 'Date'
  | 'DateTime'
  | 'Struct'
  | 'Map'
  | 'List';

export type ConnectorRuntimeSettingDataType = 'String' | 'Date' | 'DateTime' | 'Long' | 'Integer' | 'Boolean';
export type ConnectorRuntimeSettingScope =
  | 'CONNECTOR_PROFILE'
  | 'SOURCE'
  | 'DESTINATION'
  | 'SOURCE_AND_DESTINATION';

export type AuthenticationType = 'BasicAuth' | 'CustomAuth' | 'OAuth2' | 'ApiKey';
export type TimeUnit =
  | 'NANOSECONDS'
  | 'MICROSECONDS'
  | 'MILLISECONDS'
  | 'SECONDS'
  | 'MINUTES'
  | 'HOURS'
  | 'DAYS';

/** Normalized error codes a connector reports back to AppFlow. */
export type ErrorCode =
  | 'InvalidArgument'
  | 'InvalidCredentials'
  | 'AccessDenied'
  | 'RequestTimeout'
  | 'RateLimitExceeded'
  | 'ServiceUnavailable'
  | 'ClientError'
  | 'ServerError'
  | 'UnknownError'
  | 'PartialWriteFailure'
  | 'ResourceNotFoundError';

export interface ErrorDetails {
  errorCode: ErrorCode;
  errorMessage: string;
  retryAfterSeconds?: number | null;
}

/** Credentials AppFlow passes: a Secrets Manager secret holding them, never the secret itself. */
export interface Credentials {
  secretArn: string;
  authenticationType: AuthenticationType;
}

export interface Entity {
  entityIdentifier: string;
  hasNestedEntities: boolean;
  label?: string | null;
  description?: string | null;
}

export interface RangeConstraint {
  minRange: number;
  maxRange: number;
}

export interface FieldConstraints {
  allowedLengthRange?: RangeConstraint | null;
  allowedValueRange?: RangeConstraint | null;
  allowedValues?: string[] | null;
  allowedValuesRegexPattern?: string | null;
  allowedDateFormat?: string | null;
}

export interface ReadOperationProperty {
  isRetrievable?: boolean | null;
  isNullable?: boolean | null;
  isQueryable?: boolean | null;
  isTimestampFieldForIncrementalQueries?: boolean | null;
}

export interface WriteOperationProperty {
  isCreatable?: boolean | null;
  isUpdatable?: boolean | null;
  isNullable?: boolean | null;
  isUpsertable?: boolean | null;
  isDefaultedOnCreate?: boolean | null;
  supportedWriteOperations?: WriteOperationType[] | null;
}

export interface FieldDefinition {
  fieldName: string;
  dataType: FieldDataType;
  dataTypeLabel: string;
  label?: string | null;
  description?: string | null;
  isPrimaryKey?: boolean | null;
  defaultValue?: string | null;
  isDeprecated?: boolean | null;
  constraints?: FieldConstraints | null;
  readProperties?: ReadOperationProperty | null;
  writeProperties?: WriteOperationProperty | null;
  filterOperators?: ConnectorOperator[] | null;
  customProperties?: Record<string, string> | null;
}

export interface EntityDefinition {
  entity: Entity;
  fields: FieldDefinition[];
  customProperties?: Record<string, string> | null;
}

export interface ConnectorContext {
  apiVersion: string;
  credentials?: Credentials | null;
  connectorRuntimeSettings?: Record<string, string> | null;
  entityDefinition?: EntityDefinition | null;
}

export interface CacheControl {
  timeToLive: number;
  timeToLiveUnit: TimeUnit;
}

export interface AuthParameter {
  key: string;
  required: boolean;
  label: string;
  description: string;
  sensitiveField?: boolean | null;
  connectorSuppliedValues?: string[] | null;
}

export interface CustomAuthConfig {
  authenticationType: string;
  authParameters: AuthParameter[];
}

export interface OAuth2Defaults {
  oAuthScopes?: string[] | null;
  tokenURL: string[];
  authURL: string[];
  oAuth2GrantTypesSupported: Array<'CLIENT_CREDENTIALS' | 'AUTHORIZATION_CODE'>;
}

export interface AuthenticationConfig {
  isBasicAuthSupported?: boolean | null;
  isApiKeyAuthSupported?: boolean | null;
  isOAuth2Supported?: boolean | null;
  isCustomAuthSupported?: boolean | null;
  oAuth2Defaults?: OAuth2Defaults | null;
  customAuthConfig?: CustomAuthConfig[] | null;
}

export interface ConnectorRuntimeSetting {
  key: string;
  dataType: ConnectorRuntimeSettingDataType;
  required: boolean;
  label: string;
  description: string;
  scope: ConnectorRuntimeSettingScope;
  connectorSuppliedValueOptions?: string[] | null;
}

// ---- Requests -------------------------------------------------------------------------------------

export interface DescribeConnectorConfigurationRequest {
  type: 'DescribeConnectorConfigurationRequest';
  /** Default en-US. */
  locale?: string;
}

export interface ValidateConnectorRuntimeSettingsRequest {
  type: 'ValidateConnectorRuntimeSettingsRequest';
  scope: ConnectorRuntimeSettingScope;
  connectorRuntimeSettings: Record<string, string>;
}

export interface ValidateCredentialsRequest {
  type: 'ValidateCredentialsRequest';
  credentials: Credentials;
  connectorRuntimeSettings?: Record<string, string> | null;
}

export interface ListEntitiesRequest {
  type: 'ListEntitiesRequest';
  connectorContext: ConnectorContext;
  entitiesPath?: string | null;
  nextToken?: string | null;
  /** Default 1000. */
  maxResult?: number | null;
}

export interface DescribeEntityRequest {
  type: 'DescribeEntityRequest';
  entityIdentifier: string;
  connectorContext: ConnectorContext;
}

export interface RetrieveDataRequest {
  type: 'RetrieveDataRequest';
  entityIdentifier: string;
  connectorContext: ConnectorContext;
  selectedFieldNames?: string[] | null;
  idFieldName?: string | null;
  ids?: string[] | null;
}

export interface WriteDataRequest {
  type: 'WriteDataRequest';
  entityIdentifier: string;
  connectorContext: ConnectorContext;
  operation?: WriteOperationType | null;
  idFieldNames?: string[] | null;
  /** Each record is a JSON-serialized object. */
  records?: string[] | null;
  allOrNone?: boolean | null;
}

export interface QueryDataRequest {
  type: 'QueryDataRequest';
  entityIdentifier: string;
  connectorContext: ConnectorContext;
  selectedFieldNames?: string[] | null;
  /** Like a SQL WHERE clause: `name = "Ada" and age > 30`. */
  filterExpression?: string | null;
  nextToken?: string | null;
  /** Default 1000. */
  maxResults?: number | null;
}

export type ConnectorRequest =
  | DescribeConnectorConfigurationRequest
  | ValidateConnectorRuntimeSettingsRequest
  | ValidateCredentialsRequest
  | ListEntitiesRequest
  | DescribeEntityRequest
  | RetrieveDataRequest
  | WriteDataRequest
  | QueryDataRequest;

export type ConnectorRequestType = ConnectorRequest['type'];

/** Every request type, in the order the SDKs dispatch them. */
export const CONNECTOR_REQUEST_TYPES: readonly ConnectorRequestType[] = [
  'ValidateConnectorRuntimeSettingsRequest',
  'ValidateCredentialsRequest',
  'DescribeConnectorConfigurationRequest',
  'ListEntitiesRequest',
  'DescribeEntityRequest',
  'RetrieveDataRequest',
  'WriteDataRequest',
  'QueryDataRequest',
];

// ---- Responses ------------------------------------------------------------------------------------

interface Outcome {
  isSuccess: boolean;
  errorDetails?: ErrorDetails | null;
}

export interface DescribeConnectorConfigurationResponse extends Outcome {
  connectorOwner: string;
  connectorName: string;
  connectorVersion: string;
  connectorModes: ConnectorMode[];
  authenticationConfig?: AuthenticationConfig | null;
  supportedApiVersions: string[];
  connectorRuntimeSetting?: ConnectorRuntimeSetting[] | null;
  operatorsSupported?: ConnectorOperator[];
  supportedWriteOperations?: WriteOperationType[];
  supportedTriggerTypes?: TriggerType[];
  triggerFrequenciesSupported?: TriggerFrequency[];
  logoURL?: string | null;
}

export interface ValidateConnectorRuntimeSettingsResponse extends Outcome {
  /** Setting key → what is wrong with its value. */
  errorsByInputField?: Record<string, string> | null;
}

export type ValidateCredentialsResponse = Outcome;

export interface ListEntitiesResponse extends Outcome {
  entities?: Entity[] | null;
  nextToken?: string | null;
  cacheControl?: CacheControl | null;
}

export interface DescribeEntityResponse extends Outcome {
  entityDefinition?: EntityDefinition | null;
  cacheControl?: CacheControl | null;
}

export interface RetrieveDataResponse extends Outcome {
  records?: string[] | null;
}

export interface WriteRecordResult {
  isSuccess: boolean;
  recordId?: string | null;
  errorMessage?: string | null;
}

export interface WriteDataResponse extends Outcome {
  writeRecordResults?: WriteRecordResult[] | null;
}

export interface QueryDataResponse extends Outcome {
  nextToken?: string | null;
  records?: string[] | null;
}

/** The answer a connector gives to each request type. */
export interface ConnectorResponses {
  DescribeConnectorConfigurationRequest: DescribeConnectorConfigurationResponse;
  ValidateConnectorRuntimeSettingsRequest: ValidateConnectorRuntimeSettingsResponse;
  ValidateCredentialsRequest: ValidateCredentialsResponse;
  ListEntitiesRequest: ListEntitiesResponse;
  DescribeEntityRequest: DescribeEntityResponse;
  RetrieveDataRequest: RetrieveDataResponse;
  WriteDataRequest: WriteDataResponse;
  QueryDataRequest: QueryDataResponse;
}

export type ConnectorResponse = ConnectorResponses[ConnectorRequestType];

/**
 * Thrown for an event that is not a connector request. Like the SDKs, a connector fails the
 * invocation (a Lambda function error) rather than answering: AppFlow never sends such an event.
 */
export class UnsupportedRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedRequestError';
  }
}

/**
 * The request type of an event, or an UnsupportedRequestError naming what was received.
 *
 * @example requestType({ type: 'ListEntitiesRequest', connectorContext }) // 'ListEntitiesRequest'
 */
export function requestType(event: unknown): ConnectorRequestType {
  const type = typeof event === 'object' && event !== null ? (event as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && (CONNECTOR_REQUEST_TYPES as readonly string[]).includes(type)) {
    return type as ConnectorRequestType;
  }
  throw new UnsupportedRequestError(
    `No operation is defined for request type: ${JSON.stringify(type) ?? 'undefined'}. A custom connector answers only ${CONNECTOR_REQUEST_TYPES.join(', ')}.`,
  );
}

/** An unsuccessful answer with the given error, for any request type. */
export function failure(
  errorCode: ErrorCode,
  errorMessage: string,
): Outcome & { errorDetails: ErrorDetails } {
  return { isSuccess: false, errorDetails: { errorCode, errorMessage, retryAfterSeconds: null } };
}
