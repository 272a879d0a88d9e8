import {
  DescribeEventBusCommand,
  DescribeRuleCommand,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { defaultLandingZone } from '../support/hub.js';
import { HUB, readFixture, useHubEvents } from './harness.js';

const patterns = readFixture<{
  pattern: unknown;
  matching: unknown;
  other: unknown;
  withoutTime: unknown;
}>('test-event-pattern.json');

describe('EventsService', () => {
  const harness = useHubEvents();

  describe('TestEventPattern', () => {
    const test = (pattern: unknown, event: unknown) =>
      harness.client(HUB).send(
        new TestEventPatternCommand({
          EventPattern: JSON.stringify(pattern),
          Event: JSON.stringify(event),
        }),
      );

    it('answers whether the event matches', async () => {
      expect((await test(patterns.pattern, patterns.matching)).Result).toBe(true);
      expect((await test(patterns.pattern, patterns.other)).Result).toBe(false);
    });

    it('answers InvalidEventPatternException for an invalid pattern', async () => {
      await expect(test({ source: [] }, patterns.matching)).rejects.toMatchObject({
        name: 'InvalidEventPatternException',
        message: expect.stringContaining('Event pattern is not valid'),
      });
    });

    it('answers ValidationException for an event without its mandatory fields', async () => {
      await expect(test(patterns.pattern, patterns.withoutTime)).rejects.toMatchObject({
        name: 'ValidationException',
        message: 'Parameter Event is not valid.',
      });
    });
  });

  describe('describing buses and rules', () => {
    it('describes the hub bus with its organization policy', async () => {
      const bus = await harness
        .client(HUB)
        .send(new DescribeEventBusCommand({ Name: harness.hub.eventBus.name }));
      expect(bus.Arn).toBe(harness.hub.eventBus.arn);
      const { world } = await defaultLandingZone();
      expect(JSON.parse(bus.Policy ?? '{}').Statement[0].Condition).toMatchObject({
        StringEquals: { 'aws:PrincipalOrgID': world.organizationId },
        StringNotEquals: { 'events:source': 'appflow.connector-registrar' },
      });
    });

    it('lists the default bus and the hub bus of the account', async () => {
      const buses = await harness.client(HUB).send(new ListEventBusesCommand({}));
      expect(buses.EventBuses?.map((bus) => bus.Name)).toEqual(['default', harness.hub.eventBus.name]);
    });

    it('lists the rules of a bus, a page at a time', async () => {
      const onHub = harness.hub.stack.rules.filter((rule) => rule.eventBusName === harness.hub.eventBus.name);
      const first = await harness
        .client(HUB)
        .send(new ListRulesCommand({ EventBusName: harness.hub.eventBus.name, Limit: 2 }));
      expect(first.Rules).toHaveLength(2);
      const rest = await harness
        .client(HUB)
        .send(new ListRulesCommand({ EventBusName: harness.hub.eventBus.name, NextToken: first.NextToken }));
      expect([...(first.Rules ?? []), ...(rest.Rules ?? [])].map((rule) => rule.Name)).toEqual(
        onHub.map((rule) => rule.name),
      );
      expect(rest.NextToken).toBeUndefined();
    });

    it('describes a rule and lists its targets', async () => {
      const rule = harness.hub.stack.rules.find(
        (candidate) =>
          candidate.eventBusName === 'default' && candidate.targets[0]?.arn === harness.hub.stateMachine.arn,
      );
      const described = await harness.client(HUB).send(new DescribeRuleCommand({ Name: rule?.name }));
      expect(described).toMatchObject({ Arn: rule?.arn, State: 'ENABLED', EventBusName: 'default' });
      expect(JSON.parse(described.EventPattern ?? '{}')).toEqual(rule?.eventPattern);
      const targets = await harness.client(HUB).send(new ListTargetsByRuleCommand({ Rule: rule?.name }));
      expect(targets.Targets?.[0]).toMatchObject({
        Arn: harness.hub.stateMachine.arn,
        RetryPolicy: { MaximumRetryAttempts: 60 },
      });
    });

    it('answers ResourceNotFoundException for a rule the bus does not have', async () => {
      await expect(
        harness.client(HUB).send(new DescribeRuleCommand({ Name: 'missing-rule' })),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: 'Rule missing-rule does not exist on EventBus default.',
      });
    });
  });
});
