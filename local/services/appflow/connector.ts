import { AwsServiceError } from '../../http/errors.js';
import { isPlainObject } from '../../json.js';
import type { DeployedFunction, FunctionRuntime, InvokeResult } from '../../types.js';

/**
 * What AppFlow does with the connector Lambda at registration: invoke it with
 * DescribeConnectorConfigurationRequest and keep what it answers. Every way the connector can fail
 * (not invocable, error, timeout, not JSON, isSuccess false, incomplete answer) is AWS's
 * ConnectorServerException, with the connector's own error in the message.
 */

export const DESCRIBE_CONNECTOR_CONFIGURATION = JSON.stringify({
  type: 'DescribeConnectorConfigurationRequest',
  locale: 'en-US',
});

/** AppFlow waits 10 s for a connector and reads at most 6 MB (reference/appflow.md). */
export const CONNECTOR_TIMEOUT_MS = 10_000;
export const MAX_ANSWER_BYTES = 6 * 1024 * 1024;

/** The connector's DescribeConnectorConfigurationResponse, as AppFlow stores it. */
export interface ConnectorConfiguration {
  connectorOwner?: string;
  connectorName: string;
  connectorVersion: string;
  connectorModes: string[];
  authenticationConfig?: Record<string, unknown>;
  supportedApiVersions?: string[];
  connectorRuntimeSetting?: Record<string, unknown>[];
  operatorsSupported?: string[];
  supportedWriteOperations?: string[];
  supportedTriggerTypes?: string[];
  triggerFrequenciesSupported?: string[];
  logoURL?: string;
}

/**
 * Invokes the connector as AppFlow does and returns its configuration.
 *
 * @example const configuration = await describeConnector(runtime, fn, { timeoutMs: 10_000 });
 */
export async function describeConnector(
  runtime: FunctionRuntime,
  fn: DeployedFunction,
  options: { timeoutMs: number },
): Promise<ConnectorConfiguration> {
  if (fn.state !== 'Active') {
    throw connectorError(fn, `the function is ${fn.state}; it must be Active to be invoked`);
  }
  let result: InvokeResult;
  try {
    result = await withTimeout(
      runtime.invoke({
        accountId: fn.accountId,
        region: fn.region,
        functionName: fn.name,
        payload: DESCRIBE_CONNECTOR_CONFIGURATION,
      }),
      options.timeoutMs,
    );
  } catch (error) {
    if (error instanceof TimedOut)
      throw connectorError(fn, `it did not answer within ${options.timeoutMs / 1000} seconds`);
    throw connectorError(fn, `invoking it failed: ${(error as Error).message}`);
  }
  if (result.functionError) throw connectorError(fn, `it failed: ${describeFunctionError(result.payload)}`);
  if (Buffer.byteLength(result.payload) > MAX_ANSWER_BYTES) {
    throw connectorError(fn, `its answer is larger than ${MAX_ANSWER_BYTES} bytes`);
  }
  let answer: unknown;
  try {
    answer = JSON.parse(result.payload);
  } catch {
    throw connectorError(fn, `its answer is not JSON: ${excerpt(result.payload)}`);
  }
  if (!isPlainObject(answer))
    throw connectorError(fn, `its answer is not a JSON object: ${excerpt(result.payload)}`);
  if (answer.isSuccess !== true) {
    const details = isPlainObject(answer.errorDetails) ? answer.errorDetails : {};
    const code = typeof details.errorCode === 'string' ? `${details.errorCode}: ` : '';
    const message = typeof details.errorMessage === 'string' ? details.errorMessage : 'no errorDetails';
    throw connectorError(fn, `it answered isSuccess ${String(answer.isSuccess)} (${code}${message})`);
  }
  // Inferred: AppFlow cannot register a connector that does not say what it is.
  const missing = ['connectorName', 'connectorVersion'].filter(
    (field) => typeof answer[field] !== 'string' || answer[field] === '',
  );
  const modes = answer.connectorModes;
  if (
    !Array.isArray(modes) ||
    modes.length === 0 ||
    modes.some((mode) => mode !== 'SOURCE' && mode !== 'DESTINATION')
  ) {
    missing.push('connectorModes (SOURCE and/or DESTINATION)');
  }
  if (missing.length > 0)
    throw connectorError(fn, `its DescribeConnectorConfigurationResponse lacks ${missing.join(', ')}`);
  return answer as unknown as ConnectorConfiguration;
}

function connectorError(fn: DeployedFunction, what: string): AwsServiceError {
  return new AwsServiceError(
    400,
    'ConnectorServerException',
    `Amazon AppFlow could not read the connector configuration from Lambda function ${fn.arn}: ${what}. Fix the connector so it answers DescribeConnectorConfigurationRequest, then register again.`,
  );
}

function describeFunctionError(payload: string): string {
  try {
    const error = JSON.parse(payload) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof error.errorMessage === 'string') {
      return typeof error.errorType === 'string'
        ? `${error.errorType}: ${error.errorMessage}`
        : error.errorMessage;
    }
  } catch {
    // Not JSON: show it as it is.
  }
  return excerpt(payload);
}

class TimedOut extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function excerpt(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
