/**
 * Lambda: the providers' delivery events (the EventBridge rule on the SES configuration set's
 * events; the SNS topic of the SMS configuration set's event destination), recorded in the status
 * table (ORCA_TABLE) with opt-outs written to the data bucket (ORCA_BUCKET).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { makeEventsHandler } from '../handlers/handlers.js';
import { DynamoDbReportStore } from '../adapters/dynamodb-report.js';
import { S3ObjectStore } from '../adapters/s3-object-store.js';
import { env, logger, middlewares } from './aws.js';

export const handler = makeEventsHandler(
  {
    reports: new DynamoDbReportStore(new DynamoDBClient({}), env('ORCA_TABLE')),
    objects: new S3ObjectStore(new S3Client({}), env('ORCA_BUCKET')),
    log: (message, fields) => logger.warn(message, fields ?? {}),
  },
  { middlewares },
);
