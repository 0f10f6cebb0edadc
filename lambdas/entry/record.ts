/**
 * Lambda: records an activity's outputs after its query or wait; channel activities' sent step; an
 * update data activity's swap (deps.versions: the table versions in the status table, the switch a
 * Glue UpdateTable of the table's location, as an import job's swap).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GlueClient } from '@aws-sdk/client-glue';
import { DynamoDbImportStore } from '../adapters/dynamodb-import-store.js';
import { GlueTableSwitch } from '../adapters/glue-table-switch.js';
import { makeRecordHandler } from '../handlers/handlers.js';
import { awsChannels, awsDeps, env, middlewares } from './aws.js';
import { QUERY_LIMITS } from './deadlines.js';

/** The record function's adapters: awsDeps, the channels (the sent step) and the table versions (update data). */
export function recordDeps() {
  return {
    ...awsDeps(QUERY_LIMITS.record),
    channels: awsChannels(),
    versions: {
      store: new DynamoDbImportStore(new DynamoDBClient({}), env('ORCA_TABLE')),
      tables: new GlueTableSwitch({
        glue: new GlueClient({}),
        database: env('ORCA_DATABASE'),
        bucket: env('ORCA_BUCKET'),
      }),
    },
  };
}

// The sent step sums the chunks' counts (the ledger) and sets the counters (the status table).
export const handler = makeRecordHandler(recordDeps(), { middlewares });
