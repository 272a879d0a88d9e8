import { AwsServiceError } from './errors.js';

/**
 * The JSON object of a request body, as the JSON protocols' services read it. An empty body is {}
 * (the SDKs send none for operations without input); anything that is not a JSON object is AWS's
 * SerializationException, 400, never a crash.
 */
export function parseJsonObject(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new AwsServiceError(
      400,
      'SerializationException',
      `Could not parse the request body as JSON: ${(error as Error).message}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsServiceError(
      400,
      'SerializationException',
      'Start of structure or map found where not expected: the request body must be a JSON object.',
    );
  }
  return parsed as Record<string, unknown>;
}
