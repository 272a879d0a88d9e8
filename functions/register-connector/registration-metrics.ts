import { DIMENSION, type Outcome } from '../shared/metrics.js';
import type { RegisterOutput } from '../shared/types.js';
import type { IdempotentRegistration } from './idempotent-registration.js';

/** What one RegisterConnector invocation did: its output, and whether it only replayed a stored one. */
export interface Registration {
  output: RegisterOutput;
  replayed: boolean;
}

/** The task input's fields noted with each registration metric (cut and escaped: metadataOf). */
export const REGISTRATION_METADATA_FIELDS = [
  'executionArn',
  'accountId',
  'region',
  'connectorLabel',
  'lambdaArn',
] as const;

/**
 * Registrations' dimensions: `succeeded` when this invocation called AppFlow, `replayed` when it
 * returned the stored result of an earlier one (another signal of the same deploy), with the action.
 */
export function registrationOutcome({ output, replayed }: Registration): Outcome {
  return {
    dimensions: {
      [DIMENSION.outcome]: replayed ? 'replayed' : 'succeeded',
      [DIMENSION.action]: output.action,
    },
    metadata: { connectorArn: output.connectorArn },
  };
}

/**
 * The idempotency store, watched: `replayed()` is true when the stored output came back without
 * registering, neither inside Powertools (`registerNow` ran) nor again after a stale replay
 * (`storeOutput` ran). One per invocation.
 *
 * @example
 * const watched = watchReplay(idempotent);
 * const output = await replayOrRegister(input, { ...watched.store, appflow });
 * return { output, replayed: watched.replayed() };
 */
export function watchReplay(store: IdempotentRegistration): {
  store: IdempotentRegistration;
  replayed: () => boolean;
} {
  let registered = false;
  return {
    store: {
      registerOnce: (input, registerNow) =>
        store.registerOnce(input, () => {
          registered = true;
          return registerNow();
        }),
      storeOutput: async (input, output) => {
        registered = true;
        await store.storeOutput(input, output);
      },
    },
    replayed: () => !registered,
  };
}
