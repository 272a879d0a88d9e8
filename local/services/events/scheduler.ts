import { randomUUID } from 'node:crypto';
import type { DeployedRule } from '../../deploy/resources.js';
import type { BusEvent } from '../../types.js';
import { parseScheduleExpression, type Schedule } from './schedule-expression.js';

/**
 * The schedules of the deployed rules: each ENABLED rule with a ScheduleExpression fires its targets
 * with the scheduled-event envelope EventBridge documents (detail-type "Scheduled Event", source
 * aws.events, resources [rule ARN], detail {}). Waits are multiplied by the stack's timeScale; the
 * timers never keep the process alive and stop with close().
 */

export interface ScheduledRule {
  ruleArn: string;
  scheduleExpression: string;
  state: DeployedRule['state'];
  /** ISO 8601, in the schedule's own (scaled) time; undefined once a cron has no further run. */
  nextRunAt?: string;
}

export interface SchedulerOptions {
  /** Delivers a scheduled event to the rule's targets. */
  fire(rule: DeployedRule, event: BusEvent): void;
  timeScale: number;
  now: () => Date;
}

interface Entry {
  rule: DeployedRule;
  schedule: Schedule;
  /** When the rule next runs, in schedule time: real time at deploy, advancing by whole periods. */
  nextRun?: Date;
  timer?: NodeJS.Timeout;
}

export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly options: SchedulerOptions) {}

  /**
   * Starts the schedule of a deployed rule; throws InvalidScheduleExpressionError for an expression
   * EventBridge refuses, as CloudFormation would fail the rule.
   */
  add(rule: DeployedRule): void {
    if (rule.scheduleExpression === undefined) return;
    const schedule = parseScheduleExpression(rule.scheduleExpression);
    const entry: Entry = { rule, schedule };
    this.entries.set(rule.arn, entry);
    if (rule.state !== 'ENABLED') return;
    const created = this.options.now();
    // A rate runs first one period after the rule is created; a cron at its next matching minute.
    entry.nextRun =
      schedule.kind === 'rate' ? new Date(created.getTime() + schedule.periodMs) : schedule.next(created);
    this.arm(entry, created);
  }

  /**
   * Fires a schedule rule now, outside its schedule (what tests and the CLI use to run a daily job on
   * demand), and returns the event its targets receive. Its schedule carries on as it was.
   */
  fireNow(ruleArn: string): BusEvent {
    const entry = this.entries.get(ruleArn);
    if (entry === undefined) {
      const known = [...this.entries.keys()];
      throw new Error(
        `No schedule rule ${ruleArn}; the deployed schedule rules are: ${known.length ? known.join(', ') : 'none'}.`,
      );
    }
    if (entry.rule.state !== 'ENABLED')
      throw new Error(`The rule ${ruleArn} is DISABLED: EventBridge does not run it.`);
    return this.fire(entry);
  }

  /** The schedule rules, for the CLI and tests. */
  list(): ScheduledRule[] {
    return [...this.entries.values()].map((entry) => ({
      ruleArn: entry.rule.arn,
      scheduleExpression: entry.schedule.expression,
      state: entry.rule.state,
      ...(entry.nextRun ? { nextRunAt: entry.nextRun.toISOString() } : {}),
    }));
  }

  close(): void {
    this.closed = true;
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
  }

  /** Waits for the entry's next run, scaled from the schedule time `from`. */
  private arm(entry: Entry, from: Date): void {
    if (this.closed || entry.nextRun === undefined) return;
    const waitMs = Math.max(0, (entry.nextRun.getTime() - from.getTime()) * this.options.timeScale);
    entry.timer = setTimeout(() => {
      const ran = entry.nextRun as Date;
      this.fire(entry);
      entry.nextRun =
        entry.schedule.kind === 'rate'
          ? new Date(ran.getTime() + entry.schedule.periodMs)
          : entry.schedule.next(ran);
      this.arm(entry, ran);
    }, waitMs);
    // A schedule must never keep the process (a test, `registrar run`) alive.
    entry.timer.unref();
  }

  private fire(entry: Entry): BusEvent {
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: entry.rule.arn.split(':')[4] ?? '',
      time: this.options
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      region: entry.rule.arn.split(':')[3] ?? '',
      resources: [entry.rule.arn],
      detail: {},
    };
    this.options.fire(entry.rule, event);
    return event;
  }
}
