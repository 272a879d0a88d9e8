import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GateDependencies, gateAlert } from '../../../functions/alert-gate/gate.js';
import { decide } from '../../../functions/alert-gate/window.js';
import { eventFixture } from '../record-outcome/helpers.js';
import { scanItems, useIdempotencyTable } from '../register-connector/dynalite.js';

// The window decision against a real table (dynalite), SNS mocked: what pages the on-call.

const TABLE = 'registrar-hub-table';
const TOPIC = 'arn:aws:sns:eu-west-1:111111111111:appflow-connector-registrar-dev-alerts';
const HUB = '111111111111';
const KEY = 'alert#222222222222#eu-west-1#(no function)#MissingAppFlowPermissionError';
const START = Date.parse('2025-03-14T12:00:00.000Z');
const table = useIdempotencyTable(TABLE);
const sns = mockClient(SNSClient);

let clock = START;
let eventCount = 0;
const minutesLater = (minutes: number) => {
  clock += minutes * 60_000;
};
const deps = (overrides: Partial<GateDependencies> = {}): GateDependencies => ({
  dynamodb: DynamoDBDocumentClient.from(table.client()),
  tableName: TABLE,
  windowMinutes: 60,
  sns: new SNSClient({ region: 'eu-west-1' }),
  topicArn: TOPIC,
  hubAccountId: HUB,
  now: () => new Date(clock),
  ...overrides,
});
/** A ConnectorRegistrationFailed event of its own id, its detail changed as given. */
const failure = (detail: Record<string, unknown> = {}, detailType?: string) => {
  const event = eventFixture('failed-event.json');
  eventCount++;
  return {
    ...event,
    id: `event-${eventCount}`,
    ...(detailType !== undefined ? { 'detail-type': detailType } : {}),
    detail: { ...event.detail, ...detail },
  };
};
const alerts = () =>
  sns.commandCalls(PublishCommand).map((call) => JSON.parse(call.args[0].input.Message ?? '{}'));
const itemOf = async (id: string) =>
  (
    await DynamoDBDocumentClient.from(table.client()).send(
      new GetCommand({ TableName: TABLE, Key: { id }, ConsistentRead: true }),
    )
  ).Item;

beforeEach(() => {
  clock = START;
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});
afterEach(() => sns.reset());

describe('gateAlert', () => {
  it('publishes the first failure of an account, function and error, saying none were folded', async () => {
    const result = await gateAlert(failure(), deps());

    expect(result).toEqual({ key: KEY, decision: 'alert', folded: 0 });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      MessageAttributes: { eventId: { DataType: 'String', StringValue: 'event-1' } },
    });
    expect(alerts()[0]).toMatchObject({ error: 'MissingAppFlowPermissionError', folded: 0 });
    expect(alerts()[0].foldedNote).toBeUndefined();
  });

  it('folds the failures that follow within the window, publishing nothing', async () => {
    await gateAlert(failure(), deps());
    minutesLater(10);
    const second = await gateAlert(failure(), deps());
    minutesLater(49);
    const third = await gateAlert(failure(), deps());

    expect(second).toEqual({ key: KEY, decision: 'fold' });
    expect(third).toEqual({ key: KEY, decision: 'fold' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(await itemOf(KEY)).toMatchObject({ folded: 2, lastAlertAt: '2025-03-14T12:00:00.000Z' });
  });

  it('alerts again once the window is over, with the count folded since the last alert and its time', async () => {
    await gateAlert(failure(), deps());
    for (let i = 0; i < 3; i++) {
      minutesLater(5);
      await gateAlert(failure(), deps());
    }
    minutesLater(60);
    const result = await gateAlert(failure(), deps());

    expect(result).toEqual({ key: KEY, decision: 'alert', folded: 3 });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(alerts()[1]).toMatchObject({ folded: 3 });
    expect(alerts()[1].foldedNote).toBe(
      '3 more failures of this account, function and error were folded since the last alert at 2025-03-14T12:00:00.000Z; the hub bus and `registrar status` keep each of them.',
    );
    // The count starts again with the new window.
    expect(await itemOf(KEY)).toMatchObject({ folded: 0, lastAlertAt: '2025-03-14T13:15:00.000Z' });
  });

  it('keeps a window per account, function and error', async () => {
    const otherFunction = {
      lambdaArn: 'arn:aws:lambda:eu-west-1:222222222222:function:other-connector',
    };
    await gateAlert(failure(), deps());
    const decisions = [
      await gateAlert(failure({ error: 'ConnectorProtocolError' }), deps()),
      await gateAlert(failure(otherFunction), deps()),
      await gateAlert(failure({ accountId: '333333333333' }), deps()),
      await gateAlert(failure({ region: 'us-east-1' }), deps()),
      await gateAlert(failure(), deps()),
    ];

    expect(decisions.map(({ decision }) => decision)).toEqual(['alert', 'alert', 'alert', 'alert', 'fold']);
    expect(decisions[1]?.key).toBe(
      'alert#222222222222#eu-west-1#other-connector#MissingAppFlowPermissionError',
    );
  });

  it('counts a function of another account or Region as no function, so made-up ARNs share one window', async () => {
    const foreign = await gateAlert(
      failure({ lambdaArn: 'arn:aws:lambda:eu-west-1:999999999999:function:not-mine' }),
      deps(),
    );

    expect(foreign.key).toBe(KEY);
  });

  it('alerts every failure, writing no window, when the window is 0', async () => {
    for (let i = 0; i < 3; i++) await gateAlert(failure(), deps({ windowMinutes: 0 }));

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 3);
    expect(await scanItems(table.client(), TABLE)).toEqual([]);
    expect(alerts().map(({ folded, window }) => ({ folded, window }))).toEqual([
      { folded: 0, window: undefined },
      { folded: 0, window: undefined },
      { folded: 0, window: undefined },
    ]);
  });

  it('alerts ConnectorUnregistrationFailed too, and refuses an outcome that is not a failure', async () => {
    await gateAlert(failure({}, 'ConnectorUnregistrationFailed'), deps());

    expect(alerts()[0]).toMatchObject({ event: 'ConnectorUnregistrationFailed' });
    await expect(gateAlert(failure({}, 'ConnectorRegistered'), deps())).rejects.toMatchObject({
      name: 'InvalidInputError',
    });
  });

  it('alerts a failed sweep, which names no function, in the account and error window of no function', async () => {
    const result = await gateAlert(
      failure(
        { lambdaArn: null, connectorLabel: null, error: 'SpokeRoleAccessDeniedError' },
        'ConnectorSweepFailed',
      ),
      deps(),
    );

    expect(result).toMatchObject({
      decision: 'alert',
      key: 'alert#222222222222#eu-west-1#(no function)#SpokeRoleAccessDeniedError',
    });
    expect(alerts()[0]).toMatchObject({ event: 'ConnectorSweepFailed', error: 'SpokeRoleAccessDeniedError' });
  });

  it("refuses an event another account put, as only the hub's workflows publish failures", async () => {
    await expect(gateAlert({ ...failure(), account: '222222222222' }, deps())).rejects.toMatchObject({
      name: 'InvalidInputError',
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('alerts the retry of an event whose invocation opened the window and died before publishing', async () => {
    const event = failure();
    // The first invocation's conditional write, then nothing: a timeout or crash before Publish.
    await decide(deps(), KEY, event.id, new Date(clock));
    minutesLater(1);
    await gateAlert(failure(), deps());
    minutesLater(1);

    const retried = await gateAlert(event, deps());

    expect(retried).toMatchObject({ decision: 'alert', folded: 1 });
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]).toMatchObject({ folded: 1 });
    expect(alerts()[0].foldedNote).toContain('an unknown time');
  });

  describe('when SNS refuses the alert', () => {
    it('throws and reopens the window, so the retry alerts with the same count instead of folding', async () => {
      await gateAlert(failure(), deps());
      minutesLater(1);
      await gateAlert(failure(), deps());
      minutesLater(60);
      sns
        .reset()
        .on(PublishCommand)
        .rejectsOnce(Object.assign(new Error('throttled'), { name: 'Throttling' }))
        .resolves({ MessageId: 'm-2' });
      const opening = failure();

      await expect(gateAlert(opening, deps())).rejects.toThrow('throttled');
      const retried = await gateAlert(opening, deps());

      expect(retried).toEqual({ key: KEY, decision: 'alert', folded: 1 });
      expect(alerts().at(-1)?.foldedNote).toContain('since the last alert at 2025-03-14T12:00:00.000Z');
    });
  });

  describe('DynamoDB answers', () => {
    // Mocked only inside these tests: the other tests' table client is a DynamoDBClient too.
    let dynamodb: AwsClientStub<DynamoDBDocumentClient>;
    const mocked = () =>
      deps({ dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })) });
    beforeEach(() => {
      dynamodb = mockClient(DynamoDBDocumentClient);
    });
    afterEach(() => dynamodb.restore());
    const conditionFailed = () =>
      Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

    it('opens the window when the one it meant to fold into closed in between', async () => {
      dynamodb
        .on(UpdateCommand)
        .rejectsOnce(conditionFailed())
        .rejectsOnce(conditionFailed())
        .resolves({ Attributes: { folded: 4, lastAlertAt: '2025-03-14T11:00:00.000Z' } });

      const result = await gateAlert(failure(), mocked());

      expect(result).toEqual({ key: KEY, decision: 'alert', folded: 4 });
      expect(dynamodb).toHaveReceivedCommandTimes(UpdateCommand, 3);
    });

    it('throws any other error, publishing nothing, for Lambda to retry the event', async () => {
      dynamodb
        .on(UpdateCommand)
        .rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));

      await expect(gateAlert(failure(), mocked())).rejects.toMatchObject({
        name: 'ProvisionedThroughputExceededException',
      });
      expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    });

    it('gives up, throwing, when every attempt races a window opening and closing', async () => {
      dynamodb.on(UpdateCommand).rejects(conditionFailed());

      await expect(gateAlert(failure(), mocked())).rejects.toThrow(/kept opening and closing/);
      expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    });
  });
});
