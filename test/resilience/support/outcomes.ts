import {
  FATAL_ERROR_NAMES,
  LAMBDA_SERVICE_ERRORS,
  RETRYABLE_ERROR_NAMES,
} from '../../../functions/shared/errors.js';
import {
  type EventOutcome,
  type ExecutionRecord,
  outcomeOf,
  type PublishedEvent,
  type Stack,
  type UndeliveredEvent,
} from '../../../local/index.js';
import type { Delivery, SignalBus } from './bus.js';
import type { Signal } from './signals.js';

/** The source the workflow publishes its own events under. */

import { REGISTRAR_SOURCE } from '../../../functions/shared/event-types.js';

/**
 * The terminal outcome of one signal. `refused`: PutEvents refused the entry; `dead-lettered`: a rule
 * matched but EventBridge could not start the workflow (DeploySignalDeadLetterQueue); `none`: no
 * deploy rule matched; otherwise what the executions it started ended in (local/cli/outcomes.ts).
 */
export interface SignalOutcome extends Omit<EventOutcome, 'outcome' | 'executions'> {
  outcome: EventOutcome['outcome'] | 'dead-lettered';
  delivery: Delivery;
  executions: ExecutionRecord[];
  deadLetters: UndeliveredEvent[];
  /** Rules whose pattern matched the event on the bus it was put on. */
  matchedRules: string[];
}

/** The trigger.eventId of an execution's input: the event that started it. */
export function triggerEventId(execution: ExecutionRecord): string | undefined {
  try {
    return (JSON.parse(execution.input) as { trigger?: { eventId?: unknown } }).trigger?.eventId as string;
  } catch {
    return undefined;
  }
}

/**
 * Reads what became of each delivered signal, once the stack is idle: its executions (by the
 * trigger.eventId the rules copy from the envelope), dead letters and matched rules.
 */
export function outcomesOf(stack: Stack, deliveries: readonly Delivery[]): SignalOutcome[] {
  const byEvent = new Map<string, ExecutionRecord[]>();
  for (const execution of stack.states.executions()) {
    const id = triggerEventId(execution);
    if (id === undefined) continue;
    byEvent.set(id, [...(byEvent.get(id) ?? []), execution]);
  }
  const published = new Map<string, PublishedEvent>();
  for (const event of stack.events.publishedEvents()) published.set(event.event.id, event);

  return deliveries.map((delivery): SignalOutcome => {
    const empty = {
      delivery,
      executions: [],
      deadLetters: [],
      matchedRules: [],
      attempts: 0,
      unregistered: [],
    };
    if (delivery.refusedWith !== undefined || delivery.eventId === undefined) {
      return { ...empty, outcome: 'refused', error: delivery.refusedWith ?? 'NoEventId' };
    }
    const eventId = delivery.eventId;
    const executions = byEvent.get(eventId) ?? [];
    const deadLetters = stack.events
      .deadLetters()
      .filter(
        (letter): letter is UndeliveredEvent =>
          letter.kind === 'undelivered-event' && letter.event.id === eventId,
      );
    const matchedRules = published.get(eventId)?.matchedRules ?? [];
    if (executions.length === 0 && deadLetters.length > 0) {
      return {
        ...empty,
        deadLetters,
        matchedRules,
        outcome: 'dead-lettered',
        error: deadLetters[0]?.errorCode ?? 'unknown',
      };
    }
    const { executions: _executions, ...outcome } = outcomeOf(executions);
    return { ...outcome, delivery, executions, deadLetters, matchedRules };
  });
}

/** Puts the signals paced (SignalBus.putPaced), waits until the stack is idle and reads their outcomes. */
export async function deliverPaced(
  stack: Stack,
  bus: SignalBus,
  signals: readonly (Signal | readonly Signal[])[],
  maxInFlight: number,
): Promise<SignalOutcome[]> {
  const deliveries = await bus.putPaced(signals, maxInFlight);
  await stack.idle();
  return outcomesOf(stack, deliveries);
}

/**
 * The workflow's own events of one detail-type on the hub buses, with their detail (RecordOutcome
 * puts a copy of each on the connector account's default bus: not another announcement).
 */
export function registrarEvents(
  stack: Stack,
  detailType: 'ConnectorRegistered' | 'ConnectorRegistrationFailed' | 'ConnectorUnregistrationFailed',
): { eventId: string; detail: Record<string, unknown> }[] {
  const hubBuses = new Set(stack.landingZone.hubs.map((hub) => hub.eventBus.arn));
  return stack.events
    .publishedEvents()
    .filter(
      (event) =>
        hubBuses.has(event.bus.arn) &&
        event.event.source === REGISTRAR_SOURCE &&
        event.event['detail-type'] === detailType,
    )
    .map((event) => ({ eventId: event.event.id, detail: event.event.detail as Record<string, unknown> }));
}

/** The alert topic's messages (the alert rule's transformed failure events), parsed. */
export function alertMessages(stack: Stack): Record<string, unknown>[] {
  return stack.events.alerts().map((alert) => JSON.parse(alert.message) as Record<string, unknown>);
}

/**
 * The connectors AppFlow created, by account/Region/label: every RegisterConnector that applied a
 * registration (a replayed clientToken applies nothing and is not recorded).
 */
export function connectorCreations(stack: Stack): Map<string, number> {
  const creations = new Map<string, number>();
  for (const change of stack.appflow.registrations) {
    if (change.operation !== 'RegisterConnector') continue;
    const key = `${change.accountId}/${change.region}/${change.label}`;
    creations.set(key, (creations.get(key) ?? 0) + 1);
  }
  return creations;
}

/**
 * The errors of a Task state's failed attempts in one execution, in order (LambdaFunctionFailed and
 * TaskFailed events while that state was current): retried ones included.
 */
export function taskErrors(execution: ExecutionRecord, stateName: string): string[] {
  let current = '';
  const errors: string[] = [];
  for (const event of execution.history) {
    const entered = event.stateEnteredEventDetails as { name?: string } | undefined;
    if (event.type.endsWith('StateEntered') && entered?.name) current = entered.name;
    if (current !== stateName) continue;
    const failed = (event.lambdaFunctionFailedEventDetails ?? event.taskFailedEventDetails) as
      | { error?: string }
      | undefined;
    if (failed?.error) errors.push(failed.error);
  }
  return errors;
}

/** The input the rule handed the workflow, parsed. */
export function inputOf(execution: ExecutionRecord): Record<string, unknown> {
  return JSON.parse(execution.input) as Record<string, unknown>;
}

/**
 * The error names a failed execution may end in: the ones functions/shared/errors.ts declares (the
 * contract with the ASL), and the Lambda service errors it lists that Step Functions raises itself.
 * Anything else (States.Runtime, Lambda.Unknown, Runtime.ExitError, a plain Error) is untyped: the
 * workflow ended on something it does not name.
 */
export const TYPED_ERROR_NAMES: ReadonlySet<string> = new Set([
  ...FATAL_ERROR_NAMES,
  ...RETRYABLE_ERROR_NAMES,
  ...LAMBDA_SERVICE_ERRORS,
]);
