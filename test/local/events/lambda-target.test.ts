import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Template } from '../../../local/deploy/cloudformation.js';
import { deployTemplate } from '../../../local/deploy/deploy.js';
import { RoleRegistry } from '../../../local/iam/roles.js';
import { LocalIdentityRegistry } from '../../../local/identity.js';
import { createFunctionRuntime } from '../../../local/runtime/index.js';
import { createEventsService, type DeadLetter } from '../../../local/services/events.js';
import { applyEventInvokeConfigs } from '../../../local/services/lambda/event-invoke-config.js';
import { createLambdaService } from '../../../local/services/lambda.js';
import { createFunctionRegistry } from '../../../local/world/functions.js';
import { loadWorld } from '../../../local/world/load.js';
import { fakeStarter } from './harness.js';

const HUB = '111111111111';
const WORLD = fileURLToPath(new URL('../../../local/worlds/default.json', import.meta.url));
const template = JSON.parse(
  readFileSync(fileURLToPath(new URL('./fixtures/lambda-target.json', import.meta.url)), 'utf8'),
) as Template;

/** EventBridge and Lambda wired as the stack wires them, with the fixture stack deployed. */
function start(withPermission: boolean, onFailureQueue = false) {
  const world = loadWorld(WORLD);
  const registry = createFunctionRegistry(world);
  const runtime = createFunctionRuntime({
    registry,
    identity: new LocalIdentityRegistry(HUB),
    endpointUrl: () => '',
  });
  const roles = new RoleRegistry(() => undefined);
  const deadLetters: DeadLetter[] = [];
  const lambda = createLambdaService({
    registry,
    runtime,
    asyncRetryDelayMs: 1,
    onFailedInvocation: (failed) => deadLetters.push(failed),
  });
  const events = createEventsService({
    world,
    roles,
    deadLetters,
    executions: fakeStarter(),
    timeScale: 0.001,
    invokeFunction: (arn, payload, invocation) => lambda.invokeEvent(arn, payload, invocation),
  });
  const stack = deployTemplate(template, {
    stackName: 'fixture',
    accountId: HUB,
    region: 'eu-west-1',
    parameters: { WithPermission: String(withPermission), OnFailureQueue: String(onFailureQueue) },
  });
  for (const { functionName, statement } of stack.permissions) {
    registry.get(HUB, 'eu-west-1', functionName)?.policy.push(statement);
  }
  applyEventInvokeConfigs(registry, roles, stack);
  events.deploy(stack);
  return {
    events,
    runtime,
    close: async () => {
      events.close();
      await runtime.close();
    },
  };
}

describe('a rule whose target is a Lambda function', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(() => close?.());

  const put = async (harness: ReturnType<typeof start>) => {
    close = harness.close;
    const caller = { accountId: HUB, principalArn: `arn:aws:iam::${HUB}:root` };
    await harness.events.putEvents(caller, 'eu-west-1', [
      { Source: 'fixture', DetailType: 'Ping', Detail: '{}' },
    ]);
    await harness.events.idle();
  };

  it('invokes the function when an AWS::Lambda::Permission lets EventBridge in from that rule', async () => {
    const harness = start(true);
    await put(harness);
    expect(harness.events.deliveries().at(-1)).toMatchObject({ status: 'delivered' });
    // The connector refuses an event that is no connector request: Lambda retries an event
    // invocation's function error twice, so it ran three times.
    expect(
      harness.runtime.counters(`arn:aws:lambda:eu-west-1:${HUB}:function:healthy-connector`).invocations,
    ).toBe(3);
  });

  it('sends the record of an event that failed every attempt to the on-failure queue, in the shape AWS documents', async () => {
    const harness = start(true, true);
    await put(harness);
    const functionArn = `arn:aws:lambda:eu-west-1:${HUB}:function:healthy-connector`;

    // EventBridge delivered it; the function failed it, retried once (MaximumRetryAttempts 1).
    expect(harness.events.deliveries().at(-1)).toMatchObject({ status: 'delivered' });
    expect(harness.runtime.counters(functionArn).invocations).toBe(2);
    expect(harness.events.deadLetters()).toEqual([
      {
        kind: 'failed-invocation',
        queueArn: `arn:aws:sqs:eu-west-1:${HUB}:failed-invocations`,
        functionArn,
        at: expect.any(String),
        record: {
          version: '1.0',
          timestamp: expect.any(String),
          requestContext: {
            requestId: expect.any(String),
            functionArn: `${functionArn}:$LATEST`,
            condition: 'RetriesExhausted',
            approximateInvokeCount: 2,
          },
          requestPayload: expect.objectContaining({ source: 'fixture', 'detail-type': 'Ping' }),
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: expect.objectContaining({ errorMessage: expect.any(String) }),
        },
      },
    ]);
  });

  it('dead-letters the event when no statement of the function’s policy lets EventBridge in', async () => {
    const harness = start(false);
    await put(harness);
    expect(harness.events.deadLetters().at(-1)).toMatchObject({
      errorCode: 'AccessDeniedException',
      errorMessage: expect.stringContaining('events.amazonaws.com is not authorized'),
    });
  });
});
