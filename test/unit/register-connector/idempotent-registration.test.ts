import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIdempotencyConfig } from '../../../functions/register-connector/idempotency.js';
import {
  createIdempotentRegistration,
  type IdempotentRegistration,
} from '../../../functions/register-connector/idempotent-registration.js';
import { outputFor } from '../../../functions/register-connector/output.js';
import { scanItems, useIdempotencyTable } from './dynalite.js';
import { lambdaContext, registerInput } from './helpers.js';

const TABLE = 'registrar-idempotency';
const table = useIdempotencyTable(TABLE);

afterEach(() => {
  vi.useRealTimers();
});

/** The register handler's idempotency over the test table, with the Lambda context registered. */
function idempotentRegistration(tableName = TABLE, remainingMs = 60_000): IdempotentRegistration {
  const config = createIdempotencyConfig(new Logger({ logLevel: 'SILENT' }));
  config.registerLambdaContext(lambdaContext(remainingMs));
  const store = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: table.client() });
  return createIdempotentRegistration(store, config);
}

const registered = outputFor(
  registerInput(),
  'registered',
  'arn:aws:appflow:eu-west-1:111111111111:connector/x',
);

describe('createIdempotentRegistration', () => {
  describe('registerOnce', () => {
    it('runs the registration once per key and answers a later signal of the same deploy from the record', async () => {
      const { registerOnce } = idempotentRegistration();
      const registerNow = vi.fn(async () => registered);

      const first = await registerOnce(registerInput(), registerNow);
      const later = await registerOnce(
        registerInput({ executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:sm:later' }),
        registerNow,
      );

      expect(first).toEqual(registered);
      expect(later).toEqual(registered);
      expect(registerNow).toHaveBeenCalledTimes(1);
      expect(await scanItems(table.client(), TABLE)).toEqual([
        expect.objectContaining({ status: 'COMPLETED' }),
      ]);
    });

    it("holds its lock for the invocation's remaining time, from the Lambda context on the config", async () => {
      const { registerOnce } = idempotentRegistration(TABLE, 30_000);
      let locks: Record<string, unknown>[] = [];
      const before = Date.now();

      await registerOnce(registerInput(), async () => {
        locks = await scanItems(table.client(), TABLE);
        return registered;
      });

      expect(locks).toEqual([expect.objectContaining({ status: 'INPROGRESS' })]);
      const lockedUntil = Number(locks[0]?.in_progress_expiration);
      expect(lockedUntil).toBeGreaterThanOrEqual(before + 30_000);
      expect(lockedUntil).toBeLessThanOrEqual(Date.now() + 30_000);
    });

    it('deletes its own record when the registration fails, so a retry runs it again', async () => {
      const { registerOnce } = idempotentRegistration();

      await expect(
        registerOnce(registerInput(), async () => {
          throw new Error('AppFlow failed');
        }),
      ).rejects.toThrow('AppFlow failed');

      expect(await scanItems(table.client(), TABLE)).toEqual([]);
    });
  });

  describe('storeOutput', () => {
    it('replaces the stored output and renews its 8 hours, from a store no registration used yet', async () => {
      const { registerOnce } = idempotentRegistration();
      await registerOnce(registerInput(), async () => registered);
      const [stored] = await scanItems(table.client(), TABLE);
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3600_000 });
      const reregistered = { ...registered, action: 'unchanged' as const };

      await idempotentRegistration().storeOutput(registerInput(), reregistered);

      const [renewed] = await scanItems(table.client(), TABLE);
      expect(renewed).toMatchObject({ id: stored?.id, status: 'COMPLETED' });
      expect(Number(renewed?.expiration)).toBeGreaterThanOrEqual(Number(stored?.expiration) + 3600);
      const replayed = await registerOnce(registerInput(), async () => registered);
      expect(replayed).toEqual(reregistered);
    });

    it('fails with IdempotencyPersistenceLayerError, which the state machine retries, when it cannot write', async () => {
      const { storeOutput } = idempotentRegistration('no-such-table');

      await expect(storeOutput(registerInput(), registered)).rejects.toMatchObject({
        name: 'IdempotencyPersistenceLayerError',
        cause: expect.objectContaining({ name: 'ResourceNotFoundException' }),
      });
    });
  });
});
