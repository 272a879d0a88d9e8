import { InvalidInputError } from '../shared/errors.js';
import { printable } from '../shared/text.js';
import { ACCOUNT_ID, REGION } from '../shared/workflow-input.js';

/** What the sweep state machine passes ClassifyAccount. */
export interface SweepInput {
  accountId: string;
  region: string;
  /** Classify and report without starting any repair. */
  dryRun: boolean;
  executionArn: string;
}

/**
 * Checks ClassifyAccount's task input and throws InvalidInputError naming the first bad field. The
 * account and Region come from a schedule event's envelope or an operator's StartExecution; a
 * missing dryRun means false.
 */
export function parseSweepInput(event: unknown): SweepInput {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidInputError('The input must be an object with accountId, region and executionArn.');
  }
  const { accountId, region, dryRun, executionArn } = event as Record<string, unknown>;
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
    throw new InvalidInputError(
      `accountId is "${printable(String(accountId))}"; expected a 12-digit AWS account ID.`,
    );
  }
  if (typeof region !== 'string' || !REGION.test(region)) {
    throw new InvalidInputError(
      `region is "${printable(String(region))}"; expected an AWS Region such as eu-west-1.`,
    );
  }
  if (dryRun !== undefined && dryRun !== null && typeof dryRun !== 'boolean') {
    throw new InvalidInputError('dryRun must be true or false.');
  }
  if (typeof executionArn !== 'string' || executionArn === '') {
    throw new InvalidInputError('executionArn is missing.');
  }
  return { accountId, region, dryRun: dryRun === true, executionArn };
}
