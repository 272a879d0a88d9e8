import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';

/** What the recorder needs of the execution an outcome came from. */
export interface ExecutionFacts {
  /** When it started (ISO 8601): a later execution's outcome replaces an earlier one's. */
  startTime: string;
  /** The function its signal named (its input's functionArn), as given: unverified. */
  signalFunctionArn?: string;
}

/** Longer than any function ARN: a signal's functionArn past it names no function anyway. */
const FUNCTION_ARN_MAX = 256;

/**
 * Reads the execution an outcome event names (DescribeExecution, one call per outcome): its start,
 * which orders the outcomes of one function, and the function its signal named, which picks the
 * inventory row of a failure raised before the function was verified (its event names none).
 *
 * @example const { startTime } = await executionFacts(sfn, detail.executionArn)
 */
export async function executionFacts(sfn: SFNClient, executionArn: string): Promise<ExecutionFacts> {
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  const startTime = (described.startDate ?? new Date()).toISOString();
  let functionArn: unknown;
  try {
    functionArn = (JSON.parse(described.input ?? '{}') as { functionArn?: unknown }).functionArn;
  } catch {
    functionArn = undefined;
  }
  return typeof functionArn === 'string' && functionArn.length <= FUNCTION_ARN_MAX
    ? { startTime, signalFunctionArn: functionArn }
    : { startTime };
}
