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

  describe('a sweep', () => {
    const classes = { current: 1, missing: 1, stale: 1, orphaned: 1, foreign: 1 };
    const repairs = { register: 2, unregister: 1 };
    const orphaned = [{ connectorLabel: 'gone-label', reason: 'orphaned' as const }];
    const sweeping: SampleExpectation = {
      rules: [],
      outcome: 'swept',
      classes,
      repairs,
      unregistered: orphaned,
    };

    it('holds when the report has exactly the classes and repairs expected', () => {
      expect(
        matchesExpectation(sweeping, {
          outcome: 'swept',
          unregistered: orphaned,
          sweep: { classes: { ...classes }, repairs: { unregister: 1, register: 2 } },
        }),
      ).toBe(true);
    });

    it.each([
      ['one class counts one more', { classes: { ...classes, foreign: 2 }, repairs }],
      ['a repair was not started', { classes, repairs: { register: 1, unregister: 1 } }],
    ])('fails when %s', (_what, sweep) => {
      expect(matchesExpectation(sweeping, { outcome: 'swept', unregistered: orphaned, sweep })).toBe(false);
    });

    it('fails without a report, or when the orphaned label stayed registered', () => {
      expect(matchesExpectation(sweeping, { outcome: 'swept', unregistered: orphaned })).toBe(false);
      expect(
        matchesExpectation(sweeping, { outcome: 'swept', unregistered: [], sweep: { classes, repairs } }),
      ).toBe(false);
    });
  });
});
