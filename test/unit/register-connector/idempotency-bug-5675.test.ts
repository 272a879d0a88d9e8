import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import middy from '@middy/core';
import { describe, expect, it, vi } from 'vitest';
import { scanItems, useIdempotencyTable } from './dynalite.js';
import { lambdaContext } from './helpers.js';

/*
 * aws-powertools/powertools-lambda-typescript#5675, in @aws-lambda-powertools/idempotency 2.35.0:
 * makeHandlerIdempotent's onError deletes the record whenever anything failed, its own `before`
 * rejecting a duplicate as in progress included, so the duplicate removes the running invocation's
 * lock. makeIdempotent, which the register handler uses, deletes only when the function it wraps
 * fails. Fixed upstream by #5676 after 2.35.0: once a fixed release is pinned, the first test fails;
 * delete this file then.
 */

const TABLE = 'bug-5675';
const table = useIdempotencyTable(TABLE);

type Call = (event: { id: string }) => Promise<string>;

/**
 * Starts a call that holds its lock until released, makes a duplicate of it, and returns the
 * duplicate's error and the table as the duplicate left it.
 */
async function duplicateWhileRunning(make: (work: () => Promise<string>) => Call) {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const call = make(async () => {
    await gate;
    return 'done';
  });
  const event = { id: 'same-key' };

  const running = call(event);
  await vi.waitFor(async () => expect(await scanItems(table.client(), TABLE)).toHaveLength(1));
  const duplicate = await call(event).then(
    () => undefined,
    (error: Error) => error,
  );
  const records = await scanItems(table.client(), TABLE);
  release();
  await running;
  return { duplicate, records };
}

function options() {
  const config = new IdempotencyConfig({});
  config.registerLambdaContext(lambdaContext());
  return {
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: TABLE, awsSdkV3Client: table.client() }),
    config,
  };
}

describe('Powertools idempotency 2.35.0 and a duplicate of a running call (#5675)', () => {
  it("makeHandlerIdempotent deletes the running call's lock when it rejects the duplicate", async () => {
    const { duplicate, records } = await duplicateWhileRunning((work) => {
      const handler = middy(work).use(makeHandlerIdempotent(options()));
      return (event) => handler(event, lambdaContext());
    });

    expect(duplicate?.name).toBe('IdempotencyAlreadyInProgressError');
    expect(records).toEqual([]);
  });

  it("makeIdempotent rejects the duplicate and leaves the running call's lock alone", async () => {
    const { duplicate, records } = await duplicateWhileRunning((work) =>
      makeIdempotent((_event: { id: string }) => work(), { ...options(), dataIndexArgument: 0 }),
    );

    expect(duplicate?.name).toBe('IdempotencyAlreadyInProgressError');
    expect(records).toEqual([expect.objectContaining({ status: 'INPROGRESS' })]);
  });
});
