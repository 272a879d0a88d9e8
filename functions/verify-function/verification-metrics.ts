import { DIMENSION, type Outcome } from '../shared/metrics.js';
import type { VerifyOutput } from '../shared/types.js';

/** The raw event's fields noted with each verification metric (cut and escaped: metadataOf). */
export const VERIFICATION_METADATA_FIELDS = ['executionArn', 'accountId', 'region', 'functionArn'] as const;

/** Verifications' dimension: `verified`, or `skipped` for a function that has not opted in. */
export function verificationOutcome(output: VerifyOutput): Outcome {
  if (!output.optedIn) {
    return { dimensions: { [DIMENSION.outcome]: 'skipped' }, metadata: { lambdaArn: output.lambdaArn } };
  }
  return {
    dimensions: { [DIMENSION.outcome]: 'verified' },
    metadata: { lambdaArn: output.lambdaArn, connectorLabel: output.connectorLabel },
  };
}
