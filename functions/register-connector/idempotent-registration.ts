import {
  type IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { RegisterInput, RegisterOutput } from '../shared/types.js';

/**
 * Runs `registerNow` once per idempotency key of `input` and stores its output; a later call with
 * the same key gets the stored output back without running it, and a call while the first still
 * runs fails with IdempotencyAlreadyInProgressError. The caller learns which happened from whether
 * `registerNow` ran.
 */
export type RegisterOnce = (
  input: RegisterInput,
  registerNow: () => Promise<RegisterOutput>,
) => Promise<RegisterOutput>;

/** Powertools idempotency around a registration, and the one write the replay check needs besides. */
export interface IdempotentRegistration {
  registerOnce: RegisterOnce;
  /** Replaces the stored output of `input`'s key: a re-registration's, once it succeeded. */
  storeOutput: (input: RegisterInput, output: RegisterOutput) => Promise<void>;
}

/**
 * Wraps the registration with Powertools' makeIdempotent, keyed by the input (argument 0). The
 * wrapper deletes a record only when the function it wraps fails, so a duplicate rejected as in
 * progress leaves the running invocation's lock alone (the middleware did not in 2.35:
 * idempotency-bug-5675.test.ts). Register the Lambda context on `config` in each invocation, so a
 * crashed invocation's lock expires with its remaining time.
 *
 * @example const { registerOnce } = createIdempotentRegistration(new DynamoDBPersistenceLayer({ tableName }), config);
 */
export function createIdempotentRegistration(
  persistenceStore: BasePersistenceLayer,
  config: IdempotencyConfig,
): IdempotentRegistration {
  // storeOutput hashes the key with the store's configuration, which makeIdempotent sets only when called.
  persistenceStore.configure({ config });
  const run = (_input: RegisterInput, registerNow: () => Promise<RegisterOutput>) => registerNow();
  return {
    registerOnce: makeIdempotent(run, { persistenceStore, config, dataIndexArgument: 0 }),
    storeOutput: async (input, output) => {
      try {
        // Copies: Powertools types what it hashes and stores as JSON, which an interface is not.
        await persistenceStore.saveSuccess({ ...input }, { ...output });
      } catch (error) {
        // The name Powertools gives a failed save of its own, which the state machine retries.
        throw new IdempotencyPersistenceLayerError('Failed to update success record to idempotency store', {
          cause: error,
        });
      }
    },
  };
}
