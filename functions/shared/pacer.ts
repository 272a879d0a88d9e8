import type { AppflowClient } from '@aws-sdk/client-appflow';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';
import { AppFlowRequestBudgetBusyError } from './errors.js';

/** Where one AppFlow request budget applies: AppFlow throttles per account and Region. */
export interface BudgetScope {
  accountId: string;
  region: string;
}

export interface PacerOptions {
  dynamodb: DynamoDBClient;
  /** The idempotency table; the pacer's items have their own id prefix, so they never collide. */
  tableName: string;
  /** AppFlow requests per second allowed per account and Region, across every concurrent invocation. */
  requestsPerSecond: number;
  /** A request whose slot is further away than this is refused (retried later by the state machine). */
  maxWaitMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Waits for this call's slot in the AppFlow request budget of the scope. */
export type Pacer = (scope: BudgetScope) => Promise<void>;

// DynamoDB errors a later attempt gets past: the state machine retries them as a busy budget.
const DYNAMODB_TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ThrottlingException',
]);

/**
 * Spaces AppFlow requests of one account and Region evenly, however many registrations run at
 * once: each request reserves the next free slot (1 / requestsPerSecond apart) in one DynamoDB
 * item and sleeps until it. Without it, a burst of deploys meets ThrottlingException and the
 * retries multiply the calls; with it, a burst of N takes about N / rate seconds and one call each.
 *
 * Written by hand: no maintained library offers a rate limiter shared through DynamoDB. Slots are
 * reserved atomically (a conditional write when the budget is idle, an ADD otherwise), so two
 * invocations never get the same slot.
 *
 * @example
 * const pace = createPacer({ dynamodb, tableName, requestsPerSecond: 5, maxWaitMs: 20_000 });
 * await pace({ accountId, region }); // then call AppFlow
 */
export function createPacer(options: PacerOptions): Pacer {
  const intervalMs = 1000 / options.requestsPerSecond;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { dynamodb, tableName } = options;

  const reserve = async (scope: BudgetScope): Promise<void> => {
    const key = { id: { S: `appflow-pacer#${scope.accountId}#${scope.region}` } };
    const start = now();
    // Items expire through the table's TTL once the budget has been idle for an hour.
    const expiration = { N: String(Math.floor(start / 1000) + 3600) };

    // Look before reserving, so a request that would wait too long does not burn a slot.
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    const queuedUntil = Number(Item?.nextSlotAt?.N ?? 0);
    if (queuedUntil - start > options.maxWaitMs) {
      throw new AppFlowRequestBudgetBusyError(
        `AppFlow requests in account ${scope.accountId}, Region ${scope.region} are booked for the next ${Math.ceil((queuedUntil - start) / 1000)} s (budget ${options.requestsPerSecond}/s); the state machine retries later. Raise APPFLOW_REQUESTS_PER_SECOND only if AppFlow accepts more.`,
      );
    }

    let slot: number;
    try {
      // The budget is idle: this request goes now and books the next slot.
      await dynamodb.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: 'SET nextSlotAt = :next, expiration = :expiration',
          ConditionExpression: 'attribute_not_exists(nextSlotAt) OR nextSlotAt <= :now',
          ExpressionAttributeValues: {
            ':next': { N: String(start + intervalMs) },
            ':now': { N: String(start) },
            ':expiration': expiration,
          },
        }),
      );
      slot = start;
    } catch (error) {
      if (
        !(error instanceof ConditionalCheckFailedException) &&
        (error as Error).name !== 'ConditionalCheckFailedException'
      ) {
        throw error;
      }
      // Others are queued: take the slot after the last one booked.
      const { Attributes } = await dynamodb.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: 'ADD nextSlotAt :interval SET expiration = :expiration',
          ExpressionAttributeValues: { ':interval': { N: String(intervalMs) }, ':expiration': expiration },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      slot = Number(Attributes?.nextSlotAt?.N) - intervalMs;
    }
    const wait = slot - now();
    if (wait > 0) await sleep(wait);
  };

  return async (scope) => {
    try {
      await reserve(scope);
    } catch (error) {
      if (!DYNAMODB_TRANSIENT.has((error as Error).name)) throw error;
      throw new AppFlowRequestBudgetBusyError(
        `The AppFlow request budget of account ${scope.accountId}, Region ${scope.region} could not be read (DynamoDB ${(error as Error).name}); the state machine retries later.`,
        { cause: error },
      );
    }
  };
}

/**
 * An SDK middleware that paces every AppFlow request of a client of one account and Region.
 * See addPacing for where it goes in the stack.
 */
export function pacingMiddleware(
  pace: Pacer,
  scope: BudgetScope,
): FinalizeRequestMiddleware<object, MetadataBearer> {
  return (next) => async (args) => {
    await pace(scope);
    return next(args);
  };
}

/**
 * Adds the pacing middleware right after the SDK's retry middleware, so each attempt, the SDK's own
 * retries of a throttled request included, waits for a slot of its own.
 *
 * @example addPacing(appflowClient, pace, { accountId, region });
 */
export function addPacing(client: AppflowClient, pace: Pacer, scope: BudgetScope): void {
  client.middlewareStack.addRelativeTo(pacingMiddleware(pace, scope), {
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    name: 'appflowPacer',
  });
}
