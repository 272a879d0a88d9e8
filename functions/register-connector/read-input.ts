import type { Logger } from '@aws-lambda-powertools/logger';
import type { RegisterInput } from '../shared/types.js';
import { parseRegisterInput } from './input.js';

/** The event fields every log line of an invocation carries. */
const LOG_KEY_FIELDS = ['executionArn', 'connectorLabel'] as const;

/**
 * Turns the task's event into its typed input, once: appends the event's execution ARN and
 * connector label to the logger's keys, then parses it. The keys come first, read defensively from
 * the raw event (string fields only), so a rejected input is logged with them too; the parser's
 * error (InvalidInputError, AccountMismatchError) is rethrown before any AWS call. Pair it with
 * injectLambdaContext(logger, { clearState: true }), which removes the keys after the invocation.
 *
 * @example const input = readRegisterInput(event, logger);
 */
export function readRegisterInput(event: unknown, logger: Logger): RegisterInput {
  appendLogKeysOf(event, logger);
  try {
    return parseRegisterInput(event);
  } catch (error) {
    logger.error('Rejected the input before any AWS call', {
      error: (error as Error).name,
      reason: (error as Error).message,
    });
    throw error;
  }
}

function appendLogKeysOf(event: unknown, logger: Logger): void {
  if (typeof event !== 'object' || event === null) return;
  const keys: Record<string, string> = {};
  for (const field of LOG_KEY_FIELDS) {
    const value = (event as Record<string, unknown>)[field];
    if (typeof value === 'string') keys[field] = value;
  }
  logger.appendKeys(keys);
}
