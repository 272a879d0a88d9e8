import { InvalidFunctionArnError, InvalidInputError } from './errors.js';
import { printable } from './text.js';

/** The parts of a Lambda function ARN. */
export interface FunctionArn {
  partition: string;
  region: string;
  accountId: string;
  functionName: string;
  /** Version or alias, when the ARN is qualified. */
  qualifier?: string;
}

// arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]
// Names: letters, digits, - and _, up to 64 characters. Qualifiers: $LATEST, a version, or an alias.
const FUNCTION_ARN =
  /^arn:(aws[a-z-]*):lambda:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):function:([A-Za-z0-9_-]{1,64})(?::(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

/**
 * Parses a Lambda function ARN, throwing InvalidFunctionArnError with a message that says what a
 * valid one looks like.
 *
 * @example parseFunctionArn('arn:aws:lambda:eu-west-1:111122223333:function:my-connector')
 */
export function parseFunctionArn(arn: unknown): FunctionArn {
  if (typeof arn !== 'string' || arn.length === 0) {
    throw new InvalidFunctionArnError(`functionArn must be a non-empty string; got ${describe(arn)}`);
  }
  const match = FUNCTION_ARN.exec(arn);
  if (!match) {
    throw new InvalidFunctionArnError(
      `"${printable(arn)}" is not a Lambda function ARN; expected arn:aws:lambda:<region>:<12-digit account>:function:<name>`,
    );
  }
  const [, partition, region, accountId, functionName, qualifier] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  return qualifier === undefined
    ? { partition, region, accountId, functionName }
    : { partition, region, accountId, functionName, qualifier };
}

/** The unqualified ARN of a parsed function. */
export function formatFunctionArn(arn: Omit<FunctionArn, 'qualifier'>): string {
  return `arn:${arn.partition}:lambda:${arn.region}:${arn.accountId}:function:${arn.functionName}`;
}

/**
 * The `lambdaArn` of a task's input: a function ARN, unqualified (AppFlow registers and the registrar
 * unregisters the function, never a version or alias). InvalidInputError otherwise, since the state
 * machine builds the input: `fixHint` says where it comes from.
 */
export function parseTaskLambdaArn(lambdaArn: string, fixHint: string): Omit<FunctionArn, 'qualifier'> {
  let parsed: FunctionArn;
  try {
    parsed = parseFunctionArn(lambdaArn);
  } catch (error) {
    throw new InvalidInputError(`lambdaArn: ${(error as Error).message}. ${fixHint}`, { cause: error });
  }
  const { qualifier, ...arn } = parsed;
  if (qualifier !== undefined) {
    throw new InvalidInputError(
      `lambdaArn must be unqualified (AppFlow calls the function, not a version or alias); got "${printable(lambdaArn)}". Use ${formatFunctionArn(arn)}.`,
    );
  }
  return arn;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'an empty string';
  return typeof value;
}
