import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FailedInvocation, type Stack, startStack } from '../../local/index.js';
import { SignalBus } from '../resilience/support/bus.js';
import type { Signal } from '../resilience/support/signals.js';
import { SLOW } from './support/timeouts.js';

// Once Lambda has accepted an event from a rule, EventBridge is done with it: a function error is
// Lambda's to retry and then to drop. With SNS refusing the alert gate and the outcome recorder's
// table gone, the failure event they were handed must still reach the dead-letter queue (whose alarm
// pages), as the invocation record of each function's on-failure destination.

const HUB = '111111111111';

const deletedConnector: Signal = {
  account: HUB,
  region: 'eu-west-1',
  putBy: 'account',
  entry: {
    Source: 'com.example.connector-pipeline',
    DetailType: 'Connector Lambda Deployed',
    Detail: { functionArn: `arn:aws:lambda:eu-west-1:${HUB}:function:deleted-connector` },
  },
};

describe('a failure event the alert gate and the outcome recorder cannot process', { timeout: SLOW }, () => {
  let stack: Stack;
  let bus: SignalBus;

  /** Removes a statement from a hub role, as a broken policy or a revoked grant would. */
  const revoke = (roleSuffix: string, sid: string) => {
    const role = stack.roles.list(HUB).find((candidate) => candidate.name.endsWith(roleSuffix));
    if (role === undefined) throw new Error(`no hub role ends with ${roleSuffix}`);
    const kept = role.policies.filter((statement) => statement.Sid !== sid);
    expect(kept.length).toBe(role.policies.length - 1);
    role.policies = kept;
  };
  /** The one failure event the workflow put on the hub bus: what both functions were handed. */
  const failureEvent = () => {
    const busName = stack.hubIn('eu-west-1').eventBus.name;
    const failures = stack.events
      .publishedEvents({ busName })
      .filter(({ event }) => event['detail-type'] === 'ConnectorRegistrationFailed');
    expect(failures).toHaveLength(1);
    return failures[0]?.event;
  };
  const recordOf = (functionSuffix: string) =>
    stack.events
      .deadLetters()
      .filter((letter): letter is FailedInvocation => letter.kind === 'failed-invocation')
      .filter((letter) => letter.functionArn.endsWith(functionSuffix));

  beforeAll(async () => {
    stack = await startStack({ timeScale: 0.01 });
    revoke('-alert-gate', 'PublishAlerts');
    // The local DynamoDB checks no IAM: the recorder is pointed at a table that does not exist instead.
    const recorder = stack.registry.list(HUB, 'eu-west-1').find((fn) => fn.name.endsWith('-recordOutcome'));
    if (recorder === undefined) throw new Error('the hub has no recordOutcome function');
    recorder.environment.INVENTORY_TABLE_NAME = 'no-such-table';
    bus = new SignalBus(stack);
    await bus.putAll([deletedConnector]);
    await stack.idle();
  }, SLOW);

  afterAll(async () => {
    bus?.destroy();
    await stack?.stop();
  }, SLOW);

  it('publishes no alert: SNS refused every attempt of the gate', () => {
    expect(failureEvent()).toBeDefined();
    expect(stack.events.alerts()).toEqual([]);
  });

  it("sends the gate's invocation record, the failure event in it, to the dead-letter queue after Lambda's retries", () => {
    const queueArn = `arn:aws:sqs:eu-west-1:${HUB}:appflow-connector-registrar-dev-undelivered-events`;
    const [failed, ...others] = recordOf('-alertGate');

    expect(others).toEqual([]);
    expect(failed?.queueArn).toBe(queueArn);
    expect(failed?.record).toEqual({
      version: '1.0',
      timestamp: expect.any(String),
      requestContext: {
        requestId: expect.any(String),
        functionArn: `${failed?.functionArn}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: failureEvent(),
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: expect.objectContaining({
        errorMessage: expect.stringContaining('SNS:Publish'),
      }),
    });
  });

  it("sends the outcome recorder's invocation record to the same queue", () => {
    const [failed, ...others] = recordOf('-recordOutcome');

    expect(others).toEqual([]);
    expect(failed?.record).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: failureEvent(),
      responsePayload: { errorType: 'ResourceNotFoundException' },
    });
  });

  it('leaves nothing in the queue that EventBridge failed to deliver: the rules delivered both', () => {
    expect(stack.events.deadLetters().filter((letter) => letter.kind === 'undelivered-event')).toEqual([]);
  });
});
