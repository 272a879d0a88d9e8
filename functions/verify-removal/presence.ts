import { GetFunctionCommand, type GetFunctionCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { ConfigurationError, FunctionNotReadyError } from '../shared/errors.js';
import { Tags } from '../shared/event-types.js';

/** What AWS says of a function now: gone, or present with the label it carries (if any). */
export type Presence = { present: false } | { present: true; connectorLabel: string | undefined };

/**
 * Reads whether the function exists (GetFunction on the unqualified ARN) and, if it does, its
 * appflow:connector-label tag. ResourceNotFoundException is the answer "gone"; a function Lambda is
 * still deleting is FunctionNotReadyError (the state machine retries until it is gone, so it is not
 * called gone while it still answers). Without lambda:ListTags GetFunction answers TagsError
 * instead of Tags: reading that as "untagged" would unregister a connector that still carries its
 * label, so it is a ConfigurationError. Other SDK errors are rethrown for the state machine.
 */
export async function readPresence(lambda: LambdaClient, lambdaArn: string): Promise<Presence> {
  let answer: GetFunctionCommandOutput;
  try {
    answer = await lambda.send(new GetFunctionCommand({ FunctionName: lambdaArn }));
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return { present: false };
    throw error;
  }
  if (answer.Configuration?.State === 'Deleting') {
    throw new FunctionNotReadyError(
      `${lambdaArn} is being deleted; the workflow waits until it is gone before unregistering anything.`,
    );
  }
  if (answer.TagsError) {
    throw new ConfigurationError(
      `Could not read the tags of ${lambdaArn}: ${answer.TagsError.ErrorCode}: ${answer.TagsError.Message}. Allow lambda:ListTags to the role the hub uses in this account (spoke/ template, or the hub's own role).`,
    );
  }
  return { present: true, connectorLabel: answer.Tags?.[Tags.connectorLabel] };
}
