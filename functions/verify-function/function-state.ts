import { GetFunctionCommand, type GetFunctionCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  ConfigurationError,
  FunctionInFailedStateError,
  FunctionNotFoundError,
  FunctionNotReadyError,
} from '../shared/errors.js';

/** What VerifyFunction needs from GetFunction. */
export interface FunctionFacts {
  codeSha256: string;
  /** ISO 8601. */
  lastModified: string;
  tags: Record<string, string>;
  /** Lambda's State; `Inactive` functions are woken by the probe's invoke. */
  state: string | undefined;
}

/**
 * Reads the function (GetFunction on the unqualified ARN, so $LATEST) and decides whether it can be
 * verified now: a missing function is FunctionNotFoundError, a function still being created or
 * updated is FunctionNotReadyError (the state machine retries), a failed one is
 * FunctionInFailedStateError (waiting will not help). Other SDK errors are rethrown unchanged so the
 * state machine retries throttling by its name.
 */
export async function readFunction(lambda: LambdaClient, lambdaArn: string): Promise<FunctionFacts> {
  let answer: GetFunctionCommandOutput;
  try {
    answer = await lambda.send(new GetFunctionCommand({ FunctionName: lambdaArn }));
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') {
      throw new FunctionNotFoundError(
        `${lambdaArn} does not exist: it was deleted or renamed after the deploy signal was sent. Nothing to register; deploy it again to register it.`,
        { cause: error },
      );
    }
    throw error;
  }

  const configuration = answer.Configuration ?? {};
  const { State: state, LastUpdateStatus: update } = configuration;

  if (state === 'Pending' || update === 'InProgress') {
    throw new FunctionNotReadyError(
      `${lambdaArn} is still being ${state === 'Pending' ? 'created' : 'updated'} (State ${state}, LastUpdateStatus ${update}); the workflow retries until it is ready.`,
    );
  }
  if (state === 'Failed' || update === 'Failed') {
    const reason =
      state === 'Failed'
        ? `its creation failed: ${configuration.StateReasonCode ?? 'no reason code'}: ${configuration.StateReason ?? 'no reason given'}`
        : `its last update failed: ${configuration.LastUpdateStatusReasonCode ?? 'no reason code'}: ${configuration.LastUpdateStatusReason ?? 'no reason given'}`;
    throw new FunctionInFailedStateError(
      `${lambdaArn} cannot be registered: ${reason}. Fix the cause and deploy the function again; the new deploy signal registers it.`,
    );
  }
  if (state === 'Deleting') {
    throw new FunctionNotFoundError(`${lambdaArn} is being deleted. Nothing to register.`);
  }

  if (answer.TagsError) {
    // Without lambda:ListTags GetFunction answers TagsError instead of Tags; reading that as
    // "untagged" would skip every connector of the account without a word.
    throw new ConfigurationError(
      `Could not read the tags of ${lambdaArn}: ${answer.TagsError.ErrorCode}: ${answer.TagsError.Message}. Allow lambda:ListTags to the role the hub uses in this account (spoke/ template, or the hub's own role).`,
    );
  }

  if (!configuration.CodeSha256 || !configuration.LastModified) {
    throw new Error(
      `GetFunction answered for ${lambdaArn} without CodeSha256 or LastModified; the Lambda API (or the emulation it was pointed at) broke its contract.`,
    );
  }

  return {
    codeSha256: configuration.CodeSha256,
    lastModified: toIsoTimestamp(configuration.LastModified, lambdaArn),
    tags: answer.Tags ?? {},
    state,
  };
}

/**
 * Lambda's LastModified (`2026-11-27T08:00:00.000+0000`, an offset without a colon) as ISO 8601 UTC
 * (`2026-11-27T08:00:00.000Z`), the form the rest of the workflow and the events carry.
 */
export function toIsoTimestamp(lastModified: string, lambdaArn = 'the function'): string {
  const withColon = lastModified.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const date = new Date(withColon);
  if (Number.isNaN(date.getTime())) {
    throw new Error(`GetFunction answered LastModified "${lastModified}" for ${lambdaArn}, not a timestamp.`);
  }
  return date.toISOString();
}
