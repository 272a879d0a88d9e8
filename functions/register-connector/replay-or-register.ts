import type { Logger } from '@aws-lambda-powertools/logger';
import type { AppflowClient } from '@aws-sdk/client-appflow';
import { logger as defaultLogger } from '../shared/logger.js';
import type { RegisterInput, RegisterOutput } from '../shared/types.js';
import type { IdempotentRegistration } from './idempotent-registration.js';
import { registerConnector } from './register.js';
import { registrationHolds } from './registration-holds.js';

/** What replayOrRegister works with: the input's AppFlow client and the idempotency store. */
export interface RegisterDeps extends IdempotentRegistration {
  appflow: AppflowClient;
  log?: Logger;
}

/**
 * The RegisterConnector task: registers once per idempotency key, and replays a stored output only
 * while AppFlow still holds what it claims. Powertools replays a record for 8 hours; if the
 * connector was unregistered meanwhile, replaying 'registered' would report a connector that does
 * not exist and the deploy would never be registered. So a replay is checked with one
 * DescribeConnector, and when the check fails the connector is registered again with
 * `reregister: true` (a clientToken of this execution: AppFlow answers the original one with the
 * original, now unregistered, registration), outside Powertools: a failure leaves the stored record
 * as it was, a success replaces its output. The stale record is never deleted, so no concurrent
 * invocation's lock is touched; concurrent duplicates that both find it stale both register, and
 * AppFlow's one label per account and Region turns the second into a ConflictException that
 * reconciles as 'unchanged'.
 *
 * @example return replayOrRegister(input, { appflow, registerOnce, storeOutput });
 */
export async function replayOrRegister(input: RegisterInput, deps: RegisterDeps): Promise<RegisterOutput> {
  const { appflow, log = defaultLogger } = deps;
  let registeredNow = false;
  const output = await deps.registerOnce(input, () => {
    registeredNow = true;
    return registerConnector(input, appflow, log);
  });
  if (registeredNow || (await registrationHolds(input, appflow, log))) return output;

  log.warn(
    'The stored result claims a registration AppFlow no longer holds; registering again instead of replaying it',
    { stored: output },
  );
  const again = await registerConnector({ ...input, reregister: true }, appflow, log);
  await deps.storeOutput(input, again);
  return again;
}
