/**
 * Lambda: one stage of an export job per invocation ({ jobId, stage } from the export machine,
 * statemachines/export-job.ts), answering what the machine does next ({ next: go | wait | end }).
 * The stage runs on the cloud's ports: the jobs in the status table (with the import jobs), the
 * tables' current versions there too, the saved audiences of the campaign store, Athena's UNLOAD into
 * the job's work prefix and its publication to `out` in the data bucket (athena-export-engine.ts).
 * Each query's deadline is what is left of the invocation less a margin (as the import function's).
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { buildCatalog } from '../catalog/catalog.js';
import { AthenaExportEngine } from '../adapters/athena-export-engine.js';
import { DynamoDbExportStore } from '../adapters/dynamodb-export-store.js';
import { DynamoDbImportStore } from '../adapters/dynamodb-import-store.js';
import { DynamoDbStore } from '../adapters/dynamodb-store.js';
import { S3ObjectStore } from '../adapters/s3-object-store.js';
import { EXPORT_STAGES, type ExportStage } from '../imports/export-plan.js';
import { runExportStage } from '../orchestrator/export-stages.js';
import type { Next } from '../orchestrator/import-stages.js';
import { interruptJob, type JobFailure } from '../orchestrator/job-interrupted.js';
import { FAIL_STAGE } from '../../statemachines/import-job.js';
import { awsCatalog, checkJobEvent, env, withJobDeadline, middlewares } from './aws.js';
import { QUERY_LIMITS } from './deadlines.js';

export interface ExportStageEvent {
  jobId: string;
  /** A stage, or `fail`: the machine's Catch after this function failed (the job marked interrupted). */
  stage: ExportStage | typeof FAIL_STAGE;
  failure?: JobFailure;
}

const limits = QUERY_LIMITS.import;
const athena = new AthenaClient({});
const glue = new GlueClient({});
const s3 = new S3Client({});
const dynamodb = new DynamoDBClient({});
let catalog: ReturnType<typeof buildCatalog> | undefined;

/** Runs the event's stage of its export job. */
export async function exportStage(event: ExportStageEvent, context: Pick<Context, 'getRemainingTimeInMillis'>) {
  checkJobEvent('export', event, EXPORT_STAGES);
  const bucket = env('ORCA_BUCKET');
  const table = env('ORCA_TABLE');
  const engine = new AthenaExportEngine(
    withJobDeadline(
      { athena, glue, s3, objects: new S3ObjectStore(s3, bucket), bucket },
      limits,
      context.getRemainingTimeInMillis(),
    ),
  );
  catalog ??= awsCatalog();
  const jobs = new DynamoDbImportStore(dynamodb, table);
  const store = new DynamoDbExportStore(jobs);
  if (event.stage === FAIL_STAGE) return interruptJob({ store, engine }, event.jobId, event.failure);
  return runExportStage(
    {
      store,
      engine,
      catalog,
      versions: jobs,
      audiences: new DynamoDbStore(dynamodb, table),
    },
    event.jobId,
    event.stage as ExportStage,
  );
}

export const handler = middy<ExportStageEvent, { next: Next }>(exportStage);
for (const m of middlewares) handler.use(m as MiddlewareObj<ExportStageEvent, { next: Next }>);
