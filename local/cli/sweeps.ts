import type { DriftClass } from '../../functions/classify-account/classify.js';
import {
  DetailType,
  REGISTRAR_SOURCE,
  SWEEP_SCHEDULE_RULE_NAME,
} from '../../functions/shared/event-types.js';
import type { ExpectedRepairs, Sample } from '../events/sample.js';
import type { PublishedEvent } from '../services/events.js';
import type { ExecutionRecord } from '../services/states.js';
import { type EventOutcome, outcomeOf } from './outcomes.js';

/**
 * Whether the sample is what a spoke's sweep schedule puts on the hub bus, which the hub's
 * SweepRequestRule (resources/sweep.yml) turns into a sweep of the putting account and Region.
 */
export function isSweepRequest(sample: Sample): boolean {
  return (
    sample.entry.Source === 'aws.events' &&
    sample.entry.DetailType === DetailType.ScheduledEvent &&
    (sample.entry.Resources ?? []).some((arn) => arn.endsWith(`:rule/${SWEEP_SCHEDULE_RULE_NAME}`))
  );
}

/**
 * The outcome of a sweep request: the sweep execution of the sample's account and Region (its input
 * carries no event id, only the envelope's account and Region) and the repairs it started, which
 * carry its execution ARN as their trigger. `swept` when the sweep published ConnectorSweepCompleted.
 */
export function sweepOutcome(
  sample: Sample,
  executions: ExecutionRecord[],
  published: PublishedEvent[],
): EventOutcome {
  const sweeps = executions.filter(
    (execution) => isSweepExecution(execution) && sweptPlace(execution.input) === placeOf(sample),
  );
  const sweepArns = new Set(sweeps.map((execution) => execution.executionArn));
  const repairs = executions.filter((execution) => sweepArns.has(triggerOf(execution.input) ?? ''));
  const repaired = outcomeOf(repairs);
  const reports = published
    .map(({ event }) => event)
    .filter(
      (event) =>
        event.source === REGISTRAR_SOURCE &&
        event['detail-type'] === DetailType.ConnectorSweepCompleted &&
        sweepArns.has(String((event.detail as { executionArn?: unknown }).executionArn)),
    );
  const all = [...sweeps, ...repairs];
  const [report] = reports;
  // A repair that failed fails the event: the sweep started it, and it did not repair.
  const failed = all.find((execution) => execution.status !== 'SUCCEEDED');
  if (reports.length !== 1 || report === undefined || failed) {
    if (sweeps.length === 0) return { outcome: 'none', attempts: 0, unregistered: [], executions: all };
    return {
      outcome: 'failed',
      error: failed?.error ?? failed?.status ?? 'NoSweepReport',
      attempts: repaired.attempts,
      unregistered: repaired.unregistered,
      executions: all,
    };
  }
  const detail = report.detail as {
    counts: Record<DriftClass, number>;
    actionsStarted: ExpectedRepairs;
  };
  return {
    outcome: 'swept',
    sweep: { classes: detail.counts, repairs: detail.actionsStarted },
    attempts: repaired.attempts,
    unregistered: repaired.unregistered,
    executions: all,
  };
}

/** Whether an execution runs statemachine/sweep-connectors.asl.json. */
function isSweepExecution(execution: ExecutionRecord): boolean {
  return execution.stateMachineArn.endsWith('-sweep-connectors');
}

function placeOf(sample: Sample): string {
  return `${sample.account}/${sample.region}`;
}

function sweptPlace(input: string): string | undefined {
  const parsed = parse(input) as { accountId?: unknown; region?: unknown } | undefined;
  return parsed ? `${String(parsed.accountId)}/${String(parsed.region)}` : undefined;
}

function triggerOf(input: string): string | undefined {
  const eventId = (parse(input) as { trigger?: { eventId?: unknown } } | undefined)?.trigger?.eventId;
  return typeof eventId === 'string' ? eventId : undefined;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
