import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { REGISTRAR_SOURCE } from '../../functions/shared/event-types.js';
import { loadSample, type Sample } from '../events/sample.js';
import type { PublishedEvent } from '../services/events.js';
import type { Stack } from '../stack.js';
import { matchesExpectation } from './expectation.js';
import { type EventOutcome, outcomeOf } from './outcomes.js';
import { sendSample } from './send.js';
import { isSweepRequest, sweepOutcome } from './sweeps.js';

const SAMPLES_DIR = resolve(new URL('../../events/samples', import.meta.url).pathname);

/** One row of `registrar run`. */
export interface RunResult {
  file: string;
  account: string;
  region: string;
  expected: Sample['expect'];
  actual: Omit<EventOutcome, 'executions'> & { executionArns: string[] };
  /** From PutEvents to the end of the last execution it started. */
  ms: number;
  matches: boolean;
}

export interface RunReport {
  results: RunResult[];
  /** The events the workflow published on the hub buses (ConnectorRegistered / …Failed); not the samples. */
  published: PublishedEvent[];
  /** How many of them the connectors' own accounts received too, on their default buses. */
  told: number;
  /** How many of `published` the alert gate sent to the alert topic (folded ones are not). */
  alerts: number;
  ok: boolean;
}

/** Every sample of events/samples, sorted. */
export function defaultSampleFiles(): string[] {
  return readdirSync(SAMPLES_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(SAMPLES_DIR, name));
}

/**
 * Sends the samples' events at the same moment through the stack's EventBridge, waits for every
 * execution they start, and compares each outcome with the one the sample declares.
 */
export async function runSamples(stack: Stack, files: string[]): Promise<RunReport> {
  const samples = await Promise.all(files.map(async (file) => ({ file, sample: await loadSample(file) })));
  const sent = await Promise.all(
    samples.map(async ({ file, sample }) => ({
      file,
      sample,
      started: Date.now(),
      delivery: await sendSample(stack, sample),
    })),
  );
  // Also waits for the repairs a sweep starts: executions that start executions keep the stack busy.
  await stack.idle();

  const executions = stack.states.executions();
  const events = stack.events.publishedEvents();
  const results = sent.map(({ file, sample, started, delivery }): RunResult => {
    const read: EventOutcome = delivery.refusedWith
      ? { outcome: 'refused', error: delivery.refusedWith, attempts: 0, unregistered: [], executions: [] }
      : isSweepRequest(sample)
        ? sweepOutcome(sample, executions, events)
        : outcomeOf(executions.filter((execution) => triggerEventId(execution.input) === delivery.eventId));
    const { executions: mine, ...outcome } = read;
    const ended = Math.max(started, ...mine.map((execution) => execution.stopDate?.getTime() ?? started));
    const matches = matchesExpectation(sample.expect, outcome);
    return {
      file: basename(file),
      account: sample.account,
      region: sample.region,
      expected: sample.expect,
      actual: {
        ...outcome,
        ...(outcome.connectorLabel || !sample.expect.connectorLabel
          ? {}
          : { connectorLabel: sample.expect.connectorLabel }),
        executionArns: mine.map((execution) => execution.executionArn),
      },
      ms: ended - started,
      matches,
    };
  });

  // A sample may itself be a registrar event (one that must start nothing): it was sent, not published.
  const sentIds = new Set(sent.map(({ delivery }) => delivery.eventId));
  const hubBuses = new Set(stack.landingZone.hubs.map((hub) => hub.eventBus.arn));
  const registrars = events.filter(
    ({ event }) => event.source === REGISTRAR_SOURCE && !sentIds.has(event.id),
  );
  const published = registrars.filter(({ bus }) => hubBuses.has(bus.arn));
  const publishedIds = new Set(published.map(({ event }) => event.id));
  // RecordOutcome puts the very detail on the connector's default bus, as the hub account.
  const toldExecutions = new Set(
    registrars
      .filter(({ bus, event }) => bus.name === 'default' && event.account === stack.world.hub.accountId)
      .map(({ event }) => (event.detail as { executionArn?: string }).executionArn),
  );
  return {
    results,
    published,
    told: published.filter(({ event }) =>
      toldExecutions.has((event.detail as { executionArn?: string }).executionArn),
    ).length,
    alerts: stack.events
      .alerts()
      .filter((alert) => alert.eventId !== undefined && publishedIds.has(alert.eventId)).length,
    ok: results.every((result) => result.matches),
  };
}

function triggerEventId(input: string): string | undefined {
  try {
    return (JSON.parse(input) as { trigger?: { eventId?: string } }).trigger?.eventId;
  } catch {
    return undefined;
  }
}
