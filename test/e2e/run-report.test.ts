import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunReport, runSamples, type Stack, startStack } from '../../local/index.js';
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
      'ConnectorRegistrationFailed',
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
});
