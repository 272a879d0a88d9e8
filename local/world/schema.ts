/**
 * The world file: the accounts, Regions and deployed functions the local stack emulates.
 * JSON; paths inside it are relative to the file. Documented for users in README.md ("The world file").
 *
 * Nothing the templates create is listed here: the stack deploys the packaged hub template into the
 * hub account and Regions, and spoke/template.yaml into the member accounts, as users would.
 */
export interface WorldFile {
  /** AWS Organizations id every account belongs to (checked by the hub bus policy and spoke trust). */
  organizationId: string;
  hub: {
    accountId: string;
    /** Regions the hub is deployed in; the first is the default. */
    regions: string[];
  };
  accounts: AccountSpec[];
}

export interface AccountSpec {
  accountId: string;
  name?: string;
  /** false for an account outside the organization (its events and calls are refused). Default true. */
  inOrganization?: boolean;
  /**
   * The spoke stack (spoke/template.yaml), which the local stack deploys here with the parameters the
   * README gives, as the StackSet would. Default: deployed in every account of the organization, in
   * every Region of the world; none outside it. `false`: never deployed here (the StackSet did not
   * reach the account). `{ parameters }`: deployed with these parameters overridden (a stack instance's
   * parameter overrides), e.g. a HubFunctionRoleArns that trusts another hub.
   */
  spoke?: false | { parameters?: Record<string, string> };
  functions: FunctionSpec[];
  /** Connectors already registered with AppFlow before the stack starts (for conflict scenarios). */
  connectors?: PreRegisteredConnector[];
  /** AppFlow connector profiles of this account (DescribeConnectorProfiles answers them). */
  connectorProfiles?: ConnectorProfileSpec[];
  /** AppFlow flows of this account (ListFlows answers them). */
  flows?: FlowSpec[];
}

export interface PreRegisteredConnector {
  label: string;
  region: string;
  /** A function of this account (by name) that the registration points at. */
  functionName: string;
  /**
   * The function was deleted after it was registered, so the registration outlives it (what a
   * deletion signal then finds): `functionName` must name no function of this account and Region.
   */
  functionDeleted?: boolean;
  description?: string;
  /** ISO 8601; default: the stack's start time minus one day. */
  registeredAt?: string;
  /**
   * Who registered it, as AppFlow reports it in registeredBy: the caller's ARN. Default the account's
   * root (arn:aws:iam::<account>:root), a registration made by hand.
   */
  registeredBy?: string;
}

/** A connector profile, with what DescribeConnectorProfiles answers of it. */
export interface ConnectorProfileSpec {
  /** Unique per account and Region. */
  name: string;
  region: string;
  /** Default CustomConnector. */
  connectorType?: string;
  /** The custom connector's label; required for CustomConnector, refused for other types. */
  connectorLabel?: string;
  /** Default Public. */
  connectionMode?: 'Public' | 'Private';
  credentialsArn?: string;
  /** CustomConnector profileProperties. */
  profileProperties?: Record<string, string>;
  /** ISO 8601; default: the stack's start time minus one day. */
  createdAt?: string;
  /** ISO 8601; default createdAt. */
  lastUpdatedAt?: string;
}

/** A flow, with what ListFlows answers of it. Each side is a custom connector's label or another type. */
export interface FlowSpec {
  /** Unique per account and Region. */
  name: string;
  region: string;
  /** A custom connector's label (its type is then CustomConnector). */
  sourceConnectorLabel?: string;
  /** Required without sourceConnectorLabel, e.g. S3 or Salesforce. */
  sourceConnectorType?: string;
  destinationConnectorLabel?: string;
  destinationConnectorType?: string;
  /** Default Active. */
  status?: 'Active' | 'Deprecated' | 'Deleted' | 'Draft' | 'Errored' | 'Suspended';
  /** Default OnDemand. */
  triggerType?: 'Scheduled' | 'Event' | 'OnDemand';
  description?: string;
  /** ARN of who created it; default the account's root. */
  createdBy?: string;
  /** ISO 8601; default: the stack's start time minus one day. */
  createdAt?: string;
  tags?: Record<string, string>;
}

export interface FunctionSpec {
  name: string;
  region: string;
  /** Module and export, relative to the world file: "../examples/connectors/healthy.ts#handler". */
  handler: string;
  tags?: Record<string, string>;
  /** Default Active. */
  state?: 'Pending' | 'Active' | 'Inactive' | 'Failed';
  /** Default Successful. */
  lastUpdateStatus?: 'Successful' | 'InProgress' | 'Failed';
  /** Base64 SHA-256 of the code; default: computed from the handler file's bytes. */
  codeSha256?: string;
  /** Default 3, like Lambda. */
  timeoutSeconds?: number;
  /**
   * The resource policy. "appflow" (default): AppFlow may invoke it, with the SourceAccount and
   * SourceArn conditions. "none": no policy. Or explicit statements, as Lambda stores them.
   */
  policy?: 'appflow' | 'none' | PolicyStatement[];
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal: { Service?: string; AWS?: string };
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}
