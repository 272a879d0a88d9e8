import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppflowClient, RegisterConnectorCommand } from '@aws-sdk/client-appflow';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppFlowRequestBudgetBusyError } from '../../../functions/shared/errors.js';
import { addPacing, createPacer, pacingMiddleware } from '../../../functions/shared/pacer.js';
import {
  createIdempotencyTable,
  type RunningDynalite,
  startDynalite,
} from '../register-connector/dynalite.js';

const scope = { accountId: '111111111111', region: 'eu-west-1' };
let db: RunningDynalite;
let dynamodb: DynamoDBClient;
let table = 0;
let tableName: string;

beforeAll(async () => {
  db = await startDynalite();
  dynamodb = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  dynamodb.destroy();
  await db.close();
});

beforeEach(async () => {
  tableName = `pacer-${++table}`;
  await createIdempotencyTable(dynamodb, tableName);
});

/** A pacer on a frozen clock that records how long each call was told to sleep. */
function pacerAt(now: () => number, options: { requestsPerSecond?: number; maxWaitMs?: number } = {}) {
  const sleeps: number[] = [];
  const pace = createPacer({
    dynamodb,
    tableName,
    requestsPerSecond: options.requestsPerSecond ?? 10,
    maxWaitMs: options.maxWaitMs ?? 20_000,
    now,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { pace, sleeps };
}

async function bookedUntil(
  key = `appflow-pacer#${scope.accountId}#${scope.region}`,
): Promise<number | undefined> {
  const { Item } = await dynamodb.send(
    new GetItemCommand({ TableName: tableName, Key: { id: { S: key } }, ConsistentRead: true }),
  );
  return Item?.nextSlotAt?.N === undefined ? undefined : Number(Item.nextSlotAt.N);
}

describe('createPacer', () => {
  describe('when the budget is idle', () => {
    it('lets the request go at once and books the next slot one interval later', async () => {
      const { pace, sleeps } = pacerAt(() => 1_000_000);
      await pace(scope);
      expect(sleeps).toEqual([]);
      expect(await bookedUntil()).toBe(1_000_100);
    });

    it('goes at once again after the booked slots have passed', async () => {
      let now = 1_000_000;
      const { pace, sleeps } = pacerAt(() => now);
      await pace(scope);
      now += 5_000;
      await pace(scope);
      expect(sleeps).toEqual([]);
      expect(await bookedUntil()).toBe(1_005_100);
    });
  });

  describe('when requests arrive together', () => {
    it('gives each its own slot, one interval apart', async () => {
      const { pace, sleeps } = pacerAt(() => 2_000_000, { requestsPerSecond: 5 });
      await Promise.all(Array.from({ length: 6 }, () => pace(scope)));
      // One goes at once; the others wait 200, 400, … ms: never two in the same slot.
      expect(sleeps.sort((a, b) => a - b)).toEqual([200, 400, 600, 800, 1000]);
      expect(await bookedUntil()).toBe(2_001_200);
    });

    it('keeps the budgets of two accounts apart', async () => {
      const { pace, sleeps } = pacerAt(() => 3_000_000);
      await pace(scope);
      await pace({ ...scope, accountId: '222222222222' });
      await pace({ ...scope, region: 'us-east-1' });
      expect(sleeps).toEqual([]);
    });
  });

  describe('when the budget is booked too far ahead', () => {
    it('refuses with a retryable AppFlowRequestBudgetBusyError and books nothing', async () => {
      const { pace } = pacerAt(() => 4_000_000, { requestsPerSecond: 1, maxWaitMs: 2_500 });
      await Promise.all([pace(scope), pace(scope), pace(scope)]);
      const booked = await bookedUntil();
      expect(booked).toBe(4_003_000);

      const refusal = await pace(scope).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(AppFlowRequestBudgetBusyError);
      expect((refusal as Error).name).toBe('AppFlowRequestBudgetBusyError');
      expect((refusal as Error).message).toContain('booked for the next 3 s');
      expect(await bookedUntil()).toBe(booked);
    });
  });
});

describe('pacingMiddleware', () => {
  describe('around an AppFlow command', () => {
    it('waits for the slot of the client’s account and Region before sending', async () => {
      const order: string[] = [];
      const pace = vi.fn(async () => {
        order.push('paced');
      });
      const next = vi.fn(async () => {
        order.push('sent');
        return { output: { $metadata: {} }, response: {} };
      });
      // biome-ignore lint/suspicious/noExplicitAny: the middleware's context and args are opaque here.
      await pacingMiddleware(pace, scope)(next, {} as any)({ input: {} } as any);
      expect(pace).toHaveBeenCalledWith(scope);
      expect(order).toEqual(['paced', 'sent']);
    });
  });
});

describe('createPacer when DynamoDB fails', () => {
  it('turns a throttled DynamoDB into a retryable AppFlowRequestBudgetBusyError, keeping the cause', async () => {
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const failing = { send: vi.fn(async () => Promise.reject(throttled)) } as unknown as DynamoDBClient;
    const pace = createPacer({ dynamodb: failing, tableName: 'any', requestsPerSecond: 5, maxWaitMs: 1000 });
    const error = await pace(scope).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppFlowRequestBudgetBusyError);
    expect((error as Error).cause).toBe(throttled);
  });

  it('lets a configuration error through unchanged, for the alert', async () => {
    const denied = Object.assign(new Error('not authorized to perform dynamodb:GetItem'), {
      name: 'AccessDeniedException',
    });
    const failing = { send: vi.fn(async () => Promise.reject(denied)) } as unknown as DynamoDBClient;
    const pace = createPacer({ dynamodb: failing, tableName: 'any', requestsPerSecond: 5, maxWaitMs: 1000 });
    await expect(pace(scope)).rejects.toBe(denied);
  });
});

describe('addPacing', () => {
  describe('on a real AppFlow client', () => {
    it('paces every attempt, the SDK’s own retry of a throttled request included', async () => {
      let answered = 0;
      // A tiny AppFlow that throttles the first request and accepts the second.
      const server = createServer((_request, response) => {
        answered += 1;
        if (answered === 1) {
          response.writeHead(429, {
            'content-type': 'application/json',
            'x-amzn-errortype': 'ThrottlingException',
          });
          response.end('{"message":"Rate exceeded"}');
        } else {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"connectorArn":"arn:aws:appflow:eu-west-1:111111111111:connector/x"}');
        }
      });
      await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
      const client = new AppflowClient({
        region: 'eu-west-1',
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 2,
      });
      const pace = vi.fn(async () => undefined);
      addPacing(client, pace, scope);

      try {
        const { connectorArn } = await client.send(
          new RegisterConnectorCommand({
            connectorLabel: 'x',
            connectorProvisioningType: 'LAMBDA',
            connectorProvisioningConfig: {
              lambda: { lambdaArn: 'arn:aws:lambda:eu-west-1:111111111111:function:x' },
            },
          }),
        );
        expect(connectorArn).toBe('arn:aws:appflow:eu-west-1:111111111111:connector/x');
        expect(answered).toBe(2);
        expect(pace).toHaveBeenCalledTimes(2);
        expect(pace).toHaveBeenCalledWith(scope);
      } finally {
        client.destroy();
        server.close();
      }
    });
  });
});
