/**
 * The AWS adapters behind the Lambda entry points, configured from the environment the CDK
 * construct sets. The catalog is compiled into the bundle at synth time (ORCA_CATALOG).
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import { buildCatalog } from '../catalog/catalog.js';
import { DynamoDbStore } from '../adapters/dynamodb-store.js';
import { AthenaEngine } from '../adapters/athena-engine.js';
import { SnsNotifier } from '../adapters/sns-notifier.js';
import { CloudRunControl, SfnCallbacks } from '../adapters/cloud-control.js';
import type { Deps } from '../orchestrator/types.js';
import type { Notifier } from '../ports/notifier.js';
import { stateMachineArn, stateMachineName, type AwsLocation } from '../util/names.js';
import type { QueryLimits } from './deadlines.js';

declare const ORCA_CATALOG: string | undefined;

export function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is not set`);
  return v;
}

export const logger = new Logger({ serviceName: 'orca' });

/** This function's partition, region and account. */
export function awsLocation(): AwsLocation {
  return { partition: process.env.ORCA_PARTITION, region: env('AWS_REGION'), account: env('ORCA_ACCOUNT') };
}

/** The status table: all the register function needs (its environment has nothing else). */
export function awsStore(): DynamoDbStore {
  return new DynamoDbStore(new DynamoDBClient({}), env('ORCA_TABLE'));
}

/** The adapters; `limits` for the functions that wait on queries (their deadline fits their timeout). */
export function awsDeps(
  limits?: Pick<QueryLimits, 'queryDeadlineMs' | 'pollMs'>,
): Deps & { sfn: SFNClient; store: DynamoDbStore; engine: AthenaEngine } {
  const catalogJson = typeof ORCA_CATALOG === 'string' ? ORCA_CATALOG : env('ORCA_CATALOG_JSON');
  const store = awsStore();
  const sfn = new SFNClient({});
  const notifier: Notifier = process.env.ORCA_ALERT_TOPIC
    ? new SnsNotifier(new SNSClient({}), process.env.ORCA_ALERT_TOPIC)
    : { notify: async () => {} };
  return {
    store,
    sfn,
    catalog: buildCatalog(JSON.parse(catalogJson)),
    engine: new AthenaEngine({
      athena: new AthenaClient({}),
      glue: new GlueClient({}),
      s3: new S3Client({}),
      bucket: env('ORCA_BUCKET'),
      database: env('ORCA_DATABASE'),
      workGroup: env('ORCA_WORKGROUP'),
      ...(limits ? { timeoutMs: limits.queryDeadlineMs, poll: limits.pollMs } : {}),
    }),
    notifier,
    control: new CloudRunControl(store),
    signal: async (campaignId, variables, from) => {
      const arn = stateMachineArn(awsLocation(), stateMachineName(campaignId));
      const r = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: arn,
          input: JSON.stringify({ run: { variables }, trigger: `signal from ${from.campaignId} run ${from.runId}` }),
        }),
      );
      return r.executionArn!.split(':').pop()!;
    },
  };
}

export const middlewares: MiddlewareObj[] = [injectLambdaContext(logger, { clearState: true }) as MiddlewareObj];
export { SfnCallbacks };
