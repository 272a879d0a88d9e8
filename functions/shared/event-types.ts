/**
 * One source of truth for the events this project publishes and the deploy signals it listens to.
 * The ASL (statemachine/), the rules (events/rules/) and serverless.yml carry the same strings;
 * test/unit/event-types.test.ts fails when they drift apart.
 */
export const REGISTRAR_SOURCE = 'appflow.connector-registrar';

export const DetailType = {
  ConnectorRegistered: 'ConnectorRegistered',
  ConnectorRegistrationFailed: 'ConnectorRegistrationFailed',
  /** Sent by a CI/CD pipeline that wants a connector registered now. */
  ConnectorLambdaDeployed: 'Connector Lambda Deployed',
  CloudTrailApiCall: 'AWS API Call via CloudTrail',
  CloudFormationResourceStatusChange: 'CloudFormation Resource Status Change',
} as const;

/** CloudTrail event names carry a date suffix (CreateFunction20150331): rules match by prefix. */
export const CLOUDTRAIL_EVENT_PREFIXES = ['CreateFunction', 'UpdateFunctionCode', 'TagResource'] as const;

/** Tags that opt a function in and describe it. */
export const Tags = {
  connectorLabel: 'appflow:connector-label',
  connectorDescription: 'appflow:connector-description',
} as const;
