import type { CloudFormationResolver, TemplateResource } from './cloudformation.js';
import { TemplateError } from './errors.js';

/**
 * An AWS::Lambda::EventInvokeConfig: how Lambda retries a function's asynchronous invocations and
 * where it sends the record of one that failed every attempt. Only what the local Lambda runs is
 * accepted: $LATEST (the only version it has) and an SQS queue as the on-failure destination.
 */
export interface DeployedEventInvokeConfig {
  logicalId: string;
  /** Name, partial ARN or ARN of the function, as FunctionName resolved. */
  functionName: string;
  /** Retries of a function error; Lambda's default when the template sets none. */
  maximumRetryAttempts: number;
  /** How long the event may wait in Lambda's queue; Lambda's default when the template sets none. */
  maximumEventAgeInSeconds: number;
  /** The queue that receives the invocation record of an event that failed every attempt. */
  onFailureQueueArn?: string;
}

/** Lambda's defaults and limits, as PutFunctionEventInvokeConfig documents them. */
const DEFAULT_RETRY_ATTEMPTS = 2;
const MAX_RETRY_ATTEMPTS = 2;
const DEFAULT_EVENT_AGE_SECONDS = 21_600;
const MIN_EVENT_AGE_SECONDS = 60;
const MAX_EVENT_AGE_SECONDS = 21_600;

export function readEventInvokeConfig(
  cfn: CloudFormationResolver,
  logicalId: string,
  resource: TemplateResource,
): DeployedEventInvokeConfig {
  const path = `Resources.${logicalId}.Properties`;
  const properties = cfn.resolve(resource.Properties ?? {}, path) as Record<string, unknown>;
  const qualifier = cfn.resolveString(properties.Qualifier, `${path}.Qualifier`);
  if (qualifier !== '$LATEST') {
    throw new TemplateError(
      `${path}.Qualifier is "${qualifier}"; the local Lambda has only $LATEST (serverless.yml sets versionFunctions: false).`,
    );
  }
  const retries = Number(properties.MaximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS);
  if (!Number.isInteger(retries) || retries < 0 || retries > MAX_RETRY_ATTEMPTS) {
    throw new TemplateError(`${path}.MaximumRetryAttempts must be 0 to ${MAX_RETRY_ATTEMPTS}.`);
  }
  const age = Number(properties.MaximumEventAgeInSeconds ?? DEFAULT_EVENT_AGE_SECONDS);
  if (!Number.isInteger(age) || age < MIN_EVENT_AGE_SECONDS || age > MAX_EVENT_AGE_SECONDS) {
    throw new TemplateError(
      `${path}.MaximumEventAgeInSeconds must be ${MIN_EVENT_AGE_SECONDS} to ${MAX_EVENT_AGE_SECONDS}.`,
    );
  }
  const destinations = (properties.DestinationConfig ?? {}) as {
    OnSuccess?: { Destination?: unknown };
    OnFailure?: { Destination?: unknown };
  };
  if (destinations.OnSuccess !== undefined) {
    throw new TemplateError(
      `${path}.DestinationConfig.OnSuccess: the local Lambda sends no success records.`,
    );
  }
  const onFailure =
    destinations.OnFailure === undefined
      ? undefined
      : cfn.resolveString(
          destinations.OnFailure.Destination,
          `${path}.DestinationConfig.OnFailure.Destination`,
        );
  if (onFailure !== undefined && onFailure.split(':')[2] !== 'sqs') {
    throw new TemplateError(
      `${path}.DestinationConfig.OnFailure.Destination is ${onFailure}; the local Lambda sends on-failure records to SQS queues only.`,
    );
  }
  return {
    logicalId,
    functionName: cfn.resolveString(properties.FunctionName, `${path}.FunctionName`),
    maximumRetryAttempts: retries,
    maximumEventAgeInSeconds: age,
    ...(onFailure !== undefined ? { onFailureQueueArn: onFailure } : {}),
  };
}
