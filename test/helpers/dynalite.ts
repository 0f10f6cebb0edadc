/** A DynamoDbStore on dynalite for the tests of one file (started before them, closed after). */
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { DynamoDbStore } from '../../lambdas/adapters/dynamodb-store.js';
import { startDynalite, TABLE, type LocalDynamo } from '../../runtime/dynalite.js';

/** The store, usable in the tests (it forwards to the one beforeAll opens). */
export function useDynaliteStore(): DynamoDbStore {
  return useDynalite().store;
}

/** The store, and a way to write an item of the table directly (bypassing the store). */
export function useDynalite(): { store: DynamoDbStore; putItem(item: Record<string, unknown>): Promise<void> } {
  let dynamo: LocalDynamo;
  let store: DynamoDbStore;
  beforeAll(async () => {
    dynamo = await startDynalite();
    store = new DynamoDbStore(dynamo.client, TABLE);
  });
  afterAll(() => dynamo.close());
  return {
    store: new Proxy({} as DynamoDbStore, {
      get: (_, key) => {
        const value = (store as unknown as Record<PropertyKey, unknown>)[key];
        return typeof value === 'function' ? value.bind(store) : value;
      },
    }),
    putItem: async (item) => {
      await DynamoDBDocumentClient.from(dynamo.client).send(new PutCommand({ TableName: TABLE, Item: item }));
    },
  };
}
