import { AwsServiceError } from '../../http/errors.js';
import type { Caller } from '../../types.js';

/**
 * Lambda's errors, with the status codes and messages Lambda answers. The SDK raises the exception
 * class named by the code (ResourceNotFoundException, …); AccessDeniedException and
 * ValidationException are not in Lambda's model and surface as LambdaServiceException subclasses
 * named so, as they do against AWS.
 */

const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';

export function functionNotFound(arn: string): AwsServiceError {
  return new AwsServiceError(404, 'ResourceNotFoundException', `Function not found: ${arn}`);
}

export function accessDenied(caller: Caller, action: string, resource: string): AwsServiceError {
  return new AwsServiceError(
    403,
    'AccessDeniedException',
    `User: ${caller.principalArn} is not authorized to perform: lambda:${action} on resource: ${resource} because no resource-based policy allows the lambda:${action} action`,
  );
}

export function invalidFunctionName(value: string): AwsServiceError {
  return validation(
    value,
    'functionName',
    `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`,
  );
}

/** Lambda's (Coral's) input validation error. */
export function validation(value: string, field: string, constraint: string): AwsServiceError {
  return new AwsServiceError(
    400,
    'ValidationException',
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

export function invalidParameter(message: string): AwsServiceError {
  return new AwsServiceError(400, 'InvalidParameterValueException', message);
}

export function invalidRequestContent(message: string): AwsServiceError {
  return new AwsServiceError(400, 'InvalidRequestContentException', message);
}

export function resourceConflict(message: string): AwsServiceError {
  return new AwsServiceError(409, 'ResourceConflictException', message);
}

export function requestTooLarge(limit: number, operation: string): AwsServiceError {
  return new AwsServiceError(
    413,
    'RequestTooLargeException',
    `Request must be smaller than ${limit} bytes for the ${operation} operation`,
  );
}

export function preconditionFailed(): AwsServiceError {
  return new AwsServiceError(
    412,
    'PreconditionFailedException',
    'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
  );
}
