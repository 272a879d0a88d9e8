import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DeleteItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll } from 'vitest';

// dynalite ships no types; this is the part of its API the suite uses.
type DynaliteFactory = (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;

export interface RunningDynalite {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts an in-memory DynamoDB on a random loopback port. */
export async function startDynalite(): Promise<RunningDynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** The table Powertools' DynamoDBPersistenceLayer expects by default: a string hash key `id`. */
export async function createIdempotencyTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

/** Every item of the table, plain values. */
export async function scanItems(
  client: DynamoDBClient,
  tableName: string,
): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
  return Items.map((item) =>
    Object.fromEntries(Object.entries(item).map(([name, value]) => [name, value.S ?? value.N ?? value.BOOL])),
  );
}

/** Empties the table between tests. */
export async function clearTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
  for (const item of Items) {
    if (item.id) await client.send(new DeleteItemCommand({ TableName: tableName, Key: { id: item.id } }));
  }
}

/**
 * Gives the calling test file a dynalite of its own holding one idempotency table: started before
 * its first test, emptied after each, closed after the last. Call it at the top of the file.
 *
 * @example const table = useIdempotencyTable('registrar-idempotency'); … scanItems(table.client(), …)
 */
export function useIdempotencyTable(tableName: string): { client: () => DynamoDBClient } {
  let db: RunningDynalite | undefined;
  let dynamodb: DynamoDBClient | undefined;
  beforeAll(async () => {
    db = await startDynalite();
    dynamodb = new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'local' },
    });
    await createIdempotencyTable(dynamodb, tableName);
  });
  afterEach(async () => {
    if (dynamodb) await clearTable(dynamodb, tableName);
  });
  afterAll(async () => {
    dynamodb?.destroy();
    await db?.close();
  });
  return {
    client: () => {
      if (!dynamodb) throw new Error('useIdempotencyTable: the table is ready only inside tests');
      return dynamodb;
    },
  };
}
