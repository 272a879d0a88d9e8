/**
 * The errors the handlers throw. Their `name`s are the contract with the state machine: the ASL's
 * `ErrorEquals` match them, so every name here must be handled there and nowhere else invented
 * (test/unit/error-contract.test.ts keeps the two in step).
 *
 * `name` is set from a string literal, not from `new.target.name`, because the production bundles
 * are minified and class names do not survive minification.
 */
export class RegistrarError extends Error {
  /** true when a later attempt may succeed without a person acting. */
  readonly retryable: boolean = false;
}

/** The workflow input is missing a field or has one of the wrong type. */
export class InvalidInputError extends RegistrarError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidInputError';
  }
}

/** The function ARN is malformed, qualified, or in a partition the hub does not serve. */
export class InvalidFunctionArnError extends RegistrarError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidFunctionArnError';
  }
}

/** The function ARN names an account or Region other than the one the event came from. */
export class AccountMismatchError extends RegistrarError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AccountMismatchError';
  }
}

/** The event's account is not on the hub's allow-list. */
export class AccountNotAllowedError extends RegistrarError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AccountNotAllowedError';
  }
}

/** The event's Region is not one the hub serves. */
export class RegionNotServedError extends RegistrarError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RegionNotServedError';
  }
}

/** The function does not exist (any more) in the event's account and Region. */
export class FunctionNotFoundError extends RegistrarError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FunctionNotFoundError';
  }
}

/** The function is still being created or updated; retried by the state machine. */
export class FunctionNotReadyError extends RegistrarError {
  override readonly retryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FunctionNotReadyError';
  }
}

/**
 * The function's creation or last update failed (State or LastUpdateStatus `Failed`). Unlike
 * FunctionNotReadyError this does not heal by waiting: a person must fix the cause and deploy again.
 */
export class FunctionInFailedStateError extends RegistrarError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FunctionInFailedStateError';
  }
}

/** The connector label or description from the tags breaks AppFlow's limits. */
export class InvalidConnectorMetadataError extends RegistrarError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidConnectorMetadataError';
  }
}

/** The function's resource policy does not let AppFlow invoke it. */
export class MissingAppFlowPermissionError extends RegistrarError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MissingAppFlowPermissionError';
  }
}

/** The function did not answer DescribeConnectorConfigurationRequest as a connector must. */
export class ConnectorProtocolError extends RegistrarError {
  constructor(
    message: string,
    /** What the connector answered (truncated), for the alert. */
    readonly answer?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ConnectorProtocolError';
  }
}

/** The label is registered in this account and Region for another Lambda: never taken over. */
export class LabelOwnedByAnotherFunctionError extends RegistrarError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LabelOwnedByAnotherFunctionError';
  }
}

/**
 * The connector label is used by connector profiles or flows, so it is not unregistered: AppFlow
 * does not document what becomes of them (hub parameter unregisterInUse, default alert).
 */
export class ConnectorInUseError extends RegistrarError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConnectorInUseError';
  }
}

/**
 * The label's registration is no longer the one VerifyRemoval confirmed (it points at another
 * function, was registered again or by someone else) when UnregisterConnector reads it again before
 * unregistering: it is left alone, and the state machine ends that label Skipped, not alerted.
 */
export class RegistrationChangedError extends RegistrarError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RegistrationChangedError';
  }
}

/** A required environment variable is missing: a deployment mistake. */
export class ConfigurationError extends RegistrarError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

/**
 * The AppFlow request budget of the account and Region is booked further ahead than one invocation
 * may wait (functions/shared/pacer.ts); retried by the state machine.
 */
export class AppFlowRequestBudgetBusyError extends RegistrarError {
  override readonly retryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AppFlowRequestBudgetBusyError';
  }
}

/**
 * STS did not answer the AssumeRole of the spoke role (throttling, its own failure, the network):
 * retried by the state machine, unlike a refusal (SpokeRoleAccessDeniedError).
 */
export class SpokeRoleUnavailableError extends RegistrarError {
  override readonly retryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SpokeRoleUnavailableError';
  }
}

/** The hub could not assume the spoke role in the event's account. */
export class SpokeRoleAccessDeniedError extends RegistrarError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SpokeRoleAccessDeniedError';
  }
}

/**
 * AppFlow's exceptions as the SDK names them (`error.name` is the shape name). The register handler
 * rethrows them unchanged so the ASL can branch on them.
 */
export const APPFLOW_EXCEPTIONS = {
  retryable: ['ThrottlingException', 'InternalServerException'],
  /** Retried a few times (the connector may have failed transiently), then alerted. */
  retryableFewTimes: ['ConnectorServerException'],
  fatal: [
    'ValidationException',
    'ConflictException',
    'AccessDeniedException',
    'ResourceNotFoundException',
    'ServiceQuotaExceededException',
    'ConnectorAuthenticationException',
  ],
} as const;

/** Lambda API errors (GetFunction, GetPolicy, Invoke) that a later attempt may get past. */
export const LAMBDA_API_RETRYABLE = [
  'TooManyRequestsException',
  'ServiceException',
  'EC2ThrottledException',
  'ResourceConflictException',
] as const;

/** Errors Step Functions raises itself when invoking a Lambda task; all worth retrying. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
] as const;

/**
 * What Lambda reports when the function's environment failed rather than its code: a timeout, a
 * crash (e.g. out of memory), or no answer. Retried: both handlers are safe to run again.
 */
export const LAMBDA_RUNTIME_TRANSIENT = ['Sandbox.Timedout', 'Runtime.ExitError', 'Lambda.Unknown'] as const;

/** Powertools raises this when the same registration is running in another execution. */
export const IDEMPOTENCY_IN_PROGRESS = 'IdempotencyAlreadyInProgressError';

/** Powertools' errors for a DynamoDB failure or a record that changed under it: both transient. */
export const IDEMPOTENCY_TRANSIENT = [
  'IdempotencyPersistenceLayerError',
  'IdempotencyInconsistentStateError',
] as const;

/** Every error name the handlers may throw on purpose, retryable first. */
export const RETRYABLE_ERROR_NAMES: readonly string[] = [
  'FunctionNotReadyError',
  'AppFlowRequestBudgetBusyError',
  'SpokeRoleUnavailableError',
  IDEMPOTENCY_IN_PROGRESS,
  ...IDEMPOTENCY_TRANSIENT,
  ...LAMBDA_RUNTIME_TRANSIENT,
  ...LAMBDA_API_RETRYABLE,
  ...APPFLOW_EXCEPTIONS.retryable,
];

export const FATAL_ERROR_NAMES: readonly string[] = [
  'InvalidInputError',
  'InvalidFunctionArnError',
  'AccountMismatchError',
  'AccountNotAllowedError',
  'RegionNotServedError',
  'FunctionNotFoundError',
  'FunctionInFailedStateError',
  'InvalidConnectorMetadataError',
  'MissingAppFlowPermissionError',
  'ConnectorProtocolError',
  'LabelOwnedByAnotherFunctionError',
  'ConnectorInUseError',
  'ConfigurationError',
  'SpokeRoleAccessDeniedError',
  ...APPFLOW_EXCEPTIONS.fatal,
];

/**
 * Errors that end the work on a label quietly instead of alerting: the state machine catches them
 * by name into a Succeed state that shows why, and never retries them.
 */
export const SKIPPING_ERROR_NAMES: readonly string[] = ['RegistrationChangedError'];
