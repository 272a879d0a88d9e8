import { createHash } from 'node:crypto';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import type { Logger } from '@aws-lambda-powertools/logger';
import { logger as defaultLogger } from '../shared/logger.js';
import type { RegisterInput } from '../shared/types.js';

/**
 * What makes two registrations the same: account, Region, label, function, code and the function's
 * LastModified (VerifyFunction reads it when it runs). The signals of one deploy (CreateFunction,
 * TagResource, CloudFormation) share all six and collapse into one. LastModified tells a rollback
 * apart: code X, then Y, then X again within 8 hours has X's code hash but a new LastModified, and
 * must refresh AppFlow's registration, which still describes Y, instead of replaying X's result.
 */
export const IDEMPOTENCY_KEY_JMESPATH =
  '[accountId, region, connectorLabel, lambdaArn, codeSha256, lastModified]';

/** AppFlow keeps a clientToken active for 8 hours; the record lives as long so both agree. */
export const IDEMPOTENCY_TTL_SECONDS = 8 * 3600;

/** The AppFlow calls that take a clientToken. */
export type TokenOperation = 'RegisterConnector' | 'UpdateConnectorRegistration';

// Different prefixes so a RegisterConnector token is never reused for UpdateConnectorRegistration.
const TOKEN_PREFIX: Record<TokenOperation, string> = {
  RegisterConnector: 'register',
  UpdateConnectorRegistration: 'update',
};

/** How much of a token the logs show: the operation and enough of the hash to match two lines. */
export const TOKEN_LOG_PREFIX_LENGTH = 20;

/**
 * The clientToken for an AppFlow call: `<operation>-<hex SHA-256>` of the idempotency key's fields
 * plus the description, so a retried call is the same call to AppFlow too (and a new deploy, a new
 * call: AppFlow would answer a token it has seen in the last 8 hours with its first answer). The description is in
 * the material, though not in the key, because AppFlow rejects a token reused with other
 * parameters: a description changed between a failed attempt and its retry gets a fresh token.
 * A re-registration (`input.reregister`: the stored registration is gone) adds the execution ARN:
 * AppFlow would answer the original token with the original, unregistered, registration; a retry
 * of the same execution still sends the same token.
 * Printable ASCII, at most 73 characters (AppFlow allows 256).
 *
 * @example clientTokenFor('RegisterConnector', input) // 'register-9f86d081884c7d65…'
 */
export function clientTokenFor(operation: TokenOperation, input: RegisterInput): string {
  // JSON keeps the fields apart whatever they contain: no separator can be forged by a label.
  const material = JSON.stringify([
    input.accountId,
    input.region,
    input.connectorLabel,
    input.lambdaArn,
    input.codeSha256,
    input.lastModified,
    input.description,
    ...(input.reregister ? [input.executionArn] : []),
  ]);
  return `${TOKEN_PREFIX[operation]}-${createHash('sha256').update(material).digest('hex')}`;
}

/** The start of a token, for logs: enough to match a log line to an AppFlow call. */
export function tokenLogPrefix(token: string): string {
  return token.slice(0, TOKEN_LOG_PREFIX_LENGTH);
}

/**
 * The Powertools idempotency configuration of the register handler. A missing key is an error, not
 * a silent pass-through (the input is validated before this runs, so it cannot happen unnoticed),
 * and a replayed result is logged so a run that made no AppFlow call still says why.
 */
export function createIdempotencyConfig(log: Logger = defaultLogger): IdempotencyConfig {
  return new IdempotencyConfig({
    eventKeyJmesPath: IDEMPOTENCY_KEY_JMESPATH,
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
    throwOnNoIdempotencyKey: true,
    responseHook: (response, record) => {
      log.info(
        'Same registration already done: found its stored result (replayed if AppFlow still holds it)',
        {
          idempotencyKey: record.idempotencyKey,
          stored: response,
        },
      );
      return response;
    },
  });
}
