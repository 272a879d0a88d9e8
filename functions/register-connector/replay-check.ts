import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { RegisterInput } from '../shared/types.js';
import type { IdempotencyMiddleware } from './idempotency-guard.js';
import { appendLogKeysOf, LOG_KEY_FIELDS } from './middleware.js';

/** Whether a stored result may be replayed for this event (registration-holds.ts, wired by the handler). */
export type ReplayCheck = (event: unknown) => Promise<boolean>;

/**
 * Wraps the idempotency middleware so a stored result is replayed only while AppFlow still holds
 * what it claims. Powertools replays a completed record for 8 hours; if the connector was
 * unregistered meanwhile, replaying 'registered' would report a connector that does not exist and
 * the deploy would never be registered. When the check fails the handler runs after all, with
 * `reregister: true` in its event (a fresh clientToken: AppFlow answers the original one with the
 * original, now unregistered, registration), and Powertools' `after` overwrites the stale record
 * with the new result. The stale record is never deleted, so no concurrent invocation's lock is
 * touched; concurrent duplicates that both find it stale both register, and AppFlow's one label per
 * account and Region turns the second into a ConflictException that reconciles as 'unchanged'.
 *
 * @example middy(fn).use(recheckReplays(deleteOnlyOwnRecord(makeHandlerIdempotent(…)), check, logger))
 */
export function recheckReplays(
  inner: IdempotencyMiddleware,
  holds: ReplayCheck,
  logger: Logger,
): MiddlewareObj {
  return {
    before: async (request) => {
      const replayed = await inner.before?.(request);
      if (replayed === undefined) return undefined;
      // Replaying, Powertools has run the logger's cleanup (clearState) already: the check and
      // whatever follows log with the event's keys again, and a replay that stands removes them.
      appendLogKeysOf(request.event, logger);
      if (await holds(request.event)) {
        logger.removeKeys([...LOG_KEY_FIELDS]);
        return replayed;
      }
      logger.warn(
        'The stored result claims a registration AppFlow no longer holds; registering again instead of replaying it',
        { stored: replayed },
      );
      const reregister: Pick<RegisterInput, 'reregister'> = { reregister: true };
      request.event = { ...(request.event as Record<string, unknown>), ...reregister };
      return undefined;
    },
    after: async (request) => {
      await inner.after?.(request);
    },
    onError: async (request) => {
      await inner.onError?.(request);
    },
  };
}
