import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordInput } from '../../../functions/record-outcome/input.js';
import { recordInputOf, recordOutcome } from '../../../functions/record-outcome/record.js';
import { REGISTRAR_SOURCE } from '../../../functions/shared/event-types.js';
import { inventoryId } from '../../../functions/shared/inventory.js';
import { useIdempotencyTable } from '../register-connector/dynalite.js';
import { eventFixture, inputFixture } from './helpers.js';

const TABLE = 'registrar-hub-table';
const table = useIdempotencyTable(TABLE);
const events = mockClient(EventBridgeClient);
const sfnMock = mockClient(SFNClient);
const ID = inventoryId('222222222222', 'eu-west-1', 'sales-connector');
const NOW = new Date('2025-03-14T12:00:00.000Z');

const regionsAsked: string[] = [];
const record = (input: RecordInput) =>
  recordOutcome(input, {
    dynamodb: DynamoDBDocumentClient.from(table.client()),
    tableName: TABLE,
    eventsIn: (region) => {
      regionsAsked.push(region);
      return new EventBridgeClient({ region });
    },
    now: () => NOW,
  });
const itemOf = async (id = ID) =>
  (
    await DynamoDBDocumentClient.from(table.client()).send(
      new GetCommand({ TableName: TABLE, Key: { id }, ConsistentRead: true }),
    )
  ).Item;
const startedAt = (input: RecordInput, time: string) => ({ ...input, executionStartTime: time });

beforeEach(() => {
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  regionsAsked.length = 0;
});
afterEach(() => {
  events.reset();
  sfnMock.reset();
});

describe('recordOutcome', () => {
  describe('a registration', () => {
    it("puts the event, as published, on the default bus of the connector's account, from its Region", async () => {
      const input = inputFixture('registered-input.json');

      await record(input);

      expect(regionsAsked).toEqual(['eu-west-1']);
      expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
      expect(events).toHaveReceivedCommandWith(PutEventsCommand, {
        Entries: [
          {
            EventBusName: 'arn:aws:events:eu-west-1:222222222222:event-bus/default',
            Source: REGISTRAR_SOURCE,
            DetailType: 'ConnectorRegistered',
            Detail: JSON.stringify(input.detail),
          },
        ],
      });
    });

    it("writes the connector's item: who, what, when, and that its account was told", async () => {
      const input = inputFixture('registered-input.json');

      const result = await record(input);

      expect(result).toEqual({ id: ID, recorded: true, memberDelivery: 'delivered' });
      expect(await itemOf()).toEqual({
        id: ID,
        accountId: '222222222222',
        region: 'eu-west-1',
        functionName: 'sales-connector',
        lambdaArn: input.detail.lambdaArn,
        connectorLabel: 'sales-connector',
        outcome: 'registered',
        detailType: 'ConnectorRegistered',
        action: 'registered',
        executionArn: input.detail.executionArn,
        startedAt: '2025-03-14T09:26:54.120Z',
        recordedAt: NOW.toISOString(),
        memberDelivery: 'delivered',
      });
    });
  });

  describe('a failure', () => {
    it('writes the error and the message the alert carried, on the row of the function the signal named', async () => {
      await record(inputFixture('failed-input.json'));

      expect(await itemOf()).toMatchObject({
        functionName: 'sales-connector',
        outcome: 'failed',
        detailType: 'ConnectorRegistrationFailed',
        error: 'MissingAppFlowPermissionError',
        message: expect.stringContaining('aws lambda add-permission --function-name'),
      });
    });

    it('keeps the label and ARN an earlier registration recorded, and drops its action', async () => {
      await record(inputFixture('registered-input.json'));
      await record(inputFixture('failed-input.json'));

      const item = await itemOf();
      expect(item).toMatchObject({
        connectorLabel: 'sales-connector',
        lambdaArn: 'arn:aws:lambda:eu-west-1:222222222222:function:sales-connector',
        outcome: 'failed',
      });
      expect(item).not.toHaveProperty('action');
    });

    it('drops the error and message once a later registration succeeds', async () => {
      await record(inputFixture('failed-input.json'));
      await record(startedAt(inputFixture('registered-input.json'), '2025-03-14T11:00:00.000Z'));

      const item = await itemOf();
      expect(item).toMatchObject({ outcome: 'registered', action: 'registered' });
      expect(item).not.toHaveProperty('error');
      expect(item).not.toHaveProperty('message');
    });
  });

  describe('outcomes that finish out of order', () => {
    it('keeps the outcome of the execution that started last', async () => {
      const later = startedAt(inputFixture('failed-input.json'), '2025-03-14T10:00:00.000Z');
      const earlier = startedAt(inputFixture('registered-input.json'), '2025-03-14T09:00:00.000Z');

      expect((await record(later)).recorded).toBe(true);
      expect((await record(earlier)).recorded).toBe(false);

      expect(await itemOf()).toMatchObject({ outcome: 'failed', executionArn: later.detail.executionArn });
    });

    it("still tells the connector's account about the earlier one: it happened", async () => {
      await record(startedAt(inputFixture('failed-input.json'), '2025-03-14T10:00:00.000Z'));
      await record(startedAt(inputFixture('registered-input.json'), '2025-03-14T09:00:00.000Z'));

      expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 2);
    });

    it('records the same outcome again when the state machine retries it', async () => {
      const input = inputFixture('registered-input.json');

      expect((await record(input)).recorded).toBe(true);
      expect((await record(input)).recorded).toBe(true);
    });
  });

  describe("when the connector's account refuses the event", () => {
    it('records why, and does not throw: a retry would be refused again', async () => {
      events.on(PutEventsCommand).rejects(
        Object.assign(new Error('User: arn:aws:sts::111111111111:assumed-role/x/y is not authorized'), {
          name: 'AccessDeniedException',
        }),
      );

      const result = await record(inputFixture('registered-input.json'));

      expect(result).toMatchObject({ recorded: true, memberDelivery: 'failed' });
      expect(await itemOf()).toMatchObject({
        memberDelivery: 'failed',
        memberDeliveryError:
          'AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role/x/y is not authorized',
      });
    });

    it('records a failed entry with its error code', async () => {
      events.on(PutEventsCommand).resolves({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
      });

      await record(inputFixture('registered-input.json'));

      expect(await itemOf()).toMatchObject({
        memberDelivery: 'failed',
        memberDeliveryError: 'InternalFailure: try again',
      });
    });

    it('clears the reason once a later outcome is delivered', async () => {
      events
        .on(PutEventsCommand)
        .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'X' }] })
        .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-2' }] });
      await record(inputFixture('registered-input.json'));
      await record(startedAt(inputFixture('registered-input.json'), '2025-03-14T11:00:00.000Z'));

      const item = await itemOf();
      expect(item?.memberDelivery).toBe('delivered');
      expect(item).not.toHaveProperty('memberDeliveryError');
    });
  });

  it('throws what DynamoDB answers, for the state machine to retry', async () => {
    await expect(
      recordOutcome(inputFixture('registered-input.json'), {
        dynamodb: DynamoDBDocumentClient.from(table.client()),
        tableName: 'no-such-table',
        eventsIn: (region) => new EventBridgeClient({ region }),
      }),
    ).rejects.toThrow(expect.objectContaining({ name: 'ResourceNotFoundException' }));
  });
});

describe('recordInputOf', () => {
  const sfn = new SFNClient({ region: 'eu-west-1' });
  const started = new Date('2025-03-14T09:59:58.250Z');

  it("reads the execution's start, and the function its signal named for a failure that names none", async () => {
    const event = eventFixture('failed-event.json');
    sfnMock.on(DescribeExecutionCommand).resolves({
      executionArn: event.detail.executionArn as string,
      stateMachineArn: 'arn:aws:states:eu-west-1:111111111111:stateMachine:m',
      status: 'FAILED',
      startDate: started,
      input: JSON.stringify({
        accountId: '222222222222',
        region: 'eu-west-1',
        functionArn: 'sales-connector',
      }),
    });

    const input = await recordInputOf(event, { sfn, hubAccountId: '111111111111' });

    expect(sfnMock).toHaveReceivedCommandWith(DescribeExecutionCommand, {
      executionArn: event.detail.executionArn as string,
    });
    expect(input).toMatchObject({
      detailType: 'ConnectorRegistrationFailed',
      executionStartTime: started.toISOString(),
      signalFunctionArn: 'sales-connector',
      published: event.detail,
    });
  });

  it('ignores a signal whose functionArn is longer than any function ARN', async () => {
    sfnMock.on(DescribeExecutionCommand).resolves({
      startDate: started,
      input: JSON.stringify({ functionArn: 'x'.repeat(300) }),
    } as never);

    const input = await recordInputOf(eventFixture('failed-event.json'), {
      sfn,
      hubAccountId: '111111111111',
    });

    expect(input).not.toHaveProperty('signalFunctionArn');
  });
});

describe("the lifecycle's outcomes", () => {
  const unregistered = (): RecordInput => ({
    detailType: 'ConnectorUnregistered',
    detail: {
      ...(eventFixture('unregistered-event.json').detail as unknown as RecordInput['detail']),
    },
    executionStartTime: '2025-03-15T08:00:00.000Z',
  });

  it('records an unregistration with its reason as the action, after the registration it undoes', async () => {
    await record(inputFixture('registered-input.json'));
    await record(unregistered());

    expect(await itemOf()).toMatchObject({
      outcome: 'unregistered',
      action: 'deleted',
      detailType: 'ConnectorUnregistered',
      connectorLabel: 'sales-connector',
    });
  });

  it('records a failed unregistration as a failure, with its message', async () => {
    await record({
      ...unregistered(),
      detailType: 'ConnectorUnregistrationFailed',
      detail: {
        ...unregistered().detail,
        error: 'ConnectorInUseError',
        cause: JSON.stringify({
          errorType: 'ConnectorInUseError',
          errorMessage: 'Flows use it: orders-sync.',
        }),
      },
    });

    expect(await itemOf()).toMatchObject({
      outcome: 'unregistration failed',
      error: 'ConnectorInUseError',
      message: 'Flows use it: orders-sync.',
    });
  });
});
