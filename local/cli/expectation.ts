import type { ExpectedUnregistration, SampleExpectation } from '../events/sample.js';
import type { EventOutcome, SweepSummary } from './outcomes.js';

/**
 * Whether an event ended as its sample declares: the outcome, the error of a failure, exactly
 * the unregistrations it expects (none when it names none), so a relabelling that forgets the old
 * label, or a removal that unregisters for the wrong reason, does not pass, and for a sweep exactly
 * the classes and repairs its ConnectorSweepCompleted reported.
 */
export function matchesExpectation(
  expected: SampleExpectation,
  actual: Pick<EventOutcome, 'outcome' | 'error' | 'unregistered' | 'sweep'>,
): boolean {
  return (
    actual.outcome === expected.outcome &&
    (expected.outcome !== 'failed' || expected.error === undefined || expected.error === actual.error) &&
    sameUnregistrations(expected.unregistered ?? [], actual.unregistered) &&
    (expected.outcome !== 'swept' || sameSweep(expected, actual.sweep))
  );
}

/** Every class count and repair count equal, so a sweep that finds or starts one more does not pass. */
function sameSweep(expected: SampleExpectation, actual: SweepSummary | undefined): boolean {
  if (actual === undefined) return false;
  const sorted = (counts: object | undefined) => JSON.stringify(Object.entries(counts ?? {}).sort());
  return (
    sorted(expected.classes) === sorted(actual.classes) && sorted(expected.repairs) === sorted(actual.repairs)
  );
}

function sameUnregistrations(expected: ExpectedUnregistration[], actual: ExpectedUnregistration[]): boolean {
  const key = ({ connectorLabel, reason }: ExpectedUnregistration) => `${connectorLabel} ${reason}`;
  const sorted = (list: ExpectedUnregistration[]) => list.map(key).sort();
  return JSON.stringify(sorted(expected)) === JSON.stringify(sorted(actual));
}
