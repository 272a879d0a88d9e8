import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRunReport, type RunReport, runSamples, type Stack, startStack } from '../../local/index.js';
import { productSample } from './support/paths.js';
import { SLOW } from './support/timeouts.js';

// `registrar run`'s report, from the stack up: what it lists as published must be the workflow's.
describe('the report of registrar run', { timeout: SLOW }, () => {
  let stack: Stack;
  let report: RunReport;

  beforeAll(async () => {
    stack = await startStack({ timeScale: 0.01 });
    report = await runSamples(stack, [
      productSample('pipeline-connector-deployed.registered.json'),
      productSample('cloudtrail-update-function-code.failing-connector.failed.json'),
      // Both workflows publish: a relabelling registers one label and unregisters another; a label in use fails.
      productSample('cloudtrail-tag-resource.relabelled.registered.json'),
      productSample('spoke-sales.cloudtrail-delete-function.in-use.failed.json'),
      // A registrar event put by the run itself: the alert rule routes it, but the workflow did not publish it.
      productSample('registrar-connector-registration-failed.none.json'),
      // A spoke's sweep schedule: the sweep reports, and the repairs it starts publish their own events.
      productSample('spoke-finance.us-east-1.sweep-schedule.swept.json'),
    ]);
  }, SLOW);

  afterAll(async () => {
    await stack?.stop();
  }, SLOW);

  it('lists the events the workflow published, not the samples it sent', () => {
    expect(report.ok).toBe(true);
    expect(report.published.map(({ event }) => event['detail-type']).sort()).toEqual([
      'ConnectorRegistered',
      'ConnectorRegistered',
      'ConnectorRegistered',
      'ConnectorRegistered',
      'ConnectorRegistrationFailed',
      'ConnectorSweepCompleted',
      'ConnectorUnregistered',
      'ConnectorUnregistered',
      'ConnectorUnregistrationFailed',
    ]);
    const executionArns = new Set(report.results.flatMap((result) => result.actual.executionArns));
    for (const { event } of report.published) {
      expect(executionArns.has((event.detail as { executionArn: string }).executionArn)).toBe(true);
    }
  });

  it("counts the alerts of the workflow's events only", () => {
    expect(stack.events.alerts()).toHaveLength(3);
    expect(report.alerts).toBe(2);
  });

  it('reads the sweep from the report it published, with the repairs it started', () => {
    const sweep = report.results.find((result) => result.file.includes('.sweep-schedule.'));
    const [published] = report.published
      .map(({ event }) => event)
      .filter((event) => event['detail-type'] === 'ConnectorSweepCompleted');
    const detail = published?.detail as { counts: unknown; actionsStarted: unknown; executionArn: string };

    expect(sweep?.actual.sweep).toEqual({ classes: detail.counts, repairs: detail.actionsStarted });
    // The sweep and one execution per repair it started.
    expect(sweep?.actual.executionArns).toHaveLength(4);
    expect(sweep?.actual.executionArns).toContain(detail.executionArn);
    expect(formatRunReport(report)).toMatch(
      /spoke-finance\.us-east-1\.sweep-schedule\.swept +333333333333\/us-east-1 +- +swept \(current 1, missing 1, stale 1, orphaned 1, foreign 1; started register 2, unregister 1\) \+ unregistered expenses-connector \(orphaned\)/,
    );
  });
});
