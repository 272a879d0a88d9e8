import { REGISTRAR_SOURCE } from '../../../functions/shared/event-types.js';
import type { ExecutionRecord, PublishedEvent, Stack } from '../../../local/index.js';

/** ConnectorRegistered's detail: every field docs/design.md, 2.4 Published events, names. */
export const REGISTERED_FIELDS = [
  'accountId',
  'action',
  'codeSha256',
  'connectorArn',
  'connectorLabel',
  'executionArn',
  'lambdaArn',
  'region',
] as const;

/** ConnectorRegistrationFailed's detail: every field of docs/design.md 2.4 (connectorLabel may be null). */
export const FAILED_FIELDS = [
  'accountId',
  'cause',
  'connectorLabel',
  'error',
  'executionArn',
  'lambdaArn',
  'region',
] as const;

/** The executions an event started: their input carries the event's id as trigger.eventId. */
export function executionsOf(stack: Stack, eventId: string): ExecutionRecord[] {
  return stack.states.executions().filter((execution) => {
    const input = JSON.parse(execution.input) as { trigger?: { eventId?: string } };
    return input.trigger?.eventId === eventId;
  });
}

/**
 * The one execution of a workflow an event started (a TagResource signal starts one of each);
 * throws when it started none or several.
 */
export function executionOf(
  stack: Stack,
  eventId: string,
  workflow: 'registration' | 'unregistration' = 'registration',
): ExecutionRecord {
  const machines = new Set(
    stack.landingZone.hubs.map((hub) =>
      workflow === 'registration' ? hub.stateMachine.arn : hub.unregisterStateMachine?.arn,
    ),
  );
  const found = executionsOf(stack, eventId).filter((execution) => machines.has(execution.stateMachineArn));
  if (found.length !== 1) {
    throw new Error(`Event ${eventId} started ${found.length} ${workflow} executions; expected exactly one.`);
  }
  return found[0] as ExecutionRecord;
}

/**
 * The events the workflow published (on any bus), oldest first: those with the registrar's source
 * that a state machine's role put, not a person imitating them.
 */
export function registrarEvents(stack: Stack): PublishedEvent[] {
  const sessions = stack.landingZone.hubs
    .flatMap(({ stateMachine, unregisterStateMachine }) => [stateMachine, unregisterStateMachine])
    .flatMap((machine) => (machine ? [machine.roleArn] : []))
    .map((roleArn) => `:assumed-role/${roleArn.slice(roleArn.lastIndexOf('/') + 1)}/`);
  return stack.events
    .publishedEvents()
    .filter(
      ({ event, putBy }) =>
        event.source === REGISTRAR_SOURCE && sessions.some((session) => putBy.includes(session)),
    );
}

/** The events one execution published. */
export function registrarEventsOf(stack: Stack, executionArn: string): PublishedEvent[] {
  return registrarEvents(stack).filter(
    ({ event }) => (event.detail as { executionArn?: unknown }).executionArn === executionArn,
  );
}

/** An alert as the SNS topic received it: the topic, and the message the alert gate wrote. */
export interface Alert {
  topicArn: string;
  /** Who published it: the alert gate's role session. */
  publishedBy: string;
  message: Record<string, unknown>;
}

/** The alerts the alert topic received, their messages parsed. */
export function alerts(stack: Stack): Alert[] {
  return stack.events.alerts().map((alert) => ({
    topicArn: alert.topicArn,
    publishedBy: alert.publishedBy,
    message: JSON.parse(alert.message) as Record<string, unknown>,
  }));
}

/** The alerts about one execution. */
export function alertsOf(stack: Stack, executionArn: string): Alert[] {
  return alerts(stack).filter((alert) => alert.message.executionArn === executionArn);
}

/** The execution's output document (the workflow input plus what each task added). */
export function outputOf(execution: ExecutionRecord): {
  function?: Record<string, unknown>;
  registration?: Record<string, unknown>;
  removal?: Record<string, unknown>;
  unregistrations?: Record<string, unknown>[];
} {
  return execution.output === undefined ? {} : JSON.parse(execution.output);
}

/** One attempt of a Task state as the history records it: the error it failed with, if it failed. */
export interface TaskAttempt {
  state: string;
  error?: string;
}

/**
 * The attempts of each Lambda Task state, read from the execution history as Step Functions writes it:
 * every LambdaFunctionScheduled opens an attempt, LambdaFunctionFailed closes it with its error.
 */
export function lambdaAttempts(execution: ExecutionRecord, state: string): TaskAttempt[] {
  const attempts: TaskAttempt[] = [];
  let current = '';
  for (const event of execution.history) {
    const entered = event.stateEnteredEventDetails as { name?: string } | undefined;
    if (event.type.endsWith('StateEntered') && entered?.name) current = entered.name;
    if (current !== state) continue;
    if (event.type === 'LambdaFunctionScheduled') attempts.push({ state });
    const failed = event.lambdaFunctionFailedEventDetails as { error?: string } | undefined;
    const last = attempts.at(-1);
    if (event.type === 'LambdaFunctionFailed' && last) last.error = failed?.error ?? 'unknown';
  }
  return attempts;
}

/** The names of the states the execution entered, in order. */
export function statesEntered(execution: ExecutionRecord): string[] {
  return execution.history
    .filter((event) => event.type.endsWith('StateEntered'))
    .map((event) => (event.stateEnteredEventDetails as { name: string }).name);
}
