/**
 * The seams of the local stack, so each part can be written and tested on its own:
 *
 *   http/server.ts    one loopback port; reads the SigV4 credential scope of each request and hands it to
 *                     the ServiceHandler of that service (appflow, lambda, events, states, sts); dynamodb
 *                     is dynalite on a port of its own, reached through a proxy route (see stack.ts).
 *   identity.ts       who is calling: access key → account and principal (world keys, STS-issued keys).
 *   services/*.ts     one ServiceHandler per AWS service, speaking that service's wire protocol.
 *   runtime/*.ts      runs the world's functions: the registrar's own bundles and the sample connectors.
 *   events/*.ts       EventBridge pattern matching and input transformers (pure functions).
 *   world/*.ts        the world file: accounts, Regions, deployed functions.
 *   faults.ts         deterministic fault injection (seeded).
 *   stack.ts          starts and stops everything; what the CLI, the tests and the benchmarks use.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** A signed AWS request, as the server hands it to a service. */
export interface AwsRequest {
  /** Signing name from the credential scope: appflow, lambda, events, states, sts, dynamodb. */
  service: string;
  /** Region from the credential scope. */
  region: string;
  /** Access key from the credential scope. */
  accessKeyId: string;
  /** Resolved from the access key by identity.ts. */
  caller: Caller;
  method: string;
  /** Path without the query string, URL-decoded per segment by the service if it needs to. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface AwsResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type ServiceHandler = (request: AwsRequest) => Promise<AwsResponse>;

/** The wire protocols of the emulated services; decides how an AwsServiceError is written. */
export type WireProtocol = 'rest-json' | 'aws-json-1.0' | 'aws-json-1.1' | 'query';

/** A service as the server mounts it. */
export interface EmulatedService {
  /** SigV4 signing name: appflow, lambda, events, states, sts. */
  signingName: string;
  protocol: WireProtocol;
  handle: ServiceHandler;
}

/** The principal behind an access key. */
export interface Caller {
  accountId: string;
  /** arn:aws:iam::<account>:role/<name>, or arn:aws:sts::<account>:assumed-role/<name>/<session>. */
  principalArn: string;
  /** For assumed roles: the role ARN (arn:aws:iam::<account>:role/<name>). */
  roleArn?: string;
  /** The execution environment (worker) the key was issued to, when a function holds it. */
  environmentId?: string;
  /**
   * The session policy given to AssumeRole (its Policy parameter): the session may do only what both
   * the role's policies and this allow.
   */
  sessionPolicy?: import('./iam/policy.js').PolicyStatement[];
  /**
   * The local stack's stand-in for an AWS service in this account (keys LOCALAWSSERVICE<account>): the
   * only caller whose PutEvents may use an aws.* source, as CloudTrail and CloudFormation do.
   */
  awsService?: boolean;
}

/** The outcome of invoking a function, as Lambda reports it. */
export interface InvokeResult {
  /** HTTP status Lambda answers Invoke with: 200 even when the function threw. */
  statusCode: number;
  /** Set when the function threw or the runtime failed: 'Unhandled' like Lambda. */
  functionError?: 'Unhandled';
  /** JSON text: the result, or { errorType, errorMessage, trace } when functionError is set. */
  payload: string;
  durationMs: number;
}

/** Runs functions of the world. */
export interface FunctionRuntime {
  invoke(request: {
    accountId: string;
    region: string;
    functionName: string;
    payload: string;
  }): Promise<InvokeResult>;
  /** Kills the execution environment holding this id (a crash point): its invocation fails. */
  crash(environmentId: string): void;
  close(): Promise<void>;
}

/** An event as EventBridge delivers it to rules and targets. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** Credentials the identity registry issues (to a function environment, or by STS AssumeRole). */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601. */
  expiration: string;
}

/**
 * Who holds which access key. Conventions for keys it did not issue: a key that is a 12-digit
 * account id is that account's administrator; LOCALAWSSERVICE<account> is the AWS-service stand-in
 * of that account; any other unknown key is the hub account's administrator (so the AWS CLI works
 * with whatever credentials a user has configured).
 */
export interface IdentityRegistry {
  resolve(accessKeyId: string): Caller;
  issue(caller: Caller, ttlSeconds?: number): IssuedCredentials;
}

/** A Lambda function as the emulated Lambda service and AppFlow see it. */
export interface DeployedFunction {
  accountId: string;
  region: string;
  name: string;
  /** Unqualified ARN. */
  arn: string;
  /** Absolute path of the module, and the export to call. */
  modulePath: string;
  exportName: string;
  /** 'registrar': one of this project's bundles deployed from serverless.yml; 'connector': from the world file. */
  kind: 'registrar' | 'connector';
  runtime: string;
  role: string;
  handler: string;
  tags: Record<string, string>;
  state: 'Pending' | 'Active' | 'Inactive' | 'Failed';
  lastUpdateStatus: 'Successful' | 'InProgress' | 'Failed';
  /** Base64 SHA-256 of the code. */
  codeSha256: string;
  codeSize: number;
  /** Lambda's format: 2026-11-27T08:00:00.000+0000. */
  lastModified: string;
  timeoutSeconds: number;
  memorySize: number;
  environment: Record<string, string>;
  /** Resource policy statements, as GetPolicy returns them inside Policy. */
  policy: import('./world/schema.js').PolicyStatement[];
  /** Concurrent execution environments allowed (reserved concurrency); undefined = unlimited. */
  reservedConcurrency?: number;
  /** Its AWS::Lambda::EventInvokeConfig: retries and on-failure destination of event invocations. */
  eventInvokeConfig?: {
    maximumRetryAttempts: number;
    maximumEventAgeInSeconds: number;
    onFailureQueueArn?: string;
  };
  /**
   * Set once UntagResource removed its last tag: the Resource Groups Tagging API still lists a
   * function that had tags, with an empty tag set, when no tag filter is given.
   */
  hadTags?: true;
}

/** The functions deployed in the emulated accounts; mutable (AddPermission, tags, …). */
export interface FunctionRegistry {
  /** By name, unqualified ARN or partial ARN, in the account and Region. */
  get(accountId: string, region: string, nameOrArn: string): DeployedFunction | undefined;
  list(accountId: string, region: string): DeployedFunction[];
  all(): DeployedFunction[];
  add(fn: DeployedFunction): void;
  /** Removes a function (DeleteFunction); false when it was not there. */
  delete(fn: DeployedFunction): boolean;
}
