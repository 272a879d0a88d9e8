/**
 * One source of truth for the events this project publishes and the deploy and removal signals it
 * listens to.
 * The ASL (statemachine/), the rules (events/rules/) and serverless.yml carry the same strings;
 * test/unit/event-types.test.ts fails when they drift apart.
 */
export const REGISTRAR_SOURCE = 'appflow.connector-registrar';

export const DetailType = {
  ConnectorRegistered: 'ConnectorRegistered',
  ConnectorRegistrationFailed: 'ConnectorRegistrationFailed',
  ConnectorUnregistered: 'ConnectorUnregistered',
  ConnectorUnregistrationFailed: 'ConnectorUnregistrationFailed',
  /** One per account and Region swept: the count per drift class and the repairs started. */
  ConnectorSweepCompleted: 'ConnectorSweepCompleted',
  /** An account and Region could not be swept (spoke role missing, access denied): alerted. */
  ConnectorSweepFailed: 'ConnectorSweepFailed',
  /** What a member account's sweep schedule puts on the hub bus (EventBridge's scheduled event). */
  ScheduledEvent: 'Scheduled Event',
  /** Sent by a CI/CD pipeline that wants a connector registered now. */
  ConnectorLambdaDeployed: 'Connector Lambda Deployed',
  CloudTrailApiCall: 'AWS API Call via CloudTrail',
  CloudFormationResourceStatusChange: 'CloudFormation Resource Status Change',
} as const;

/**
 * The events that end a workflow for one connector: the rule of the outcome recorder
 * (resources/outcomes.yml) matches exactly these, and functions/record-outcome reads them.
 */
export const OUTCOME_DETAIL_TYPES = [
  DetailType.ConnectorRegistered,
  DetailType.ConnectorRegistrationFailed,
  DetailType.ConnectorUnregistered,
  DetailType.ConnectorUnregistrationFailed,
] as const;

export type OutcomeDetailType = (typeof OUTCOME_DETAIL_TYPES)[number];

/**
 * The failures that alert: events/rules/alert-workflow-failed.json matches exactly these, and the
 * alert gate (functions/alert-gate) takes no other. A failed sweep names no connector, so it is not
 * an outcome the inventory records, but it is published with the same detail fields.
 */
export const FAILURE_DETAIL_TYPES: readonly string[] = [
  DetailType.ConnectorRegistrationFailed,
  DetailType.ConnectorUnregistrationFailed,
  DetailType.ConnectorSweepFailed,
];

/** CloudTrail event names carry a date suffix (CreateFunction20150331): rules match by prefix. */
export const CLOUDTRAIL_EVENT_PREFIXES = [
  'CreateFunction',
  'UpdateFunctionCode',
  'TagResource',
  'UntagResource',
] as const;

/**
 * The two names Lambda logs a DeleteFunction call under, matched exactly: the prefix DeleteFunction
 * also starts DeleteFunctionConcurrency, DeleteFunctionUrlConfig and others that delete nothing.
 */
export const CLOUDTRAIL_DELETE_FUNCTION = ['DeleteFunction', 'DeleteFunction20150331'] as const;

/** The CloudFormation status of a deleted AWS::Lambda::Function. */
export const CLOUDFORMATION_DELETE_COMPLETE = 'DELETE_COMPLETE';

/**
 * The trigger name (kind pipeline) of an unregistration an operator starts with `registrar
 * unregister`: a request, not a claim, so AWS's present state alone decides what goes.
 */
export const OPERATOR_UNREGISTER_TRIGGER = 'registrar unregister';

/** Tags that opt a function in and describe it. */
export const Tags = {
  connectorLabel: 'appflow:connector-label',
  connectorDescription: 'appflow:connector-description',
} as const;

/**
 * The name of the schedule rule of each spoke stack (spoke/template.yaml): the hub's SweepRequestRule
 * (resources/sweep.yml) matches scheduled events of rules so named.
 */
export const SWEEP_SCHEDULE_RULE_NAME = 'appflow-connector-registrar-sweep';
