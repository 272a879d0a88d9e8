/**
 * The world file: the accounts, Regions and deployed functions the local stack emulates.
 * JSON; paths inside it are relative to the file. Documented for users in README.md ("The world file").
 *
 * The registrar's own functions are not listed here: the stack deploys them into the hub account and
 * Region(s) from serverless.yml, as `serverless deploy` would.
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
  /** The role the hub assumes here (spoke/ template). Absent in the hub account and in accounts without the spoke stack. */
  spokeRole?: {
    name: string;
    /** Role ARNs allowed to assume it; default: the hub's registrar function roles. */
    trustedPrincipalArns?: string[];
    externalId?: string;
  };
  functions: FunctionSpec[];
  /** Connectors already registered with AppFlow before the stack starts (for conflict scenarios). */
  connectors?: PreRegisteredConnector[];
}

export interface PreRegisteredConnector {
  label: string;
  region: string;
  /** A function of this account (by name) that the registration points at. */
  functionName: string;
  description?: string;
  /** ISO 8601; default: the stack's start time minus one day. */
  registeredAt?: string;
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
