import { type FunctionArn, formatFunctionArn, parseFunctionArn } from './arn.js';
import {
  AccountMismatchError,
  AccountNotAllowedError,
  InvalidFunctionArnError,
  RegionNotServedError,
} from './errors.js';
import { isDeleteFunctionSignal } from './removal-signals.js';
import { printable } from './text.js';
import type { ValidInput } from './workflow-input.js';

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
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
// What DeleteFunction's FunctionName may be besides a full ARN: a name or a partial ARN
// (123456789012:function:name), either with a version to delete.
const DELETED_FUNCTION = /^(?:(\d{12}):function:)?([A-Za-z0-9_-]{1,64})(?::(\d+))?$/;

/**
 * The ARN the input names. A CloudFormation signal carries the function's physical resource id (its
 * name), resolved here in the envelope's account and Region: the rule cannot build the ARN itself,
 * because a name spliced into a quoted template is not escaped by EventBridge. A CloudTrail
 * DeleteFunction signal carries the FunctionName its caller gave (a name, a partial ARN or an ARN,
 * any of them with a version), resolved the same way; the account of a partial ARN is kept, so the
 * guards compare it with the envelope's.
 */
export function signalFunctionArn(
  input: Pick<ValidInput, 'functionArn' | 'accountId' | 'region' | 'trigger'>,
  partition: string,
): string {
  if (input.functionArn.startsWith('arn:')) return input.functionArn;
  if (input.trigger.kind === 'cloudformation') {
    if (!FUNCTION_NAME.test(input.functionArn)) {
      throw new InvalidFunctionArnError(
        `The CloudFormation signal names "${printable(input.functionArn)}", which is not a Lambda function name (1-64 letters, digits, - and _).`,
      );
    }
    return formatFunctionArn({
      partition,
      region: input.region,
      accountId: input.accountId,
      functionName: input.functionArn,
    });
  }
  if (!isDeleteFunctionSignal(input.trigger)) return input.functionArn;
  const named = DELETED_FUNCTION.exec(input.functionArn);
  if (!named) {
    throw new InvalidFunctionArnError(
      `The DeleteFunction signal names "${printable(input.functionArn)}", which is neither a Lambda function name nor a partial or full function ARN.`,
    );
  }
  const [, accountId = input.accountId, functionName = '', version] = named;
  const arn = formatFunctionArn({ partition, region: input.region, accountId, functionName });
  return version === undefined ? arn : `${arn}:${version}`;
}

/**
 * Decides, from the input alone, whether the hub may act on the function: before any AWS call, so
 * a refused event touches nothing. Refuses malformed ARNs, another partition, qualified ARNs (but
 * drops the version of a CloudTrail UpdateFunctionCode/PublishVersion signal, which names the
 * version it published), an ARN of another account or Region than the event's, and accounts or
 * Regions the hub does not serve. A CloudFormation signal's function name is resolved in the
 * envelope's account and Region.
 */
export function guardFunction(input: ValidInput, config: GuardConfig): GuardedFunction {
  const parsed = parseFunctionArn(signalFunctionArn(input, config.partition));
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

  guardAccount(arn, config, {
    outcome: `${lambdaArn} is not registered`,
    accountFix: ' to register its connectors, or stop forwarding its events',
    regionFix: ' to register connectors in it, or stop forwarding its events',
  });

  return strippedQualifier === undefined ? { arn, lambdaArn } : { arn, lambdaArn, strippedQualifier };
}

/** What a refusal by the allow-lists says: what did not happen, and how to fix it after "Add it there". */
interface Refusal {
  outcome: string;
  accountFix: string;
  regionFix: string;
}

const NOT_SWEPT: Refusal = {
  outcome: 'it is not swept',
  accountFix: ', or remove the sweep schedule from its spoke stack',
  regionFix: ', or remove the sweep schedule from the spoke stacks of that Region',
};

/**
 * Whether the hub serves the account and Region at all (its allow-lists): for a function's guard
 * above, and for a task that names no function (the drift sweep). Refused before any AWS call.
 */
export function guardAccount(
  target: { accountId: string; region: string },
  config: Pick<GuardConfig, 'allowedAccountIds' | 'servedRegions'>,
  refusal: Refusal = NOT_SWEPT,
): void {
  if (config.allowedAccountIds.length > 0 && !config.allowedAccountIds.includes(target.accountId)) {
    throw new AccountNotAllowedError(
      `Account ${target.accountId} is not in the hub's ALLOWED_ACCOUNT_IDS (${config.allowedAccountIds.join(', ')}), so ${refusal.outcome}. Add it there${refusal.accountFix}.`,
    );
  }
  if (config.servedRegions.length > 0 && !config.servedRegions.includes(target.region)) {
    throw new RegionNotServedError(
      `Region ${target.region} is not in the hub's SERVED_REGIONS (${config.servedRegions.join(', ')}), so ${refusal.outcome}. Add it there${refusal.regionFix}.`,
    );
  }
}
