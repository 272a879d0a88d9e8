import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';

/** The event fields every log line of an invocation carries. */
export const LOG_KEY_FIELDS = ['executionArn', 'connectorLabel'] as const;

/**
 * Appends the execution ARN and connector label of the event to the logger's keys. It runs before
 * the idempotency middleware, so a replayed result and a rejected input are logged with them too.
 * Reads the raw event defensively: only string fields are appended. Pair it with
 * injectLambdaContext(logger, { clearState: true }), which removes the keys after the invocation.
 */
export function appendEventLogKeys(logger: Logger): MiddlewareObj {
  return { before: ({ event }) => appendLogKeysOf(event, logger) };
}

/** Appends the LOG_KEY_FIELDS of an event (its string ones) to the logger's keys. */
export function appendLogKeysOf(event: unknown, logger: Logger): void {
  if (typeof event !== 'object' || event === null) return;
  const keys: Record<string, string> = {};
  for (const field of LOG_KEY_FIELDS) {
    const value = (event as Record<string, unknown>)[field];
    if (typeof value === 'string') keys[field] = value;
  }
  logger.appendKeys(keys);
}

/**
 * Validates the event before the idempotency middleware hashes it: bad input ends in the parser's
 * error (InvalidInputError, AccountMismatchError) instead of Powertools' IdempotencyKeyError, and
 * leaves no record behind. The event is not replaced: Powertools hashes the event it was given.
 */
export function validateEvent(parse: (event: unknown) => unknown, logger: Logger): MiddlewareObj {
  return {
    before: ({ event }) => {
      try {
        parse(event);
      } catch (error) {
        logger.error('Rejected the input before any AWS call', {
          error: (error as Error).name,
          reason: (error as Error).message,
        });
        throw error;
      }
    },
  };
}
