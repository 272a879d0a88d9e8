import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { UnregisterInput, UnregisterOutput } from '../shared/types.js';

/**
 * What makes two unregistrations the same: account, Region, label, function and the registration's
 * registeredAt. A retry of the same execution, or a second signal of the same removal, is the same
 * unregistration; the label registered again later (a new registeredAt) is a new one, so a stored
 * result is never replayed for a registration it did not remove.
 */
export const UNREGISTER_IDEMPOTENCY_KEY_JMESPATH =
  '[accountId, region, connectorLabel, lambdaArn, registeredAt]';

/** As long as an execution may run (its TimeoutSeconds): a stored result outlives every retry of it. */
export const UNREGISTER_IDEMPOTENCY_TTL_SECONDS = 7200;

/**
 * The Powertools idempotency configuration of UnregisterConnector: a missing key is an error (the
 * input is validated first), and a replayed result is logged, so a run that made no AppFlow call
 * still says why.
 */
export function createUnregisterIdempotencyConfig(log: Logger): IdempotencyConfig {
  return new IdempotencyConfig({
    eventKeyJmesPath: UNREGISTER_IDEMPOTENCY_KEY_JMESPATH,
    expiresAfterSeconds: UNREGISTER_IDEMPOTENCY_TTL_SECONDS,
    throwOnNoIdempotencyKey: true,
    responseHook: (response, record) => {
      log.info('Same unregistration already done: replaying its stored result', {
        idempotencyKey: record.idempotencyKey,
        stored: response,
      });
      return response;
    },
  });
}

/**
 * Runs `unregister` once per idempotency key of its input (argument 0) and stores its output; a
 * later call with the same key gets the stored output back, and a call while the first still runs
 * fails with IdempotencyAlreadyInProgressError, which the state machine retries. Register the
 * Lambda context on `config` in each invocation, so a crashed invocation's lock expires with it.
 *
 * @example const unregisterOnce = createIdempotentUnregistration(unregister, new DynamoDBPersistenceLayer({ tableName }), config);
 */
export function createIdempotentUnregistration(
  unregister: (input: UnregisterInput) => Promise<UnregisterOutput>,
  persistenceStore: BasePersistenceLayer,
  config: IdempotencyConfig,
): (input: UnregisterInput) => Promise<UnregisterOutput> {
  return makeIdempotent(unregister, { persistenceStore, config, dataIndexArgument: 0 });
}
