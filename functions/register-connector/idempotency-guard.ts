import type { MiddlewareObj, Request } from '@middy/core';

/** The part of a middy middleware the guard drives: Powertools' makeHandlerIdempotent returns it. */
export interface IdempotencyMiddleware {
  before?: (request: Request) => unknown;
  after?: (request: Request) => unknown;
  onError?: (request: Request) => unknown;
}

const OWNS_RECORD = 'registrar.idempotency.ownsRecord';

/**
 * Wraps Powertools' makeHandlerIdempotent so its onError deletes only a record this invocation
 * acquired. In @aws-lambda-powertools/idempotency 2.35.0 the onError hook deletes the record
 * whenever anything failed, including its own `before` rejecting a duplicate with
 * IdempotencyAlreadyInProgressError: the duplicate would remove the running invocation's lock and
 * the state machine's retry would register a second time
 * (aws-powertools/powertools-lambda-typescript#5675, fixed upstream by #5676 after 2.35.0).
 * Remove this wrapper once a release with the fix is pinned.
 *
 * @example middy(fn).use(deleteOnlyOwnRecord(makeHandlerIdempotent({ persistenceStore, config })))
 */
export function deleteOnlyOwnRecord(inner: IdempotencyMiddleware): MiddlewareObj {
  return {
    before: async (request) => {
      // middy reuses a caller-supplied `internal` object across invocations: reset first.
      internalOf(request)[OWNS_RECORD] = false;
      const replayed = await inner.before?.(request);
      // undefined: the record was acquired (or idempotency is off, which inner.onError checks
      // itself); a value: a stored result is being replayed, and the record is not ours.
      internalOf(request)[OWNS_RECORD] = replayed === undefined;
      return replayed;
    },
    after: async (request) => {
      // Once the handler has succeeded the record is no longer ours to delete, even if saving the
      // result fails: the in-progress record then expires with the invocation's remaining time.
      internalOf(request)[OWNS_RECORD] = false;
      await inner.after?.(request);
    },
    onError: async (request) => {
      const internal = internalOf(request);
      if (internal[OWNS_RECORD] !== true) return;
      internal[OWNS_RECORD] = false;
      await inner.onError?.(request);
    },
  };
}

// middy types `internal` per handler; the guard only needs a string-keyed bag.
function internalOf(request: Request): Record<string, unknown> {
  return request.internal as Record<string, unknown>;
}
