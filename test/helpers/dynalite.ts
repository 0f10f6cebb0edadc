/** A DynamoDbStore on dynalite for the tests of one file (started before them, closed after). */
import { afterAll, beforeAll } from 'vitest';
import { DynamoDbStore } from '../../lambdas/adapters/dynamodb-store.js';
import { startDynalite, TABLE, type LocalDynamo } from '../../runtime/dynalite.js';

/** The store, usable in the tests (it forwards to the one beforeAll opens). */
export function useDynaliteStore(): DynamoDbStore {
  let dynamo: LocalDynamo;
  let store: DynamoDbStore;
  beforeAll(async () => {
    dynamo = await startDynalite();
    store = new DynamoDbStore(dynamo.client, TABLE);
  });
  afterAll(() => dynamo.close());
  return new Proxy({} as DynamoDbStore, {
    get: (_, key) => {
      const value = (store as unknown as Record<PropertyKey, unknown>)[key];
      return typeof value === 'function' ? value.bind(store) : value;
    },
  });
}
