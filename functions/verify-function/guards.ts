import { type FunctionArn, formatFunctionArn, parseFunctionArn } from '../shared/arn.js';
import {
  AccountMismatchError,
  AccountNotAllowedError,
  InvalidFunctionArnError,
  RegionNotServedError,
} from '../shared/errors.js';
import type { ValidInput } from './input.js';
import { printable } from './text.js';

/** What the guards need to know about the hub. */
export interface GuardConfig {
  partition: string;
  /** Empty: every account the bus accepts. */
  allowedAccountIds: readonly string[];
  /** Empty: every Region. */
  servedRegions: readonly string[];
}

/** The function the workflow may act on, once the guards have let it through. */
export interface GuardedFunction {
  arn: Omit<FunctionArn, 'qualifier'>;
  /** Unqualified: the only form the rest of the workflow uses. */
  lambdaArn: string;
  /** The version a CloudTrail signal named and that was dropped, for the log. */
  strippedQualifier?: string;
}

const VERSION = /^\d+$/;

/**
 * Decides, from the input alone, whether the hub may act on the function: before any AWS call, so
 * a refused event touches nothing. Refuses malformed ARNs, another partition, qualified ARNs (but
 * drops the version of a CloudTrail UpdateFunctionCode/PublishVersion signal, which names the
 * version it published), an ARN of another account or Region than the event's, and accounts or
 * Regions the hub does not serve.
 */
export function guardFunction(input: ValidInput, config: GuardConfig): GuardedFunction {
  const parsed = parseFunctionArn(input.functionArn);
  const { qualifier, ...arn } = parsed;
  const lambdaArn = formatFunctionArn(arn);

  if (arn.partition !== config.partition) {
    throw new InvalidFunctionArnError(
      `${lambdaArn} is in partition ${arn.partition}; this hub serves partition ${config.partition} only. Deploy a hub in that partition for its accounts.`,
    );
  }

  let strippedQualifier: string | undefined;
  if (qualifier !== undefined) {
    if (input.trigger.kind === 'cloudtrail' && VERSION.test(qualifier)) {
      strippedQualifier = qualifier;
    } else {
      throw new InvalidFunctionArnError(
        `${printable(input.functionArn)} is qualified with "${printable(qualifier)}"; connectors are registered by their unqualified ARN. Send ${lambdaArn} instead.`,
      );
    }
  }

  if (arn.accountId !== input.accountId || arn.region !== input.region) {
    throw new AccountMismatchError(
      `The event came from account ${input.accountId} in ${input.region} but names ${lambdaArn} (account ${arn.accountId}, ${arn.region}). The hub never acts on another account's function: send the signal from the account and Region that own the function.`,
    );
  }

  if (config.allowedAccountIds.length > 0 && !config.allowedAccountIds.includes(arn.accountId)) {
    throw new AccountNotAllowedError(
      `Account ${arn.accountId} is not in the hub's ALLOWED_ACCOUNT_IDS (${config.allowedAccountIds.join(', ')}). Add it there to register its connectors, or stop forwarding its events.`,
    );
  }

  if (config.servedRegions.length > 0 && !config.servedRegions.includes(arn.region)) {
    throw new RegionNotServedError(
      `Region ${arn.region} is not in the hub's SERVED_REGIONS (${config.servedRegions.join(', ')}). Add it there to register connectors in it, or stop forwarding its events.`,
    );
  }

  return strippedQualifier === undefined ? { arn, lambdaArn } : { arn, lambdaArn, strippedQualifier };
}
