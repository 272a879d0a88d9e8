import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { expect } from 'vitest';
import { REGISTRAR_SOURCE } from '../../../functions/shared/event-types.js';
import type { ExecutionRecord, PublishedEvent, RegistrationEvent, Stack } from '../../../local/index.js';
import { describeCustomConnector } from './appflow.js';
import type { StackClients } from './clients.js';
import { deliverOne, type Origin, origin, type Put } from './events.js';
import {
  alertsOf,
  executionOf,
  FAILED_FIELDS,
  REGISTERED_FIELDS,
  registrarEventsOf,
  statesEntered,
} from './outcomes.js';
import { productSample } from './paths.js';

/** Where AppFlow's change log stood before a step, to read what the step (and nothing else) changed. */
export function appflowMark(stack: Stack): number {
  return stack.appflow.registrations.length;
}

/** The changes AppFlow applied since the mark. */
export function registrationsSince(stack: Stack, mark: number): RegistrationEvent[] {
  return stack.appflow.registrations.slice(mark);
}

/**
 * Calls that can change AppFlow's state (RegisterConnector, UpdateConnectorRegistration), answered or
 * refused, across accounts: what the workflow sends, and what a test reading AppFlow never does.
 */
export function appflowWrites(stack: Stack): number {
  return appflowCalls(stack, 'RegisterConnector') + appflowCalls(stack, 'UpdateConnectorRegistration');
}

/** Calls AppFlow answered for an operation (successes and failures), across accounts. */
export function appflowCalls(stack: Stack, operation: string): number {
  return stack.appflow.stats.byOperation[operation]?.calls ?? 0;
}

export interface ExpectedRegistration {
  connectorLabel: string;
  action: 'registered' | 'updated' | 'unchanged';
  /** The function's account and Region; default: the event's. */
  accountId?: string;
  region?: string;
  functionName: string;
}

/**
 * Checks that an event ended in a registration: one execution, SUCCEEDED through
 * PublishConnectorRegistered; one ConnectorRegistered event on the hub bus carrying every field of
 * docs/design.md 2.4 with the right values (codeSha256 as Lambda's GetFunction reports it); no
 * alert; and AppFlow, asked through its API in the function's account, holds the label for that
 * function. Returns the execution.
 */
export async function expectRegistration(
  stack: Stack,
  clients: StackClients,
  origin: Origin,
  expected: ExpectedRegistration,
): Promise<ExecutionRecord> {
  const accountId = expected.accountId ?? origin.account;
  const region = expected.region ?? origin.region;
  const lambdaArn = `arn:aws:lambda:${region}:${accountId}:function:${expected.functionName}`;
  const connectorArn = `arn:aws:appflow:${region}:${accountId}:connector/${expected.connectorLabel}`;
  const hub = stack.hubIn(origin.region);

  const execution = executionOf(stack, origin.eventId);
  expect(execution.stateMachineArn).toBe(hub.stateMachine.arn);
  expect({ status: execution.status, error: execution.error }).toEqual({
    status: 'SUCCEEDED',
    error: undefined,
  });
  expect(statesEntered(execution)).toEqual([
    'VerifyFunction',
    'OptedIn',
    'RegisterConnector',
    'PublishConnectorRegistered',
    'Registered',
  ]);

  const { CodeSha256 } =
    (await clients.lambda(accountId, region).send(new GetFunctionCommand({ FunctionName: lambdaArn })))
      .Configuration ?? {};
  const event = expectOnlyRegistrarEvent(stack, execution, hub.eventBus.arn, 'ConnectorRegistered');
  expect(event.detail).toEqual({
    connectorArn,
    connectorLabel: expected.connectorLabel,
    lambdaArn,
    accountId,
    region,
    action: expected.action,
    codeSha256: CodeSha256,
    executionArn: execution.executionArn,
  });
  expectConnectorAccountTold(stack, event, accountId, region);
  expect(alertsOf(stack, execution.executionArn)).toEqual([]);

  const registered = await describeCustomConnector(
    clients.appflow(accountId, region),
    expected.connectorLabel,
  );
  expect(registered).toMatchObject({
    connectorArn,
    connectorLabel: expected.connectorLabel,
    connectorProvisioningType: 'LAMBDA',
    connectorProvisioningConfig: { lambda: { lambdaArn } },
  });
  return execution;
}

/**
 * Delivers the product's forged sample (account 222222222222 names finance-connector of account
 * 333333333333) and checks that it ended in an AccountMismatchError alert before any label was known.
 * Returns the execution.
 */
export async function expectForgedAccountRefused(
  stack: Stack,
  clients: StackClients,
): Promise<ExecutionRecord> {
  const put = await deliverOne(
    stack,
    clients,
    productSample('pipeline-connector-deployed.forged-account.failed.json'),
  );

  return expectFailure(stack, origin(put), {
    error: 'AccountMismatchError',
    failedIn: 'VerifyFunction',
    connectorLabel: null,
    lambdaArn: null,
    causeNames: 'arn:aws:lambda:eu-west-1:333333333333:function:finance-connector',
  });
}

/**
 * Checks that each put ended in a registration (expectRegistration) of the label its sample expects,
 * for the function of that name, registered afresh.
 */
export async function expectEachRegistered(stack: Stack, clients: StackClients, puts: Put[]): Promise<void> {
  for (const put of puts) {
    const label = put.sample.expect.connectorLabel as string;
    await expectRegistration(stack, clients, origin(put), {
      connectorLabel: label,
      functionName: label,
      action: 'registered',
    });
  }
}

export interface ExpectedFailure {
  error: string;
  /** The state whose task failed. */
  failedIn: 'VerifyFunction' | 'RegisterConnector';
  /** The label the failure event carries: null when verification failed. */
  connectorLabel: string | null;
  /**
   * The function the failure event names: only one VerifyFunction validated, so null when
   * verification failed (the event never publishes the signal's own words as a function ARN).
   */
  lambdaArn: string | null;
  /** What the cause must name (escaped as the handler writes it) when the event names no function. */
  causeNames?: string;
  /**
   * Whether the connector's account hears the failure on its default bus (default true); false for
   * a spoke whose bus admits another hub's outcome role only.
   */
  connectorAccountTold?: boolean;
}

/**
 * Checks that an event ended in an alerted failure: one execution FAILED with the error (its cause
 * Lambda's error payload for that error); one ConnectorRegistrationFailed event on the hub bus with
 * every field of docs/design.md 2.4; one alert on the hub's SNS alert topic about it. Returns the
 * execution.
 */
export function expectFailure(stack: Stack, origin: Origin, expected: ExpectedFailure): ExecutionRecord {
  const hub = stack.hubIn(origin.region);
  const execution = executionOf(stack, origin.eventId);
  expect({ status: execution.status, error: execution.error }).toEqual({
    status: 'FAILED',
    error: expected.error,
  });
  const cause = JSON.parse(execution.cause ?? '{}') as { errorType?: string; errorMessage?: string };
  expect(cause.errorType).toBe(expected.error);
  expect(cause.errorMessage?.length).toBeGreaterThan(20);
  if (expected.causeNames !== undefined) expect(cause.errorMessage).toContain(expected.causeNames);
  const entered = statesEntered(execution);
  expect(entered[0]).toBe('VerifyFunction');
  expect(entered.slice(-2)).toEqual(['PublishRegistrationFailed', 'RegistrationFailed']);
  expect(entered.includes('RegisterConnector')).toBe(expected.failedIn === 'RegisterConnector');

  const event = expectOnlyRegistrarEvent(stack, execution, hub.eventBus.arn, 'ConnectorRegistrationFailed');
  expect(event.detail).toEqual({
    error: expected.error,
    cause: execution.cause,
    connectorLabel: expected.connectorLabel,
    lambdaArn: expected.lambdaArn,
    accountId: origin.account,
    region: origin.region,
    executionArn: execution.executionArn,
  });
  expectConnectorAccountTold(stack, event, origin.account, origin.region, expected.connectorAccountTold);

  const sent = alertsOf(stack, execution.executionArn);
  expect(sent).toHaveLength(1);
  expect(hub.stack.topics.map((topic) => topic.arn)).toContain(sent[0]?.topicArn);
  expect(sent[0]?.message).toMatchObject({
    error: expected.error,
    lambdaArn: expected.lambdaArn,
    accountId: origin.account,
    region: origin.region,
  });
  return execution;
}

/**
 * Checks that the default bus of the connector's own account and Region received the outcome the hub
 * bus did, once: same detail-type and detail, put by the hub (the event's account), so that account's
 * rules can route it; or nothing, when `heard` is false.
 */
export function expectConnectorAccountTold(
  stack: Stack,
  hubEvent: PublishedEvent['event'],
  accountId: string,
  region: string,
  heard = true,
): void {
  const executionArn = (hubEvent.detail as { executionArn: string }).executionArn;
  const told = stack.events
    .publishedEvents({ accountId, region, busName: 'default' })
    .filter(
      ({ event }) =>
        event.source === REGISTRAR_SOURCE &&
        (event.detail as { executionArn?: string }).executionArn === executionArn,
    );
  expect(told.map(({ event }) => [event['detail-type'], event.account, event.detail])).toEqual(
    heard ? [[hubEvent['detail-type'], stack.world.hub.accountId, hubEvent.detail]] : [],
  );
}

/** Every field docs/design.md (2.4 Published events) names for each event the workflow publishes. */
const PUBLISHED_FIELDS = {
  ConnectorRegistered: REGISTERED_FIELDS,
  ConnectorRegistrationFailed: FAILED_FIELDS,
} as const;

/**
 * Checks that an execution published exactly one event: on the hub bus, with the registrar's source,
 * the detail-type and every field docs/design.md 2.4 names for it. Returns the event.
 */
function expectOnlyRegistrarEvent(
  stack: Stack,
  execution: ExecutionRecord,
  hubBusArn: string,
  detailType: keyof typeof PUBLISHED_FIELDS,
): PublishedEvent['event'] {
  const published = registrarEventsOf(stack, execution.executionArn);
  expect(published).toHaveLength(1);
  const [{ bus, event }] = published as [(typeof published)[number]];
  expect({ bus: bus.arn, source: event.source, detailType: event['detail-type'] }).toEqual({
    bus: hubBusArn,
    source: REGISTRAR_SOURCE,
    detailType,
  });
  expect(Object.keys(event.detail as object).sort()).toEqual([...PUBLISHED_FIELDS[detailType]]);
  return event;
}
