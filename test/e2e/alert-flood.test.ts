import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRAR_SOURCE } from '../../functions/shared/event-types.js';
import { type Stack, startStack } from '../../local/index.js';
import { SignalBus } from '../resilience/support/bus.js';
import type { Signal } from '../resilience/support/signals.js';
import { SLOW } from './support/timeouts.js';

// A member account floods the hub with signals naming functions it does not have: every failure is
// still published on the hub bus, and the on-call is paged once for that account, function and error
// (the alert gate, hub parameter alertWindowMinutes at its default hour). Other failures still page.

const MEMBER = '444444444444';
const REGION = 'us-east-1';
const FLOOD = 50;
const HUB = '111111111111';

const bogus = (n: number): Signal => ({
  account: MEMBER,
  region: REGION,
  putBy: 'account',
  entry: {
    Source: 'com.example.connector-pipeline',
    DetailType: 'Connector Lambda Deployed',
    Detail: { functionArn: `arn:aws:lambda:${REGION}:${MEMBER}:function:bogus-${n}` },
  },
});
const hubPipeline = (functionName: string): Signal => ({
  account: HUB,
  region: 'eu-west-1',
  putBy: 'account',
  entry: {
    Source: 'com.example.connector-pipeline',
    DetailType: 'Connector Lambda Deployed',
    Detail: { functionArn: `arn:aws:lambda:eu-west-1:${HUB}:function:${functionName}` },
  },
});

describe('an alert flood', { timeout: SLOW }, () => {
  let stack: Stack;
  let bus: SignalBus;

  const failureEvents = (accountId: string) =>
    stack.events
      .publishedEvents({ accountId: HUB })
      .filter(
        ({ bus, event }) =>
          bus.name !== 'default' &&
          event.source === REGISTRAR_SOURCE &&
          event['detail-type'] === 'ConnectorRegistrationFailed' &&
          (event.detail as { accountId?: string }).accountId === accountId,
      );
  const alertsAbout = (accountId: string) =>
    stack.events
      .alerts()
      .map((alert) => JSON.parse(alert.message) as Record<string, unknown>)
      .filter((alert) => alert.accountId === accountId);

  beforeAll(async () => {
    stack = await startStack({ timeScale: 0.01 });
    bus = new SignalBus(stack);
    const flood = await bus.putPaced(
      Array.from({ length: FLOOD }, (_, n) => bogus(n)),
      8,
    );
    expect(flood.filter((delivery) => delivery.eventId === undefined)).toEqual([]);
    await stack.idle();
  }, SLOW);

  afterAll(async () => {
    bus?.destroy();
    await stack?.stop();
  }, SLOW);

  it('publishes every failure of the flood on the hub bus', () => {
    const published = failureEvents(MEMBER);

    expect(published).toHaveLength(FLOOD);
    expect(new Set(published.map(({ event }) => (event.detail as { error?: string }).error))).toEqual(
      new Set(['FunctionNotFoundError']),
    );
  });

  it('pages once for that account, function and error', () => {
    const alerts = alertsAbout(MEMBER);

    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      event: 'ConnectorRegistrationFailed',
      error: 'FunctionNotFoundError',
      accountId: MEMBER,
      region: REGION,
      folded: 0,
    });
    expect(alerts[0]?.window).toContain('next 60 minutes');
    const published = stack.events.alerts().filter((alert) => JSON.parse(alert.message).accountId === MEMBER);
    expect(published[0]?.publishedBy).toMatch(/:assumed-role\/[^/]*-alert-gate\//);
  });

  it("counts the rest in the window's item, for the next alert to say how many were folded", async () => {
    const dynamodb = new DynamoDBClient(stack.clientConfig(HUB, 'us-east-1'));
    try {
      const { Item } = await dynamodb.send(
        new GetItemCommand({
          TableName: 'appflow-connector-registrar-dev-idempotency',
          Key: { id: { S: `alert#${MEMBER}#${REGION}#(no function)#FunctionNotFoundError` } },
          ConsistentRead: true,
        }),
      );

      expect(Item?.folded?.N).toBe(String(FLOOD - 1));
      expect(Number(Item?.expiration?.N)).toBeGreaterThan(Date.now() / 1000);
    } finally {
      dynamodb.destroy();
    }
  });

  it("still pages for another function's failure, and for the same error in another account", async () => {
    const before = stack.events.alerts().length;

    await bus.putAll([hubPipeline('failing-connector'), hubPipeline('deleted-connector')]);
    await stack.idle();

    const errors = alertsAbout(HUB).map((alert) => alert.error);
    expect(stack.events.alerts().length - before).toBe(2);
    expect(errors.sort()).toEqual(['ConnectorProtocolError', 'FunctionNotFoundError']);
    // The flood's window is untouched: still one alert for the member.
    expect(alertsAbout(MEMBER)).toHaveLength(1);
  });
});
