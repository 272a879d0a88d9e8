import type { ExpectedUnregistration, SampleExpectation } from '../events/sample.js';
import type { EventOutcome } from './outcomes.js';

/**
 * Whether an event ended as its sample declares: the outcome, the error of a failure, and exactly
 * the unregistrations it expects (none when it names none), so a relabelling that forgets the old
 * label, or a removal that unregisters for the wrong reason, does not pass.
 */
export function matchesExpectation(
  expected: SampleExpectation,
  actual: Pick<EventOutcome, 'outcome' | 'error' | 'unregistered'>,
): boolean {
  return (
    actual.outcome === expected.outcome &&
    (expected.outcome !== 'failed' || expected.error === undefined || expected.error === actual.error) &&
    sameUnregistrations(expected.unregistered ?? [], actual.unregistered)
  );
}

function sameUnregistrations(expected: ExpectedUnregistration[], actual: ExpectedUnregistration[]): boolean {
  const key = ({ connectorLabel, reason }: ExpectedUnregistration) => `${connectorLabel} ${reason}`;
  const sorted = (list: ExpectedUnregistration[]) => list.map(key).sort();
  return JSON.stringify(sorted(expected)) === JSON.stringify(sorted(actual));
}
