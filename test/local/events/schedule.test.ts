import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { deployTemplate } from '../../../local/deploy/deploy.js';
import {
  InvalidScheduleExpressionError,
  parseScheduleExpression,
} from '../../../local/services/events/schedule-expression.js';
import { createEventsService, type EventsService } from '../../../local/services/events.js';
import { defaultLandingZone, rolesOf } from '../support/hub.js';
import { fakeStarter, HUB, ROOT, readFixture } from './harness.js';

const REGION = 'eu-west-1';
const ruleArn = (name: string) => `arn:aws:events:${REGION}:${HUB}:rule/${name}`;

function nextRuns(expression: string, from: string, count: number): string[] {
  const schedule = parseScheduleExpression(expression);
  if (schedule.kind !== 'cron') throw new Error('expected a cron schedule');
  const runs: string[] = [];
  let at: Date | undefined = new Date(from);
  while (runs.length < count && at) {
    at = schedule.next(at);
    if (at) runs.push(at.toISOString().replace(':00.000Z', 'Z'));
  }
  return runs;
}

function scheduledStack(template = readFixture<Record<string, unknown>>('scheduled-rules.json')) {
  return deployTemplate(template as never, { stackName: 'schedules', accountId: HUB, region: REGION });
}

describe('EventBridge schedule expressions', () => {
  describe('rate', () => {
    it('reads each unit, singular for 1 and plural above', () => {
      expect(parseScheduleExpression('rate(1 minute)')).toMatchObject({ kind: 'rate', periodMs: 60_000 });
      expect(parseScheduleExpression('rate(5 minutes)')).toMatchObject({ periodMs: 300_000 });
      expect(parseScheduleExpression('rate(1 hour)')).toMatchObject({ periodMs: 3_600_000 });
      expect(parseScheduleExpression('rate(2 days)')).toMatchObject({ periodMs: 172_800_000 });
    });

    it.each([
      'rate(1 hours)',
      'rate(5 hour)',
      'rate(0 minutes)',
      'rate(1 week)',
      'rate(1.5 hours)',
      'every day',
    ])('refuses %s', (expression) => {
      expect(() => parseScheduleExpression(expression)).toThrow(InvalidScheduleExpressionError);
    });
  });

  describe('cron, in UTC', () => {
    it('runs the EventBridge User Guide examples when they say', () => {
      expect(nextRuns('cron(0 10 * * ? *)', '2026-12-01T10:00:00Z', 2)).toEqual([
        '2026-12-02T10:00Z',
        '2026-12-03T10:00Z',
      ]);
      expect(nextRuns('cron(15 12 * * ? *)', '2026-12-01T00:00:00Z', 1)).toEqual(['2026-12-01T12:15Z']);
      // 2026-12-04 is a Friday: the next weekday evening after it is Monday's.
      expect(nextRuns('cron(0 18 ? * MON-FRI *)', '2026-12-04T18:00:00Z', 2)).toEqual([
        '2026-12-07T18:00Z',
        '2026-12-08T18:00Z',
      ]);
      expect(nextRuns('cron(0 8 1 * ? *)', '2026-12-01T09:00:00Z', 2)).toEqual([
        '2027-01-01T08:00Z',
        '2027-02-01T08:00Z',
      ]);
      expect(nextRuns('cron(0/15 * * * ? *)', '2026-12-01T10:07:30Z', 3)).toEqual([
        '2026-12-01T10:15Z',
        '2026-12-01T10:30Z',
        '2026-12-01T10:45Z',
      ]);
      expect(nextRuns('cron(0/5 8-17 ? * MON-FRI *)', '2026-12-04T17:55:00Z', 1)).toEqual([
        '2026-12-07T08:00Z',
      ]);
      expect(nextRuns('cron(0 9 ? * 2#1 *)', '2026-12-01T00:00:00Z', 2)).toEqual([
        '2026-12-07T09:00Z',
        '2027-01-04T09:00Z',
      ]);
    });

    it('reads L, W, LW, nL, names and years', () => {
      expect(nextRuns('cron(0 0 L * ? *)', '2027-02-01T00:00:00Z', 2)).toEqual([
        '2027-02-28T00:00Z',
        '2027-03-31T00:00Z',
      ]);
      // 2027-01-03 is a Sunday: its nearest weekday is Monday the 4th.
      expect(nextRuns('cron(0 0 3W * ? *)', '2027-01-01T00:00:00Z', 1)).toEqual(['2027-01-04T00:00Z']);
      // 2027-01-31 is a Sunday: the last weekday of January 2027 is Friday the 29th.
      expect(nextRuns('cron(0 0 LW * ? *)', '2027-01-01T00:00:00Z', 1)).toEqual(['2027-01-29T00:00Z']);
      expect(nextRuns('cron(0 0 ? * 6L *)', '2026-12-01T00:00:00Z', 1)).toEqual(['2026-12-25T00:00Z']);
      expect(nextRuns('cron(30 6 ? JAN,JUL MON 2027)', '2026-12-01T00:00:00Z', 1)).toEqual([
        '2027-01-04T06:30Z',
      ]);
      expect(nextRuns('cron(0 0 1 1 ? 2026)', '2026-12-01T00:00:00Z', 1)).toEqual([]);
    });

    it.each([
      ['both day fields given', 'cron(0 10 * * * *)'],
      ['both day fields ?', 'cron(0 10 ? * ? *)'],
      ['five fields', 'cron(0 10 * * ?)'],
      ['a minute out of range', 'cron(60 10 * * ? *)'],
      ['two # expressions', 'cron(0 10 ? * 3#1,6#3 *)'],
      ['a year before 1970', 'cron(0 10 * * ? 1969)'],
      ['a month name that does not exist', 'cron(0 10 * FOO ? *)'],
    ])('refuses %s', (_case, expression) => {
      expect(() => parseScheduleExpression(expression)).toThrow(InvalidScheduleExpressionError);
    });
  });
});

describe('EventBridge schedule rules', () => {
  let events: EventsService | undefined;
  afterEach(() => events?.close());

  async function startWith(options: { timeScale: number; now?: () => Date }) {
    const starter = fakeStarter();
    const { world, zone } = await defaultLandingZone();
    events = createEventsService({ world, roles: rolesOf(world, zone), executions: starter, ...options });
    events.deploy(scheduledStack());
    return { events, starter };
  }

  it('fires an enabled rate rule on its schedule, scaled, with the scheduled-event envelope', async () => {
    const { events, starter } = await startWith({ timeScale: 0.001 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await events.idle();
    const sweeps = starter.calls.filter((call) => call.request.stateMachineArn.endsWith(':sweep'));
    expect(sweeps.length).toBeGreaterThanOrEqual(2);
    const input = JSON.parse(sweeps[0]?.request.input ?? '{}');
    expect(input).toEqual({
      version: '0',
      id: expect.any(String),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: HUB,
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      region: REGION,
      resources: [ruleArn('sweep-every-minute')],
      detail: {},
    });
    // The DISABLED rule, on the same target, never ran: every sweep came from the enabled rule.
    expect(
      sweeps.every(
        (call) => JSON.parse(call.request.input ?? '{}').resources[0] === ruleArn('sweep-every-minute'),
      ),
    ).toBe(true);
  });

  it('stops every schedule on close', async () => {
    const { events, starter } = await startWith({ timeScale: 0.001 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    events.close();
    await events.idle();
    const count = starter.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(starter.calls.length).toBe(count);
  });

  it('runs a cron rule at its next matching minute, then says when it runs next', async () => {
    const start = Date.parse('2026-12-01T02:59:59.000Z');
    const { events, starter } = await startWith({ timeScale: 0.01, now: () => new Date(start) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await events.idle();
    const nightly = starter.calls.filter((call) => call.request.stateMachineArn.endsWith(':nightly'));
    expect(nightly).toHaveLength(1);
    expect(JSON.parse(nightly[0]?.request.input ?? '{}')).toEqual({
      trigger: 'schedule',
      rule: ruleArn('nightly'),
      time: '2026-12-01T02:59:59Z',
    });
    expect(events.scheduledRules()).toContainEqual({
      ruleArn: ruleArn('nightly'),
      scheduleExpression: 'cron(0 3 * * ? *)',
      state: 'ENABLED',
      nextRunAt: '2026-12-02T03:00:00.000Z',
    });
  });

  it('fires a schedule rule on demand, and refuses a DISABLED or unknown one', async () => {
    const { events, starter } = await startWith({ timeScale: 1 });
    const event = events.fireScheduledRule(ruleArn('nightly'));
    await events.idle();
    expect(event).toMatchObject({ 'detail-type': 'Scheduled Event', resources: [ruleArn('nightly')] });
    expect(starter.calls.map((call) => JSON.parse(call.request.input ?? '{}'))).toEqual([
      { trigger: 'schedule', rule: ruleArn('nightly'), time: event.time },
    ]);
    expect(() => events.fireScheduledRule(ruleArn('disabled-sweep'))).toThrow(/DISABLED/);
    expect(() => events.fireScheduledRule(ruleArn('no-such-rule'))).toThrow(/No schedule rule/);
  });

  it('refuses to deploy a schedule EventBridge refuses, or one on a custom bus', async () => {
    const { events } = await startWith({ timeScale: 1 });
    const template = readFixture<{ Resources: Record<string, { Properties: Record<string, unknown> }> }>(
      'scheduled-rules.json',
    );
    const badRate = structuredClone(template);
    (badRate.Resources.SweepRule as { Properties: Record<string, unknown> }).Properties.ScheduleExpression =
      'rate(1 minutes)';
    expect(() => events.deploy(scheduledStack(badRate))).toThrow(
      /SweepRule: Parameter ScheduleExpression is not valid: rate\(1 minutes\)/,
    );

    const onCustomBus = structuredClone(template);
    onCustomBus.Resources.Bus = { Type: 'AWS::Events::EventBus', Properties: { Name: 'custom' } } as never;
    (onCustomBus.Resources.SweepRule as { Properties: Record<string, unknown> }).Properties.EventBusName =
      'custom';
    expect(() => events.deploy(scheduledStack(onCustomBus))).toThrow(/only on the default event bus/);
  });

  it('never keeps the process alive', () => {
    const script = `
      import { Scheduler } from './local/services/events/scheduler.ts';
      const scheduler = new Scheduler({ timeScale: 1, now: () => new Date(), fire: () => undefined });
      scheduler.add({ logicalId: 'R', name: 'r', arn: 'arn:aws:events:eu-west-1:111111111111:rule/r',
        eventBusName: 'default', state: 'ENABLED', scheduleExpression: 'rate(1 minute)', targets: [] });
      console.log('scheduled');`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      timeout: 20_000,
      encoding: 'utf8',
    });
    expect(output.trim()).toBe('scheduled');
  });
});
