import type { BusEvent, Caller } from '../../types.js';

/** One PutEvents entry as the API takes it (awsJson: Time is epoch seconds). */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  /** JSON text of an object. */
  Detail?: string;
  Resources?: string[];
  /** Epoch seconds on the wire; a Date from in-process callers. */
  Time?: number | Date;
  /** Name or ARN; default 'default'. */
  EventBusName?: string;
  TraceHeader?: string;
}

export interface PutEventsResultEntry {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

/** Publishes on a bus in-process, as the caller: what the Step Functions putEvents integration calls. */
export interface EventPublisher {
  putEvents(caller: Caller, region: string, entries: PutEventsEntry[]): Promise<PutEventsResult>;
}

/**
 * Starts an execution for a rule whose target is a state machine: the states service. It throws an
 * AwsServiceError (StateMachineDoesNotExist, InvalidExecutionInput, throttling…) when AWS would.
 */
export interface ExecutionStarter {
  startExecution(
    request: { stateMachineArn: string; input?: string; name?: string },
    caller: Caller,
  ): Promise<{ executionArn: string; startDate: number }>;
}

/** A bus of an account and Region. */
export interface BusRef {
  accountId: string;
  region: string;
  name: string;
  arn: string;
}

/** An event a bus accepted, kept for the CLI and tests. */
export interface PublishedEvent {
  bus: BusRef;
  event: BusEvent;
  /** ISO 8601, when the bus received it. */
  receivedAt: string;
  /** Who put it (principal ARN). */
  putBy: string;
  /** Rules whose pattern matched (names). */
  matchedRules: string[];
}

/**
 * A message published to an SNS topic (the alert topic): by a rule's SNS target, or by a caller of
 * SNS Publish (the alert gate).
 */
export interface AlertMessage {
  topicArn: string;
  /** The target input (the transformed text, or the event's JSON), or the published Message. */
  message: string;
  subject?: string;
  /** The rule that published it; absent for a Publish call. */
  ruleName?: string;
  ruleArn?: string;
  /** The event it is about: the rule's event, or a Publish call's eventId message attribute. */
  eventId?: string;
  /** Who published it: the rule's ARN, or the caller's principal. */
  publishedBy: string;
  /** ISO 8601. */
  publishedAt: string;
}

/** What happened to one event for one target of one rule. */
export interface Delivery {
  ruleName: string;
  ruleArn: string;
  targetId: string;
  targetArn: string;
  eventId: string;
  status: 'pending' | 'delivered' | 'dead-lettered';
  attempts: number;
  /** For a state machine target: the execution it started. */
  executionArn?: string;
  errorCode?: string;
  errorMessage?: string;
}

/**
 * A message in a dead-letter queue: an event a rule could not deliver, or the record of an
 * asynchronous invocation that failed every attempt (a function's on-failure destination).
 */
export type DeadLetter = UndeliveredEvent | FailedInvocation;

/**
 * An event a rule could not deliver after its RetryPolicy (or at once, for errors EventBridge does not
 * retry), with the attributes EventBridge sets on the dead-letter message.
 */
export interface UndeliveredEvent {
  kind: 'undelivered-event';
  /** The rule's DeadLetterConfig queue, when it has one. */
  queueArn?: string;
  ruleArn: string;
  targetArn: string;
  errorCode: string;
  errorMessage: string;
  /** Set when retries ran out (EXHAUSTED_RETRY_CONDITION): which RetryPolicy limit was reached. */
  exhaustedRetryCondition?: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';
  attempts: number;
  event: BusEvent;
  /** ISO 8601. */
  at: string;
}

/**
 * What Lambda sends to a function's on-failure destination after the last attempt of an asynchronous
 * invocation, its "invocation record" as documented in
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html (the message body).
 */
export interface InvocationRecord {
  version: '1.0';
  /** ISO 8601. */
  timestamp: string;
  requestContext: {
    requestId: string;
    /** Qualified: the function's ARN with :$LATEST. */
    functionArn: string;
    condition: 'RetriesExhausted' | 'EventAgeExceeded';
    approximateInvokeCount: number;
  };
  /** The event the function was invoked with. */
  requestPayload: unknown;
  /** The last attempt's answer; absent when the event expired before any attempt ran. */
  responseContext?: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload?: unknown;
}

/** An invocation record Lambda sent to a function's on-failure queue. */
export interface FailedInvocation {
  kind: 'failed-invocation';
  queueArn: string;
  functionArn: string;
  record: InvocationRecord;
  /** ISO 8601. */
  at: string;
}
