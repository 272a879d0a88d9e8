import { RegisterConnectorCommand, UnregisterConnectorCommand } from '@aws-sdk/client-appflow';
import { TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local/index.js';
import { describeCustomConnector, registeredLabels } from './support/appflow.js';
import { type StackClients, startStackWithClients, stopStackWithClients } from './support/clients.js';
import { deliver, deliverOne, origin, waitForTagResourceEvent } from './support/events.js';
import {
  appflowCalls,
  appflowMark,
  appflowWrites,
  expectFailure,
  expectForgedAccountRefused,
  expectRegistration,
  registrationsSince,
} from './support/expectations.js';
import { expireIdempotencyRecords } from './support/idempotency.js';
import {
  alerts,
  executionOf,
  lambdaAttempts,
  outputOf,
  registrarEvents,
  registrarEventsOf,
  statesEntered,
} from './support/outcomes.js';
import { fixtureSample, fixtureWorld, productSample } from './support/paths.js';
import { SLOW } from './support/timeouts.js';

// The hub account and Region of the world these tests run in (test/e2e/fixtures/worlds/workflow.json:
// the default world, the hub in eu-west-1 only, plus one connector per registration test).
const HUB = '111111111111';
const REGION = 'eu-west-1';
const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${HUB}:function:${name}`;

describe('the registration workflow, end to end through EventBridge', { timeout: SLOW }, () => {
  let stack: Stack;
  let clients: StackClients;

  beforeAll(async () => {
    ({ stack, clients } = await startStackWithClients({
      timeScale: 0.01,
      worldPath: fixtureWorld('workflow'),
    }));
  }, SLOW);

  afterAll(() => stopStackWithClients(stack, clients), SLOW);

  const hubAppflow = () => clients.appflow(HUB, REGION);

  describe('registered', () => {
    it.each([
      [
        'CloudTrail CreateFunction',
        'signals/cloudtrail-create-function.cloudtrail-create-connector.registered.json',
        'cloudtrail-create-connector',
        undefined,
      ],
      [
        'CloudTrail TagResource',
        'signals/cloudtrail-tag-resource.cloudtrail-tag-connector.registered.json',
        'cloudtrail-tag-connector',
        undefined,
      ],
      [
        'CloudTrail UpdateFunctionCode',
        'signals/cloudtrail-update-function-code.cloudtrail-code-connector.registered.json',
        'cloudtrail-code-connector',
        undefined,
      ],
      [
        'CloudFormation CREATE_COMPLETE',
        'signals/cloudformation-create-complete.stack-create-connector.registered.json',
        'stack-create-connector',
        undefined,
      ],
      [
        'CloudFormation UPDATE_COMPLETE',
        'signals/cloudformation-update-complete.stack-update-connector.registered.json',
        'stack-update-connector',
        undefined,
      ],
      [
        'pipeline "Connector Lambda Deployed"',
        'signals/pipeline-connector-deployed.pipeline-connector.registered.json',
        'pipeline-connector',
        'Announced by its deploy pipeline',
      ],
    ])(
      'registers the connector a %s signal names, once, and announces it',
      async (_kind, file, name, description) => {
        const mark = appflowMark(stack);

        const put = await deliverOne(stack, clients, fixtureSample(file));

        await expectRegistration(stack, clients, origin(put), {
          connectorLabel: name,
          functionName: name,
          action: 'registered',
        });
        expect(registrationsSince(stack, mark)).toEqual([
          expect.objectContaining({
            operation: 'RegisterConnector',
            label: name,
            lambdaArn: functionArn(name),
          }),
        ]);
        const registered = await describeCustomConnector(hubAppflow(), name);
        expect(registered?.connectorDescription).toBe(description);
        expect(registered?.registeredBy).toMatch(
          /:assumed-role\/appflow-connector-registrar-dev-eu-west-1-register\//,
        );
      },
    );

    it('collapses the redundant signals of one deploy (CreateFunction, TagResource, CloudFormation) into one RegisterConnector call', async () => {
      const mark = appflowMark(stack);
      const calls = appflowCalls(stack, 'RegisterConnector');

      const puts = await deliver(stack, clients, [
        productSample('cloudtrail-create-function.registered.json'),
        productSample('cloudtrail-tag-resource.registered.json'),
        productSample('cloudformation-create-complete.registered.json'),
      ]);

      for (const put of puts) {
        await expectRegistration(stack, clients, origin(put), {
          connectorLabel: 'healthy-connector',
          functionName: 'healthy-connector',
          action: 'registered',
        });
      }
      expect(appflowCalls(stack, 'RegisterConnector') - calls).toBe(1);
      expect(registrationsSince(stack, mark)).toEqual([
        expect.objectContaining({ operation: 'RegisterConnector', label: 'healthy-connector' }),
      ]);
    });

    describe('a later signal for code already registered', () => {
      const replayed = fixtureSample(
        'signals/pipeline-connector-deployed.replayed-connector.registered.json',
      );
      const expected = {
        connectorLabel: 'replayed-connector',
        functionName: 'replayed-connector',
        action: 'registered',
      } as const;
      let firstExecutionArn: string;

      beforeAll(async () => {
        const first = await deliverOne(stack, clients, replayed);
        firstExecutionArn = (await expectRegistration(stack, clients, origin(first), expected)).executionArn;
      }, SLOW);

      it('replays the registration from the idempotency record without calling AppFlow', async () => {
        const mark = appflowMark(stack);
        const calls = appflowWrites(stack);

        const put = await deliverOne(stack, clients, replayed);

        const execution = await expectRegistration(stack, clients, origin(put), expected);
        expect(execution.executionArn).not.toBe(firstExecutionArn);
        expect(appflowWrites(stack)).toBe(calls);
        expect(registrationsSince(stack, mark)).toEqual([]);
      });

      it('once the idempotency records are gone (deleted through DynamoDB), sends AppFlow the same clientToken, which answers without registering again', async () => {
        const before = await describeCustomConnector(hubAppflow(), 'replayed-connector');
        const mark = appflowMark(stack);
        const calls = appflowCalls(stack, 'RegisterConnector');

        expect(await expireIdempotencyRecords(stack, clients)).toBeGreaterThan(0);
        const put = await deliverOne(stack, clients, replayed);

        await expectRegistration(stack, clients, origin(put), expected);
        expect(appflowCalls(stack, 'RegisterConnector') - calls).toBe(1);
        expect(registrationsSince(stack, mark)).toEqual([]);
        expect(await describeCustomConnector(hubAppflow(), 'replayed-connector')).toEqual(before);
      });

      it('registers the same code again once the connector was unregistered, instead of replaying a registration AppFlow no longer holds', async () => {
        await hubAppflow().send(new UnregisterConnectorCommand({ connectorLabel: 'replayed-connector' }));
        const mark = appflowMark(stack);

        const put = await deliverOne(stack, clients, replayed);

        await expectRegistration(stack, clients, origin(put), expected);
        expect(registrationsSince(stack, mark)).toEqual([
          expect.objectContaining({ operation: 'RegisterConnector', label: 'replayed-connector' }),
        ]);
        expect(await describeCustomConnector(hubAppflow(), 'replayed-connector')).toMatchObject({
          connectorProvisioningConfig: { lambda: { lambdaArn: functionArn('replayed-connector') } },
        });
      });

      it('replays again, without writing to AppFlow, while the registration holds', async () => {
        const calls = appflowWrites(stack);

        const put = await deliverOne(stack, clients, replayed);

        await expectRegistration(stack, clients, origin(put), expected);
        expect(appflowWrites(stack)).toBe(calls);
      });

      it('applies a changed description tag (not part of the idempotency key) instead of replaying the registration before it', async () => {
        const lambdaArn = functionArn('replayed-connector');
        const description = 'Replayed connector now described';
        const mark = appflowMark(stack);

        await clients.lambda(HUB, REGION).send(
          new TagResourceCommand({
            Resource: lambdaArn,
            Tags: { 'appflow:connector-description': description },
          }),
        );
        const published = await waitForTagResourceEvent(stack, HUB, REGION, lambdaArn);
        await stack.idle();

        await expectRegistration(
          stack,
          clients,
          { eventId: published.event.id, account: HUB, region: REGION },
          { ...expected, action: 'updated' },
        );
        expect(registrationsSince(stack, mark)).toEqual([
          expect.objectContaining({ operation: 'UpdateConnectorRegistration', label: 'replayed-connector' }),
        ]);
        expect(
          (await describeCustomConnector(hubAppflow(), 'replayed-connector'))?.connectorDescription,
        ).toBe(description);
      });
    });
  });

  describe('updated', () => {
    it('re-points a label already registered for the same function before its code changed', async () => {
      const before = await describeCustomConnector(hubAppflow(), 'updated-connector');
      const mark = appflowMark(stack);

      const put = await deliverOne(
        stack,
        clients,
        productSample('cloudtrail-update-function-code.updated-connector.updated.json'),
      );

      await expectRegistration(stack, clients, origin(put), {
        connectorLabel: 'updated-connector',
        functionName: 'updated-connector',
        action: 'updated',
      });
      expect(registrationsSince(stack, mark)).toEqual([
        expect.objectContaining({ operation: 'UpdateConnectorRegistration', label: 'updated-connector' }),
      ]);
      // The world registered it with a placeholder configuration; the update read the connector's own.
      expect(before?.connectorName).toBe('updated-connector');
      expect((await describeCustomConnector(hubAppflow(), 'updated-connector'))?.connectorName).toBe(
        'SampleContacts',
      );
    });
  });

  describe('unchanged', () => {
    it('leaves alone a connector registered by hand after its code last changed, with the same description', async () => {
      await hubAppflow().send(
        new RegisterConnectorCommand({
          connectorLabel: 'hand-registered-connector',
          description: 'Registered by hand before the registrar saw it',
          connectorProvisioningType: 'LAMBDA',
          connectorProvisioningConfig: { lambda: { lambdaArn: functionArn('hand-registered-connector') } },
        }),
      );
      const before = await describeCustomConnector(hubAppflow(), 'hand-registered-connector');
      const mark = appflowMark(stack);
      const updates = appflowCalls(stack, 'UpdateConnectorRegistration');

      const put = await deliverOne(
        stack,
        clients,
        fixtureSample('signals/pipeline-connector-deployed.hand-registered-connector.unchanged.json'),
      );

      await expectRegistration(stack, clients, origin(put), {
        connectorLabel: 'hand-registered-connector',
        functionName: 'hand-registered-connector',
        action: 'unchanged',
      });
      expect(registrationsSince(stack, mark)).toEqual([]);
      expect(appflowCalls(stack, 'UpdateConnectorRegistration')).toBe(updates);
      expect(await describeCustomConnector(hubAppflow(), 'hand-registered-connector')).toEqual(before);
    });
  });

  describe('skipped', () => {
    it('ends quietly for a function without the appflow:connector-label tag: no event, no alert, no AppFlow call', async () => {
      const appflowBefore = appflowWrites(stack);
      const alertsBefore = alerts(stack).length;

      const put = await deliverOne(
        stack,
        clients,
        productSample('cloudtrail-update-function-code.untagged-function.skipped.json'),
      );

      const execution = executionOf(stack, origin(put).eventId);
      expect(execution.status).toBe('SUCCEEDED');
      expect(statesEntered(execution)).toEqual(['VerifyFunction', 'OptedIn', 'Skipped']);
      expect(outputOf(execution).function).toMatchObject({
        optedIn: false,
        lambdaArn: functionArn('untagged-function'),
      });
      expect(registrarEventsOf(stack, execution.executionArn)).toEqual([]);
      expect(alerts(stack)).toHaveLength(alertsBefore);
      expect(appflowWrites(stack)).toBe(appflowBefore);
    });
  });

  describe('failed', () => {
    it.each([
      [
        'a connector answering isSuccess false',
        'cloudtrail-update-function-code.failing-connector.failed.json',
        'ConnectorProtocolError',
        'failing-connector',
      ],
      [
        'a connector that does not answer within its timeout',
        'cloudtrail-update-function-code.slow-connector.failed.json',
        'ConnectorProtocolError',
        'slow-connector',
      ],
      [
        'a function AppFlow may not invoke',
        'cloudformation-create-complete.no-permission-connector.failed.json',
        'MissingAppFlowPermissionError',
        'no-permission-connector',
      ],
      [
        'a label AppFlow would refuse',
        'cloudtrail-update-function-code.bad-label-connector.failed.json',
        'InvalidConnectorMetadataError',
        'bad-label-connector',
      ],
      [
        'a function that does not exist',
        'pipeline-connector-deployed.missing-function.failed.json',
        'FunctionNotFoundError',
        'deleted-connector',
      ],
    ])('alerts on %s (%s) before AppFlow is called', async (_what, file, error, name) => {
      const mark = appflowMark(stack);
      const appflowBefore = appflowWrites(stack);
      const labelsBefore = await registeredLabels(hubAppflow());

      const put = await deliverOne(stack, clients, productSample(file));

      expectFailure(stack, origin(put), {
        error,
        failedIn: 'VerifyFunction',
        connectorLabel: null,
        lambdaArn: null,
        causeNames: functionArn(name),
      });
      expect(registrationsSince(stack, mark)).toEqual([]);
      expect(appflowWrites(stack)).toBe(appflowBefore);
      expect(await registeredLabels(hubAppflow())).toEqual(labelsBefore);
      expect(await describeCustomConnector(hubAppflow(), name)).toBeUndefined();
    });

    it('alerts on a label registered for another function and never takes it over (LabelOwnedByAnotherFunctionError)', async () => {
      const before = await describeCustomConnector(hubAppflow(), 'taken-label');
      const mark = appflowMark(stack);
      const updates = appflowCalls(stack, 'UpdateConnectorRegistration');

      const put = await deliverOne(
        stack,
        clients,
        productSample('cloudtrail-tag-resource.impostor-connector.failed.json'),
      );

      const execution = expectFailure(stack, origin(put), {
        error: 'LabelOwnedByAnotherFunctionError',
        failedIn: 'RegisterConnector',
        connectorLabel: 'taken-label',
        lambdaArn: functionArn('impostor-connector'),
      });
      expect(lambdaAttempts(execution, 'RegisterConnector')).toEqual([
        { state: 'RegisterConnector', error: 'LabelOwnedByAnotherFunctionError' },
      ]);
      expect(registrationsSince(stack, mark)).toEqual([]);
      expect(appflowCalls(stack, 'UpdateConnectorRegistration')).toBe(updates);
      const after = await describeCustomConnector(hubAppflow(), 'taken-label');
      expect(after?.connectorProvisioningConfig?.lambda?.lambdaArn).toBe(functionArn('original-owner'));
      expect(after).toEqual(before);
    });

    it("alerts on an event naming another account's function (AccountMismatchError)", async () => {
      const mark = appflowMark(stack);

      await expectForgedAccountRefused(stack, clients);
      expect(registrationsSince(stack, mark)).toEqual([]);
    });

    it.each([
      [
        'a qualified ARN (an alias)',
        'guards/pipeline-connector-deployed.qualified-arn.failed.json',
        `${functionArn('healthy-connector')}:live`,
      ],
      [
        'another partition',
        'guards/pipeline-connector-deployed.other-partition.failed.json',
        'arn:aws-cn:lambda:cn-north-1:111111111111:function:healthy-connector',
      ],
    ])('alerts on a function ARN in %s (InvalidFunctionArnError)', async (_what, file, named) => {
      const mark = appflowMark(stack);

      const put = await deliverOne(stack, clients, fixtureSample(file));

      expectFailure(stack, origin(put), {
        error: 'InvalidFunctionArnError',
        failedIn: 'VerifyFunction',
        connectorLabel: null,
        lambdaArn: null,
        causeNames: named,
      });
      expect(registrationsSince(stack, mark)).toEqual([]);
    });

    it('keeps an account id smuggled into the ARN text from reaching the workflow input (InvalidFunctionArnError)', async () => {
      const put = await deliverOne(
        stack,
        clients,
        productSample('pipeline-connector-deployed.injected-account.failed.json'),
      );

      const execution = expectFailure(stack, origin(put), {
        error: 'InvalidFunctionArnError',
        failedIn: 'VerifyFunction',
        connectorLabel: null,
        lambdaArn: null,
        causeNames: put.sample.entry.Detail.functionArn as string,
      });
      expect(JSON.parse(execution.input)).toMatchObject({ accountId: '222222222222' });
    });

    it('alerts when an untagged function is tagged through the Lambda API and turns out not to be a connector', async () => {
      const untagged = functionArn('untagged-function');
      const mark = appflowMark(stack);
      const lambda = clients.lambda(HUB, REGION);

      try {
        await lambda.send(
          new TagResourceCommand({
            Resource: untagged,
            Tags: { 'appflow:connector-label': 'greeter-connector' },
          }),
        );
        // CloudTrail's stand-in puts the event right after the call answers.
        const published = await waitForTagResourceEvent(stack, HUB, REGION, untagged);
        await stack.idle();

        expect({ source: published.event.source, account: published.event.account }).toEqual({
          source: 'aws.lambda',
          account: HUB,
        });
        const execution = expectFailure(
          stack,
          { eventId: published.event.id, account: HUB, region: REGION },
          {
            error: 'ConnectorProtocolError',
            failedIn: 'VerifyFunction',
            connectorLabel: null,
            lambdaArn: null,
            causeNames: untagged,
          },
        );
        expect(JSON.parse(execution.input)).toMatchObject({
          functionArn: untagged,
          trigger: { kind: 'cloudtrail', name: 'TagResource20170331v2' },
        });
        expect(registrationsSince(stack, mark)).toEqual([]);
        expect(await describeCustomConnector(hubAppflow(), 'greeter-connector')).toBeUndefined();
      } finally {
        await lambda.send(
          new UntagResourceCommand({ Resource: untagged, TagKeys: ['appflow:connector-label'] }),
        );
      }
    });
  });

  describe('refused', () => {
    it('never sees an event from an account outside the organization: the hub bus refuses it', async () => {
      const executions = stack.states.executions().length;
      const published = stack.events.publishedEvents().length;

      const put = await deliverOne(
        stack,
        clients,
        productSample('outsider.pipeline-connector-deployed.refused.json'),
      );

      expect(put.eventId).toBeUndefined();
      expect(put.refusedWith).toBe('AccessDeniedException');
      expect(stack.states.executions()).toHaveLength(executions);
      expect(stack.events.publishedEvents()).toHaveLength(published);
      expect(stack.events.publishedEvents({ accountId: '999999999999' })).toEqual([]);
    });
  });

  describe('none', () => {
    it.each([
      'cloudformation-create-complete.s3-bucket.none.json',
      'cloudtrail-delete-function-version.none.json',
      'cloudtrail-create-function.untagged.none.json',
      'cloudtrail-tag-resource.other-tags.none.json',
      'cloudtrail-update-function-code.error.none.json',
      'pipeline-connector-deployed.without-function-arn.none.json',
      'unrelated.ec2-instance-state-change.none.json',
    ])('starts no execution for %s, which no deploy rule matches', async (file) => {
      const executions = stack.states.executions().length;
      const alertCount = alerts(stack).length;

      const put = await deliverOne(stack, clients, productSample(file));

      const eventId = origin(put).eventId;
      const onBus = stack.events.publishedEvents().filter(({ event }) => event.id === eventId);
      expect(onBus).toHaveLength(1);
      expect(onBus[0]?.matchedRules).toEqual([]);
      expect(stack.states.executions()).toHaveLength(executions);
      expect(alerts(stack)).toHaveLength(alertCount);
    });

    it('routes a ConnectorRegistrationFailed event put on the hub bus to the alert topic, starting no execution', async () => {
      const executions = stack.states.executions().length;

      const put = await deliverOne(
        stack,
        clients,
        productSample('registrar-connector-registration-failed.none.json'),
      );

      const eventId = origin(put).eventId;
      expect(stack.states.executions()).toHaveLength(executions);
      const routed = stack.events.alerts().filter((alert) => alert.eventId === eventId);
      expect(routed).toHaveLength(1);
      expect(JSON.parse(routed[0]?.message ?? '{}')).toMatchObject({
        error: 'ConnectorProtocolError',
        connectorLabel: 'failing-connector',
      });
    });
  });

  describe('across the whole run', () => {
    it('published a ConnectorRegistered or ConnectorRegistrationFailed event for every execution but the skipped, and nothing else', () => {
      // TagResource signals start the unregistration workflow too: here it always finds nothing.
      const executions = stack.states
        .executions()
        .filter(
          (execution) =>
            outputOf(execution).function?.optedIn !== false &&
            outputOf(execution).removal?.unregister !== false,
        );
      const published = registrarEvents(stack);

      expect(published).toHaveLength(executions.length);
      expect(
        new Set(published.map(({ event }) => (event.detail as { executionArn: string }).executionArn)),
      ).toEqual(new Set(executions.map((execution) => execution.executionArn)));
    });
  });
});
