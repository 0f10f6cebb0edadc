/**
 * Lambda: one stage of an import job per invocation ({ jobId, stage } from the job machine,
 * statemachines/import-job.ts), answering what the machine does next ({ next: go | wait | end }).
 * The stage runs on the cloud's ports: the import store in the status table, Athena for the
 * statements, Glue UpdateTable for the swap, the data bucket for the file. Pause and cancel are
 * statuses in the store, read by the stage before it runs (lambdas/orchestrator/import-stages.ts).
 * Each query's deadline is what is left of the invocation less a margin, so that a stage ends (its
 * query cancelled, the job finished with errors and the table unchanged) before Lambda's timeout.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { buildCatalog } from '../catalog/catalog.js';
import { AthenaImportEngine } from '../adapters/athena-import-engine.js';
import { DynamoDbImportStore } from '../adapters/dynamodb-import-store.js';
import { GlueTableSwitch } from '../adapters/glue-table-switch.js';
import { S3ObjectStore } from '../adapters/s3-object-store.js';
import { STAGES, type Stage } from '../imports/plan.js';
import { runStage, type Next } from '../orchestrator/import-stages.js';
import { interruptJob, type JobFailure } from '../orchestrator/job-interrupted.js';
import { FAIL_STAGE } from '../../statemachines/import-job.js';
import { awsCatalog, checkJobEvent, env, withJobDeadline, middlewares } from './aws.js';
import { QUERY_LIMITS } from './deadlines.js';

export interface ImportStageEvent {
  jobId: string;
  /** A stage, or `fail`: the machine's Catch after this function failed (the job marked interrupted). */
  stage: Stage | typeof FAIL_STAGE;
  failure?: JobFailure;
}

const limits = QUERY_LIMITS.import;
const athena = new AthenaClient({});
const glue = new GlueClient({});
const s3 = new S3Client({});
const dynamodb = new DynamoDBClient({});
let catalog: ReturnType<typeof buildCatalog> | undefined;

/** Runs the event's stage of its job. */
export async function importStage(event: ImportStageEvent, context: Pick<Context, 'getRemainingTimeInMillis'>) {
  checkJobEvent('import', event, STAGES);
  const bucket = env('ORCA_BUCKET');
  const engine = new AthenaImportEngine(
    withJobDeadline(
      { athena, glue, s3, objects: new S3ObjectStore(s3, bucket), bucket },
      limits,
      context.getRemainingTimeInMillis(),
    ),
  );
  catalog ??= awsCatalog();
  const store = new DynamoDbImportStore(dynamodb, env('ORCA_TABLE'));
  if (event.stage === FAIL_STAGE) return interruptJob({ store, engine, versions: store }, event.jobId, event.failure);
  return runStage(
    {
      store,
      engine,
      catalog,
      tables: new GlueTableSwitch({ glue, database: env('ORCA_DATABASE'), bucket }),
    },
    event.jobId,
    event.stage as Stage,
  );
}

export const handler = middy<ImportStageEvent, { next: Next }>(importStage);
for (const m of middlewares) handler.use(m as MiddlewareObj<ImportStageEvent, { next: Next }>);
