import type { Logger } from '@aws-lambda-powertools/logger';

/** The event fields every log line of an invocation carries. */
const LOG_KEY_FIELDS = ['executionArn', 'connectorLabel'] as const;

/**
 * Turns a task's event into its typed input, once: appends the event's execution ARN and connector
 * label to the logger's keys, then parses it with `parse`. The keys come first, read defensively
 * from the raw event (string fields only), so a rejected input is logged with them too; the
 * parser's error (InvalidInputError, AccountMismatchError) is rethrown before any AWS call. Pair it
 * with injectLambdaContext(logger, { clearState: true }), which removes the keys after the invocation.
 *
 * @example const input = readTaskInput(event, logger, parseRegisterInput);
 */
export function readTaskInput<T>(event: unknown, logger: Logger, parse: (event: unknown) => T): T {
  appendLogKeysOf(event, logger);
  try {
    return parse(event);
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
