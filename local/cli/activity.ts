import { REGISTRAR_SOURCE } from '../../functions/shared/event-types.js';
import type { ExecutionRecord } from '../services/states.js';
import type { Stack } from '../stack.js';
import { outcomeOf } from './outcomes.js';
import { describePublished } from './report.js';

/** One line `registrar serve` prints about what the stack did. */
export type ActivityLine =
  | {
      kind: 'execution';
      /** registration, unregistration (a TagResource signal starts both) or sweep. */
      workflow: string;
      account: string;
      region: string;
      /** The label the workflow registered, else the function the signal named. */
      connector: string;
      outcome: string;
      action?: string;
      error?: string;
      executionArn: string;
    }
  | { kind: 'event'; busArn: string; detailType: string; text: string };

/**
 * Watches a running stack and reports each execution as it ends (again after a redrive) and each
 * event the registrar publishes (on the hub bus, and on the connector's own default bus), so a person
 * who puts an event or tags a function sees what it started. Returns a function that stops watching.
 *
 * @example const stop = watchActivity(stack, (line) => console.log(formatActivity(line)))
 */
export function watchActivity(
  stack: Stack,
  report: (line: ActivityLine) => void,
  options: { intervalMs?: number } = {},
): () => void {
  const ended = new Set<string>();
  const seenEvents = new Set<string>();
  const look = () => {
    for (const execution of [...stack.states.executions()].reverse()) {
      if (execution.status === 'RUNNING') continue;
      const key = `${execution.executionArn}#${execution.redriveCount}`;
      if (ended.has(key)) continue;
      ended.add(key);
      report(executionLine(execution));
    }
    for (const { bus, event } of stack.events.publishedEvents()) {
      if (event.source !== REGISTRAR_SOURCE || seenEvents.has(event.id)) continue;
      seenEvents.add(event.id);
      report({
        kind: 'event',
        busArn: bus.arn,
        detailType: event['detail-type'],
        text: describePublished(event),
      });
    }
  };
  const timer = setInterval(look, options.intervalMs ?? 200);
  timer.unref();
  return () => {
    clearInterval(timer);
    look();
  };
}

function executionLine(execution: ExecutionRecord): ActivityLine {
  const input = parse(execution.input);
  const workflow = workflowOf(execution.stateMachineArn);
  if (workflow === 'sweep') return sweepLine(execution, input);
  const outcome = outcomeOf([execution]);
  const signal = typeof input.functionArn === 'string' ? input.functionArn.split(':').pop() : undefined;
  return {
    kind: 'execution',
    workflow,
    account: String(input.accountId ?? '?'),
    region: String(input.region ?? '?'),
    connector: outcome.connectorLabel ?? signal ?? '-',
    outcome: outcome.outcome,
    ...(outcome.action ? { action: outcome.action } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
    executionArn: execution.executionArn,
  };
}

/**
 * A sweep names no connector and reports its classes in ConnectorSweepCompleted, which has a line of
 * its own: the execution's line says only how it ended.
 */
function sweepLine(execution: ExecutionRecord, input: Record<string, unknown>): ActivityLine {
  return {
    kind: 'execution',
    workflow: 'sweep',
    account: String(input.accountId ?? '?'),
    region: String(input.region ?? '?'),
    connector: '-',
    outcome: execution.status === 'SUCCEEDED' ? 'swept' : 'failed',
    ...(execution.status !== 'SUCCEEDED' ? { error: execution.error ?? execution.status } : {}),
    executionArn: execution.executionArn,
  };
}

/** The terminal form of a line. */
export function formatActivity(line: ActivityLine): string {
  if (line.kind === 'event') return `event      ${line.text}  (on ${line.busArn})`;
  const parts = [line.workflow, `${line.account}/${line.region}`, line.connector, line.outcome];
  if (line.action && line.action !== line.outcome) parts.push(line.action);
  if (line.error) parts.push(line.error);
  return `execution  ${parts.join('  ')}  ${line.executionArn}`;
}

/** The workflow a state machine runs, by the ASL its name ends with. */
function workflowOf(stateMachineArn: string): string {
  const name = stateMachineArn.slice(stateMachineArn.lastIndexOf(':') + 1);
  if (name.endsWith('-unregister-connector')) return 'unregistration';
  if (name.endsWith('-register-connector')) return 'registration';
  if (name.endsWith('-sweep-connectors')) return 'sweep';
  return name;
}

function parse(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}
