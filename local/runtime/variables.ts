import { dirname } from 'node:path';
import type { DeployedFunction, IssuedCredentials } from '../types.js';

export interface VariableInputs {
  /** The stack's endpoint, so every SDK client in the function calls the emulation. */
  endpointUrl: string;
  /** Issued to this environment by the identity registry. */
  credentials: IssuedCredentials;
  logStreamName: string;
  /** Variables every function gets unless it sets its own (POWERTOOLS_DEV, …). */
  base?: Record<string, string>;
}

/**
 * The process.env of one execution environment: the function's own variables and the ones Lambda
 * sets, nothing from the host. Lambda's reserved variables (region, function name, credentials, …)
 * win over the function's, as Lambda refuses to let a function set them; so does AWS_ENDPOINT_URL,
 * which must point at the stack.
 */
export function environmentVariables(fn: DeployedFunction, inputs: VariableInputs): Record<string, string> {
  const reserved: Record<string, string> = {
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(fn),
    AWS_LAMBDA_LOG_STREAM_NAME: inputs.logStreamName,
    AWS_ACCESS_KEY_ID: inputs.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: inputs.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: inputs.credentials.sessionToken,
    AWS_ENDPOINT_URL: inputs.endpointUrl,
    LAMBDA_TASK_ROOT: dirname(fn.modulePath),
    _HANDLER: fn.handler,
  };
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...inputs.base,
    ...fn.environment,
    ...reserved,
  };
}

/** /aws/lambda/<name>, the log group Lambda writes a function's logs to. */
export function logGroupName(fn: Pick<DeployedFunction, 'name'>): string {
  return `/aws/lambda/${fn.name}`;
}

/** 2026/11/27/[$LATEST]<32 hex>, the log stream of one execution environment. */
export function logStreamName(date: Date, environmentHex: string): string {
  const day = date.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[$LATEST]${environmentHex}`;
}
