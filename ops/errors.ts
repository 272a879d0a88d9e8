/**
 * What an operator command can fail with. Every failure reaches the person as one line that names
 * what to do (ops/cli/main.ts prints it; --debug adds the stack trace), and exits 2: the command
 * could not look, as opposed to exit 1, it looked and found failures.
 */
export class OperatorError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OperatorError';
  }
}

/** Where an AWS call was made, to name it in the line. */
export interface CallSite {
  /** e.g. "DescribeStacks" */
  operation: string;
  region: string;
  /** The --endpoint-url, when the call went to the local stack. */
  endpointUrl?: string | undefined;
}

const ACCESS_DENIED = /AccessDenied|UnauthorizedOperation|NotAuthorized|InvalidClientTokenId|ExpiredToken/;
const CONNECTION = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT/;

/**
 * Turns an error of the AWS SDK into an OperatorError whose message says what to do: credentials
 * missing or refused, the endpoint not answering, or the call itself refused. Other errors (a
 * ValidationException the caller did not expect…) keep AWS's words after the call's name.
 *
 * @example throw operatorErrorOf(error, { operation: 'Scan', region: 'eu-west-1' })
 */
export function operatorErrorOf(error: unknown, site: CallSite): OperatorError {
  if (error instanceof OperatorError) return error;
  const failure = error instanceof Error ? error : new Error(String(error));
  const code = `${failure.name} ${(failure as { code?: string }).code ?? ''} ${failure.message}`;
  const where = `${site.operation} in ${site.region}`;
  if (failure.name === 'CredentialsProviderError' || /Could not load credentials/.test(failure.message)) {
    return new OperatorError(
      `no AWS credentials for ${where}: pass --profile, set AWS_PROFILE or the AWS_ACCESS_KEY_ID pair, or, for the local stack, export what \`registrar serve\` printed`,
      { cause: failure },
    );
  }
  if (CONNECTION.test(code)) {
    const target = site.endpointUrl ?? `the ${site.region} endpoint`;
    return new OperatorError(
      `nothing answered ${where} at ${target}${site.endpointUrl ? ': start `registrar serve` first, or pass the --endpoint-url it printed' : ': check the network and the Region'}`,
      { cause: failure },
    );
  }
  if (ACCESS_DENIED.test(code)) {
    return new OperatorError(
      `${where} was refused (${failure.name}: ${failure.message}); grant the operator's role the permission README.md, "Operating", lists`,
      { cause: failure },
    );
  }
  return new OperatorError(`${where} failed: ${failure.name}: ${failure.message}`, { cause: failure });
}

/**
 * Runs one AWS call, turning its failure into an OperatorError that names the call.
 *
 * @example const answer = await call(() => sfn.send(command), { operation: 'DescribeExecution', region })
 */
export async function call<T>(send: () => Promise<T>, site: CallSite): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw operatorErrorOf(error, site);
  }
}
