/**
 * Lambda: the orca HTTP API behind API Gateway (IAM authorization). The same router and campaign
 * service as `orca serve`; publishing and running go through the cloud platform (Step Functions
 * machine versions, EventBridge Scheduler).
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CloudPlatform } from '../adapters/cloud-platform.js';
import { CampaignService } from '../api/service.js';
import { handle } from '../api/router.js';
import { requestOf, resultOf } from '../api/apigateway.js';
import { newExportId, newJobId, newRunId } from '../orchestrator/run-id.js';
import { awsDeps, awsLocation, env, logger, middlewares } from './aws.js';
import { QUERY_LIMITS } from './deadlines.js';
import { DynamoDbReportStore } from '../adapters/dynamodb-report.js';
import { S3ObjectStore } from '../adapters/s3-object-store.js';
import { secretString } from '../adapters/secrets.js';
import { handlePublic } from '../api/public-routes.js';
import type { PublicDeps } from '../orchestrator/unsubscribe.js';
import { awsProviders } from '../adapters/providers.js';
import { ImportService } from '../api/import-service.js';
import { AthenaImportEngine } from '../adapters/athena-import-engine.js';
import { CloudImportPlatform } from '../adapters/cloud-import-platform.js';
import { DynamoDbImportStore } from '../adapters/dynamodb-import-store.js';
import { GlueTableSwitch } from '../adapters/glue-table-switch.js';
import { S3Uploads } from '../adapters/s3-uploads.js';
import { S3Downloads } from '../adapters/s3-downloads.js';
import { DynamoDbExportStore } from '../adapters/dynamodb-export-store.js';
import { SfnImportLauncher } from '../adapters/sfn-import-launcher.js';
import { DEFAULT_UPLOAD_LIMIT } from '../ports/uploads.js';

const deps = awsDeps(QUERY_LIMITS.api);
const reports = new DynamoDbReportStore(new DynamoDBClient({}), env('ORCA_TABLE'));
let linkSecret: Promise<string> | undefined;
/** The public routes (unsubscribe, pixel, click): API Gateway routes without IAM authorization. */
const publicDeps: PublicDeps = {
  reports,
  objects: new S3ObjectStore(new S3Client({}), env('ORCA_BUCKET')),
  // Read on the first public request (and again after a failure), not at every cold start.
  linkSecret: () =>
    (linkSecret ??= secretString(env('ORCA_LINK_SECRET_ARN'), { region: env('AWS_REGION') }).catch((e: unknown) => {
      linkSecret = undefined;
      throw e;
    })),
  log: (message, fields) => logger.warn(message, fields ?? {}),
};
/**
 * Import and export jobs: recorded in the status table, run as executions of their machines
 * (orca_imports, orca_exports), import files uploaded with presigned PUTs under uploads/ and export
 * files fetched with presigned GETs under exports/ (a client that adds no checksum of an empty body
 * to the URL), tables rolled back with a Glue UpdateTable.
 */
function importService(): ImportService {
  const bucket = env('ORCA_BUCKET');
  const database = env('ORCA_DATABASE');
  const s3 = new S3Client({});
  const glue = new GlueClient({});
  const sfn = new SFNClient({});
  // Presigned URLs carry no checksum of an empty body, and no checksum mode on a GET.
  const presigner = new S3Client({
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const objects = new S3ObjectStore(s3, bucket);
  const store = new DynamoDbImportStore(new DynamoDBClient({}), env('ORCA_TABLE'));
  const athena = new AthenaImportEngine({
    athena: new AthenaClient({}),
    glue,
    s3,
    objects,
    bucket,
    database,
    workGroup: env('ORCA_WORKGROUP'),
  });
  return new ImportService({
    store,
    catalog: deps.catalog,
    platform: new CloudImportPlatform({
      store,
      launcher: new SfnImportLauncher({ sfn, machineArn: env('ORCA_IMPORT_MACHINE') }),
      exportLauncher: new SfnImportLauncher({ sfn, machineArn: env('ORCA_EXPORT_MACHINE') }),
      cancelMatching: (text) => athena.cancelMatching(text),
      objects,
    }),
    uploads: new S3Uploads(presigner, bucket, DEFAULT_UPLOAD_LIMIT),
    exports: new DynamoDbExportStore(store),
    downloads: new S3Downloads(presigner, bucket),
    tables: new GlueTableSwitch({ glue, database, bucket }),
    newJobId,
    newExportId,
  });
}

const service = new CampaignService({
  imports: importService(),
  reports,
  // Publication checks channel throttles against the providers' rates (SES GetAccount).
  providers: awsProviders(process.env),
  store: deps.store,
  engine: deps.engine,
  catalog: deps.catalog,
  dialect: deps.engine.dialect,
  newRunId,
  platform: new CloudPlatform({
    sfn: deps.sfn,
    scheduler: new SchedulerClient({}),
    athena: new AthenaClient({}),
    lambda: new LambdaClient({}),
    store: deps.store,
    ...awsLocation(),
    machineRoleArn: env('ORCA_MACHINE_ROLE'),
    schedulerRoleArn: env('ORCA_SCHEDULER_ROLE'),
    logGroupArn: env('ORCA_MACHINE_LOGS'),
    functions: {
      control: env('ORCA_CONTROL_FUNCTION'),
      gate: env('ORCA_GATE_FUNCTION'),
      record: env('ORCA_RECORD_FUNCTION'),
      send: env('ORCA_SEND_FUNCTION'),
    },
    workGroup: env('ORCA_WORKGROUP'),
    database: env('ORCA_DATABASE'),
    bucket: env('ORCA_BUCKET'),
  }),
});

export const handler = middy<APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2>(
  async (event: APIGatewayProxyEventV2WithIAMAuthorizer) => {
    const request = requestOf(event);
    // The web console's CORS preflight (route OPTIONS /{proxy+}, no authorization): API Gateway adds the CORS headers.
    if (request.method === 'OPTIONS') return resultOf({ status: 204, headers: {}, body: '' });
    const response =
      (await handlePublic(request, publicDeps)) ??
      (await handle(service, request, (e) =>
        logger.error('request failed', { method: request.method, path: request.path, error: e as Error }),
      ));
    return resultOf(response);
  },
);
for (const m of middlewares)
  handler.use(m as MiddlewareObj<APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2>);
