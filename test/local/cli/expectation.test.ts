import { describe, expect, it } from 'vitest';
import { matchesExpectation } from '../../../local/cli/expectation.js';
import type { SampleExpectation } from '../../../local/events/sample.js';

const relabelling: SampleExpectation = {
  rules: ['cloudtrail-tag-resource'],
  outcome: 'registered',
  connectorLabel: 'new-label',
  unregistered: [{ connectorLabel: 'old-label', reason: 'relabelled' }],
};

describe('matchesExpectation', () => {
  it('holds when the outcome and every unregistration with its reason are as expected', () => {
    expect(
      matchesExpectation(relabelling, {
        outcome: 'registered',
        unregistered: [{ connectorLabel: 'old-label', reason: 'relabelled' }],
      }),
    ).toBe(true);
  });

  it.each([
    ['the old label stayed registered', []],
    ['it went for another reason', [{ connectorLabel: 'old-label', reason: 'untagged' as const }]],
    [
      'another label went too',
      [
        { connectorLabel: 'old-label', reason: 'relabelled' as const },
        { connectorLabel: 'other-label', reason: 'relabelled' as const },
      ],
    ],
  ])('fails when %s', (_what, unregistered) => {
    expect(matchesExpectation(relabelling, { outcome: 'registered', unregistered })).toBe(false);
  });

  it('expects nothing unregistered from a sample that names no unregistration', () => {
    const registering: SampleExpectation = { rules: ['cloudtrail-tag-resource'], outcome: 'registered' };
    expect(matchesExpectation(registering, { outcome: 'registered', unregistered: [] })).toBe(true);
    expect(
      matchesExpectation(registering, {
        outcome: 'registered',
        unregistered: [{ connectorLabel: 'old-label', reason: 'relabelled' }],
      }),
    ).toBe(false);
  });

  it('compares the error of a failure', () => {
    const inUse: SampleExpectation = { rules: [], outcome: 'failed', error: 'ConnectorInUseError' };
    expect(
      matchesExpectation(inUse, { outcome: 'failed', error: 'ConnectorInUseError', unregistered: [] }),
    ).toBe(true);
    expect(
      matchesExpectation(inUse, { outcome: 'failed', error: 'AccessDeniedException', unregistered: [] }),
    ).toBe(false);
  });
});
