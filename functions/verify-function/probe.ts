import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { ConnectorProtocolError, FunctionNotReadyError } from '../shared/errors.js';
import { printable } from '../shared/text.js';

/** The request AppFlow sends first, at registration. */
export const DESCRIBE_REQUEST = { type: 'DescribeConnectorConfigurationRequest', locale: 'en-US' } as const;

/** AppFlow reads at most 6 MB from a connector. */
export const MAX_ANSWER_BYTES = 6 * 1024 * 1024;
/** How much of a bad answer an error carries. */
export const ANSWER_EXCERPT_CHARS = 1024;

const MODES = ['SOURCE', 'DESTINATION'] as const;

/** What the probe learnt from the connector's DescribeConnectorConfigurationResponse. */
export interface ConnectorIdentity {
  connectorName: string;
  connectorVersion: string;
  connectorModes: string[];
}

/**
 * Invokes the function as AppFlow will at registration and checks it answers
 * DescribeConnectorConfigurationRequest as a connector must: within `timeoutMs`, without a
 * function error, with JSON no larger than 6 MB carrying isSuccess true, connectorName,
 * connectorVersion and connectorModes. Registering a function that fails this only moves the
 * failure into AppFlow, with a vaguer message. ResourceNotReadyException (an Inactive function
 * waking up) is FunctionNotReadyError; other invoke errors are rethrown unchanged.
 */
export async function probeConnector(
  lambda: LambdaClient,
  lambdaArn: string,
  timeoutMs: number,
): Promise<ConnectorIdentity> {
  const response = await invokeWithTimeout(lambda, lambdaArn, timeoutMs);
  const bytes = response.Payload ?? new Uint8Array();

  if (bytes.byteLength > MAX_ANSWER_BYTES) {
    throw new ConnectorProtocolError(
      `${lambdaArn} answered DescribeConnectorConfigurationRequest with ${bytes.byteLength} bytes; AppFlow reads at most ${MAX_ANSWER_BYTES} (6 MB). Shorten the connector's configuration answer.`,
      { bytes: bytes.byteLength },
    );
  }
  const text = new TextDecoder().decode(bytes);
  const excerpt = printable(text, ANSWER_EXCERPT_CHARS);

  if (response.FunctionError) {
    const failure = parseJson(text);
    const errorType = stringField(failure, 'errorType') ?? response.FunctionError;
    const errorMessage = stringField(failure, 'errorMessage') ?? excerpt;
    throw new ConnectorProtocolError(
      `${lambdaArn} failed on DescribeConnectorConfigurationRequest: ${printable(errorType)}: ${printable(errorMessage, ANSWER_EXCERPT_CHARS)}. Fix the connector (see its logs) and deploy it again.`,
      {
        functionError: response.FunctionError,
        errorType,
        errorMessage: printable(errorMessage, ANSWER_EXCERPT_CHARS),
      },
    );
  }

  const answer = parseJson(text);
  const problem = answerProblem(answer);
  if (problem) {
    throw new ConnectorProtocolError(
      `${lambdaArn} is not an AppFlow custom connector: its answer to DescribeConnectorConfigurationRequest ${problem}. It answered: ${excerpt}. Fix the connector's DescribeConnectorConfiguration handler, or remove the appflow:connector-label tag if it is not a connector.`,
      excerpt,
    );
  }
  const valid = answer as { connectorName: string; connectorVersion: string; connectorModes: string[] };
  return {
    connectorName: valid.connectorName,
    connectorVersion: valid.connectorVersion,
    connectorModes: valid.connectorModes,
  };
}

async function invokeWithTimeout(
  lambda: LambdaClient,
  lambdaArn: string,
  timeoutMs: number,
): Promise<InvokeCommandOutput> {
  const controller = new AbortController();
  const timedOut = new ConnectorProtocolError(
    `${lambdaArn} did not answer DescribeConnectorConfigurationRequest within ${formatSeconds(timeoutMs)}; AppFlow gives a connector 10 s. Make the connector answer it faster (it should not call remote systems for it).`,
  );
  let timer: NodeJS.Timeout | undefined;
  // The race settles even if the client ignores the signal; the signal stops the real request.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(timedOut);
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      lambda.send(
        new InvokeCommand({
          FunctionName: lambdaArn,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(DESCRIBE_REQUEST)),
        }),
        { abortSignal: controller.signal },
      ),
      deadline,
    ]);
  } catch (error) {
    if (controller.signal.aborted) throw timedOut;
    if ((error as Error).name === 'ResourceNotReadyException') {
      throw new FunctionNotReadyError(
        `${lambdaArn} is not ready to be invoked (it was inactive and Lambda is restoring it); the workflow retries.`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Why an answer is not a successful DescribeConnectorConfigurationResponse, or undefined. */
export function answerProblem(answer: unknown): string | undefined {
  if (answer === undefined) return 'is not JSON';
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return 'is not a JSON object';
  const response = answer as Record<string, unknown>;
  if (response.isSuccess !== true) {
    const details =
      response.errorDetails === undefined ? 'no errorDetails' : JSON.stringify(response.errorDetails);
    return `does not say isSuccess: true (errorDetails: ${printable(details, 300)})`;
  }
  for (const name of ['connectorName', 'connectorVersion'] as const) {
    if (typeof response[name] !== 'string' || response[name] === '') return `has no ${name} string`;
  }
  const modes = response.connectorModes;
  if (!Array.isArray(modes) || modes.length === 0) return 'has no connectorModes (a non-empty array)';
  const unknown = modes.find((mode) => !(MODES as readonly unknown[]).includes(mode));
  if (unknown !== undefined) {
    return `lists connector mode ${printable(JSON.stringify(unknown) ?? String(unknown), 60)}; expected ${MODES.join(' or ')}`;
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stringField(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const found = (value as Record<string, unknown>)[name];
  return typeof found === 'string' ? found : undefined;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
