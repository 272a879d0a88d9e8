import { DeleteFunctionCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-lambda';
import { expect, vi } from 'vitest';
import { DetailType } from '../../functions/shared/event-types.js';
import type { ExecutionRecord, PublishedEvent, Stack } from '../../local/index.js';
import type { StackClients } from './support/clients.js';
import { expectConnectorAccountTold } from './support/expectations.js';
import { executionOf, registrarEventsOf } from './support/outcomes.js';

export const REGION = 'eu-west-1';

/** The function ARN of a name in an account of the lifecycle world. */
export const functionArn = (accountId: string, name: string) =>
  `arn:aws:lambda:${REGION}:${accountId}:function:${name}`;

/**
 * Waits for the CloudTrail event of a Lambda call on the default bus of the function's account,
 * where CloudTrail's stand-in puts it once the call has answered, then for every execution it started.
 */
export async function cloudTrailEventOf(
  stack: Stack,
  accountId: string,
  eventNamePrefix: string,
  names: (requestParameters: Record<string, unknown>) => boolean,
): Promise<PublishedEvent> {
  const find = () =>
    stack.events.publishedEvents({ accountId, region: REGION, busName: 'default' }).find(({ event }) => {
      const detail = event.detail as { eventName?: string; requestParameters?: Record<string, unknown> };
      return detail.eventName?.startsWith(eventNamePrefix) === true && names(detail.requestParameters ?? {});
    });
  const published = await vi.waitFor(
    () => find() ?? Promise.reject(new Error(`no ${eventNamePrefix} event yet`)),
  );
  await stack.idle();
  return published;
}

/** Tags a function with a connector label through the Lambda API; the registrar registers it. */
export async function tagWithLabel(
  stack: Stack,
  clients: StackClients,
  accountId: string,
  name: string,
  label: string,
): Promise<PublishedEvent> {
  const arn = functionArn(accountId, name);
  await clients
    .lambda(accountId, REGION)
    .send(new TagResourceCommand({ Resource: arn, Tags: { 'appflow:connector-label': label } }));
  return cloudTrailEventOf(
    stack,
    accountId,
    'TagResource',
    (request) => request.resource === arn && JSON.stringify(request.tags).includes(label),
  );
}

/** Removes a function's connector label through the Lambda API. */
export async function untagLabel(
  stack: Stack,
  clients: StackClients,
  accountId: string,
  name: string,
): Promise<PublishedEvent> {
  const arn = functionArn(accountId, name);
  await clients
    .lambda(accountId, REGION)
    .send(new UntagResourceCommand({ Resource: arn, TagKeys: ['appflow:connector-label'] }));
  return cloudTrailEventOf(stack, accountId, 'UntagResource', (request) => request.resource === arn);
}

/** Deletes a function through the Lambda API, by name as the console does. */
export async function deleteFunction(
  stack: Stack,
  clients: StackClients,
  accountId: string,
  name: string,
): Promise<PublishedEvent> {
  await clients.lambda(accountId, REGION).send(new DeleteFunctionCommand({ FunctionName: name }));
  return cloudTrailEventOf(stack, accountId, 'DeleteFunction', (request) => request.functionName === name);
}

/**
 * Checks that a signal ended in the unregistration of `labels`, in order: one unregistration
 * execution, SUCCEEDED through UnregisterConnector and PublishConnectorUnregistered for each; one
 * ConnectorUnregistered per label on the hub bus with the documented fields and the reason.
 */
export function expectUnregistered(
  stack: Stack,
  signal: PublishedEvent,
  expected: { accountId: string; functionName: string; labels: string[]; reason: string },
): ExecutionRecord {
  const execution = executionOf(stack, signal.event.id, 'unregistration');
  expect({ status: execution.status, error: execution.error }).toEqual({
    status: 'SUCCEEDED',
    error: undefined,
  });
  const events = registrarEventsOf(stack, execution.executionArn);
  expect(events.map(({ event }) => event['detail-type'])).toEqual(
    expected.labels.map(() => DetailType.ConnectorUnregistered),
  );
  expect(events.map(({ event }) => event.detail)).toEqual(
    expected.labels.map((label) => ({
      connectorArn: `arn:aws:appflow:${REGION}:${expected.accountId}:connector/${label}`,
      connectorLabel: label,
      lambdaArn: functionArn(expected.accountId, expected.functionName),
      accountId: expected.accountId,
      region: REGION,
      reason: expected.reason,
      executionArn: execution.executionArn,
    })),
  );
  // The outcome recorder told the connector's own account, each unregistration as published.
  for (const { event } of events) expectConnectorAccountTold(stack, event, expected.accountId, REGION);
  return execution;
}

/** Checks that a signal's unregistration execution ended Skipped, having unregistered nothing. */
export function expectSkipped(stack: Stack, eventId: string): ExecutionRecord {
  const execution = executionOf(stack, eventId, 'unregistration');
  expect(execution.status).toBe('SUCCEEDED');
  expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ removal: { unregister: false } });
  expect(registrarEventsOf(stack, execution.executionArn)).toEqual([]);
  return execution;
}

/** UnregisterConnector calls AppFlow answered or refused, in every account. */
export function unregisterCalls(stack: Stack): number {
  return stack.appflow.stats.byOperation.UnregisterConnector?.calls ?? 0;
}
