import type { Request } from '@middy/core';
import { describe, expect, it, vi } from 'vitest';
import { deleteOnlyOwnRecord } from '../../../functions/register-connector/idempotency-guard.js';
import { lambdaContext, registerInput } from './helpers.js';

function request(): Request {
  return { event: registerInput(), context: lambdaContext(), response: undefined, error: null, internal: {} };
}

function fakeIdempotency(before: () => unknown) {
  return {
    before: vi.fn(before),
    after: vi.fn(async () => undefined),
    onError: vi.fn(async () => undefined),
  };
}

describe('deleteOnlyOwnRecord', () => {
  describe('when this invocation acquired the record', () => {
    it('lets the idempotency middleware delete it after the handler failed', async () => {
      const inner = fakeIdempotency(async () => undefined);
      const guard = deleteOnlyOwnRecord(inner);
      const req = request();

      await guard.before?.(req);
      await guard.onError?.(req);

      expect(inner.onError).toHaveBeenCalledTimes(1);
    });

    it('saves the result but never deletes once the handler succeeded', async () => {
      const inner = fakeIdempotency(async () => undefined);
      inner.after.mockRejectedValueOnce(new Error('UpdateItem failed'));
      const guard = deleteOnlyOwnRecord(inner);
      const req = request();

      await guard.before?.(req);
      await expect(Promise.resolve().then(() => guard.after?.(req))).rejects.toThrow('UpdateItem failed');
      await guard.onError?.(req);

      expect(inner.after).toHaveBeenCalledTimes(1);
      expect(inner.onError).not.toHaveBeenCalled();
    });
  });

  describe('when another invocation holds the record', () => {
    it('keeps its lock when the duplicate is rejected as in progress', async () => {
      const inProgress = Object.assign(new Error('in progress'), {
        name: 'IdempotencyAlreadyInProgressError',
      });
      const inner = fakeIdempotency(async () => {
        throw inProgress;
      });
      const guard = deleteOnlyOwnRecord(inner);
      const req = request();

      await expect(Promise.resolve().then(() => guard.before?.(req))).rejects.toBe(inProgress);
      await guard.onError?.(req);

      expect(inner.onError).not.toHaveBeenCalled();
    });

    it('passes a replayed result through and keeps the stored record', async () => {
      const stored = { action: 'registered' };
      const inner = fakeIdempotency(async () => stored);
      const guard = deleteOnlyOwnRecord(inner);
      const req = request();

      expect(await guard.before?.(req)).toBe(stored);
      await guard.onError?.(req);

      expect(inner.onError).not.toHaveBeenCalled();
    });
  });

  describe('when an earlier middleware failed', () => {
    it('does not delete anything', async () => {
      const inner = fakeIdempotency(async () => undefined);
      const guard = deleteOnlyOwnRecord(inner);

      await guard.onError?.(request());

      expect(inner.before).not.toHaveBeenCalled();
      expect(inner.onError).not.toHaveBeenCalled();
    });
  });

  describe('across invocations sharing one internal object', () => {
    it('forgets the ownership of the previous invocation', async () => {
      const inner = fakeIdempotency(async () => undefined);
      const guard = deleteOnlyOwnRecord(inner);
      const req = request();
      await guard.before?.(req);

      inner.before.mockRejectedValueOnce(new Error('in progress'));
      await expect(Promise.resolve().then(() => guard.before?.(req))).rejects.toThrow('in progress');
      await guard.onError?.(req);

      expect(inner.onError).not.toHaveBeenCalled();
    });
  });
});
