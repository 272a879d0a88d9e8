import { readdirSync, readFileSync } from 'node:fs';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OUTCOME_DETAIL_TYPES, REGISTRAR_SOURCE } from '../../../functions/shared/event-types.js';
import type { DeployedStack } from '../../../local/deploy/deploy.js';
import type { HubDeployment } from '../../../local/deploy/landing-zone.js';
import { loadSample, toPutEventsEntry } from '../../../local/events/sample.js';
import {
  type EventsHarness,
  fixtureDeployment,
  HUB,
  hubDeployments,
  ROOT,
  readFixture,
  serviceError,
  startEvents,
} from './harness.js';

interface RuleFile {
  name: string;
  /** The workflows a signal starts: one execution each. */
  workflows?: string[];
  eventPattern: Record<string, unknown>;
}

const ruleFiles = readdirSync(`${ROOT}events/rules`)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(`${ROOT}events/rules/${file}`, 'utf8')) as RuleFile);
const sampleFiles = readdirSync(`${ROOT}events/samples`).filter((file) => file.endsWith('.json'));

describe('EventsService rules', () => {
  describe('the hub’s rules from serverless.yml', () => {
    let harness: EventsHarness;
    let deployments: HubDeployment[];

    beforeAll(async () => {
      deployments = await hubDeployments();
      harness = await startEvents(deployments.map((hub) => hub.stack));
    });

    afterEach(() => harness.events.idle());
    afterAll(() => harness.close());

    /**
     * The events/rules file a deployed rule was generated from (same pattern; the alert rule's is
     * narrowed to the hub account on deploy).
     */
    const fileOf = (ruleName: string) => {
      const rule = deployments.flatMap((d) => d.stack.rules).find((candidate) => candidate.name === ruleName);
      const { account: _hubOnly, ...pattern } = rule?.eventPattern ?? {};
      return ruleFiles.find((file) => JSON.stringify(file.eventPattern) === JSON.stringify(pattern))?.name;
    };

    const logicalIdOf = (ruleName: string) =>
      deployments.flatMap((d) => d.stack.rules).find((candidate) => candidate.name === ruleName)?.logicalId;

    it.each(sampleFiles)('routes %s to the rules it expects', async (file) => {
      const sample = await loadSample(`${ROOT}events/samples/${file}`);
      const hub = deployments.find((deployment) => deployment.region === sample.region) as HubDeployment;
      const key = sample.entry.Source.startsWith('aws.')
        ? `LOCALAWSSERVICE${sample.account}`
        : sample.account;
      const calls = harness.starter.calls.length;
      const result = await harness.client(key, sample.region).send(
        new PutEventsCommand({
          Entries: [{ ...toPutEventsEntry(sample), EventBusName: hub.eventBus.arn }],
        }),
      );
      await harness.events.idle();
      if (sample.expect.outcome === 'refused') {
        expect(result.Entries?.[0]?.ErrorCode).toBe('AccessDeniedException');
        return;
      }
      expect(result.FailedEntryCount).toBe(0);
      const kept = harness.events.publishedEvents().find((p) => p.event.id === result.Entries?.[0]?.EventId);
      const matched = kept?.matchedRules ?? [];
      expect(
        matched
          .map(fileOf)
          .filter((name) => name !== undefined)
          .sort(),
      ).toEqual([...sample.expect.rules].sort());
      // The one rule not built from events/rules: the outcome recorder's (resources/outcomes.yml),
      // which takes the registrar's outcome events the hub itself put, and nothing else.
      const outcome =
        sample.entry.Source === REGISTRAR_SOURCE &&
        sample.account === hub.accountId &&
        (OUTCOME_DETAIL_TYPES as readonly string[]).includes(sample.entry.DetailType);
      // And the sweep's (resources/sweep.yml), which takes a spoke's sweep schedule and starts a sweep.
      const sweep = sample.expect.outcome === 'swept';
      expect(matched.filter((name) => fileOf(name) === undefined).map(logicalIdOf)).toEqual([
        ...(outcome ? ['RecordOutcomeRule'] : []),
        ...(sweep ? ['SweepRequestRule'] : []),
      ]);
      const started = sample.expect.rules.reduce(
        (sum, name) => sum + (ruleFiles.find((file) => file.name === name)?.workflows?.length ?? 0),
        sweep ? 1 : 0,
      );
      if (sample.expect.outcome === 'none') expect(started).toBe(0);
      else expect(started).toBeGreaterThan(0);
      expect(harness.starter.calls.length - calls).toBe(started);
    });

    it('starts the workflow with the transformed input, the account and Region taken from the envelope', async () => {
      const sample = await loadSample(
        `${ROOT}events/samples/pipeline-connector-deployed.injected-account.failed.json`,
      );
      const hub = deployments.find((deployment) => deployment.region === sample.region) as HubDeployment;
      const before = harness.starter.calls.length;
      const result = await harness.client(sample.account, sample.region).send(
        new PutEventsCommand({
          Entries: [{ ...toPutEventsEntry(sample), EventBusName: hub.eventBus.arn }],
        }),
      );
      await harness.events.idle();
      expect(harness.starter.calls.length - before).toBe(1);
      const call = harness.starter.calls.at(-1);
      expect(call?.request.stateMachineArn).toBe(hub.stateMachine.arn);
      const input = JSON.parse(call?.request.input ?? '{}');
      expect(input).toMatchObject({
        accountId: sample.account,
        region: sample.region,
        trigger: { kind: 'pipeline', eventId: result.Entries?.[0]?.EventId },
      });
      expect(call?.caller.roleArn).toMatch(/^arn:aws:iam::111111111111:role\//);
    });

    it('hands ConnectorRegistrationFailed, the whole event, to the alert gate', async () => {
      const entry = readFixture<PutEventsRequestEntry>('registration-failed-entry.json');
      const hub = deployments[0] as HubDeployment;
      const gate = hub.stack.functions.find((fn) => fn.logicalId === 'AlertGateLambdaFunction');
      const result = await harness
        .client(HUB)
        .send(new PutEventsCommand({ Entries: [{ ...entry, EventBusName: hub.eventBus.name }] }));
      await harness.events.idle();
      const eventId = result.Entries?.[0]?.EventId;
      const invoked = harness.invocations.filter(
        ({ functionArn, payload }) => functionArn === gate?.arn && JSON.parse(payload).id === eventId,
      );
      expect(invoked).toHaveLength(1);
      const event = JSON.parse(invoked[0]?.payload ?? '{}');
      expect(event.detail.error).toBe('MissingAppFlowPermissionError');
      const rule = hub.stack.rules.find((candidate) => candidate.logicalId === 'AlertWorkflowFailedRule');
      expect(invoked[0]?.sourceArn).toBe(rule?.arn);
    });
  });

  describe('delivery failures', () => {
    let harness: EventsHarness;
    let fixture: DeployedStack;

    beforeAll(async () => {
      fixture = fixtureDeployment();
      harness = await startEvents([fixture], 0.001);
    });

    afterAll(() => harness.close());

    const put = () =>
      harness.client(HUB, fixture.region).send(
        new PutEventsCommand({
          Entries: [
            {
              ...readFixture<PutEventsRequestEntry>('fixture-service-entry.json'),
              EventBusName: fixture.eventBuses[0]?.name,
            },
          ],
        }),
      );

    it('retries a throttled start within the RetryPolicy, then delivers', async () => {
      harness.starter.failures.push(serviceError(400, 'ThrottlingException', 'Rate exceeded'));
      harness.starter.failures.push(serviceError(500, 'InternalFailure', 'try again'));
      const before = harness.starter.calls.length;
      await put();
      await harness.events.idle();
      expect(harness.starter.calls.length - before).toBe(3);
      expect(harness.events.deliveries().at(-1)).toMatchObject({ status: 'delivered', attempts: 3 });
    });

    it('dead-letters after MaximumRetryAttempts retries', async () => {
      for (let i = 0; i < 10; i++)
        harness.starter.failures.push(serviceError(500, 'InternalFailure', 'down'));
      const before = harness.starter.calls.length;
      await put();
      await harness.events.idle();
      // 1 attempt + MaximumRetryAttempts (3) retries.
      expect(harness.starter.calls.length - before).toBe(4);
      expect(harness.events.deadLetters().at(-1)).toMatchObject({
        errorCode: 'InternalFailure',
        exhaustedRetryCondition: 'MaximumRetryAttempts',
        attempts: 4,
        ruleArn: fixture.rules[0]?.arn,
      });
      harness.starter.failures.length = 0;
    });

    it('dead-letters at once an error EventBridge does not retry', async () => {
      harness.starter.failures.push(
        serviceError(400, 'StateMachineDoesNotExist', 'State Machine Does Not Exist'),
      );
      const before = harness.starter.calls.length;
      await put();
      await harness.events.idle();
      expect(harness.starter.calls.length - before).toBe(1);
      expect(harness.events.deadLetters().at(-1)).toMatchObject({
        errorCode: 'StateMachineDoesNotExist',
        attempts: 1,
      });
      expect(harness.events.deadLetters().at(-1)).not.toHaveProperty('exhaustedRetryCondition');
    });

    it('passes a constant Input as the target input', async () => {
      await put();
      await harness.events.idle();
      expect(harness.starter.calls.at(-1)?.request.input).toBe('{"fixed": true}');
    });
  });
});
