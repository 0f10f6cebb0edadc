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
import { DynamoDbLedger, DynamoDbRateLimiter } from '../adapters/dynamodb-ledger.js';
import { DynamoDbReportStore } from '../adapters/dynamodb-report.js';
import { awsProviders } from '../adapters/providers.js';
import { S3ObjectStore } from '../adapters/s3-object-store.js';
import { secretString } from '../adapters/secrets.js';
import type { ChannelDeps, Deps, LinkSettings } from '../orchestrator/types.js';
import type { Notifier } from '../ports/notifier.js';
import { stateMachineArn, stateMachineName, type AwsLocation } from '../util/names.js';
import type { QueryLimits } from './deadlines.js';
import { FAIL_STAGE } from '../../statemachines/import-job.js';

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

/** The catalog compiled into the bundle (ORCA_CATALOG), or the environment's outside a bundle. */
export function awsCatalog(): ReturnType<typeof buildCatalog> {
  return buildCatalog(JSON.parse(typeof ORCA_CATALOG === 'string' ? ORCA_CATALOG : env('ORCA_CATALOG_JSON')));
}

/**
 * A job function's event (import, export), checked: a job id and one of its `stages`, or `fail`,
 * the machine's Catch after the function failed.
 */
export function checkJobEvent<S extends string>(
  kind: 'import' | 'export',
  event: { jobId?: unknown; stage?: unknown } | undefined,
  stages: readonly S[],
): asserts event is { jobId: string; stage: S | typeof FAIL_STAGE } {
  if (typeof event?.jobId !== 'string' || !(stages.includes(event.stage as S) || event.stage === FAIL_STAGE))
    throw new Error(
      `the ${kind} function takes { jobId, stage } with a stage among ${stages.join(', ')}, ${FAIL_STAGE}`,
    );
}

/**
 * A job function's engine options (import, export) with orca's workgroup and database: each
 * query's deadline is its own, or the invocation's end less a margin when sooner, read by each
 * wait (a getter: a spread would fix it at the invocation's start).
 */
export function withJobDeadline<T extends object>(
  options: T,
  limits: Pick<QueryLimits, 'queryDeadlineMs' | 'pollMs' | 'marginMs'>,
  remainingMs: number,
): T & { database: string; workGroup: string; poll: QueryLimits['pollMs']; readonly timeoutMs: number } {
  const end = Date.now() + remainingMs - limits.marginMs - limits.pollMs[1];
  return {
    ...options,
    database: env('ORCA_DATABASE'),
    workGroup: env('ORCA_WORKGROUP'),
    poll: limits.pollMs,
    get timeoutMs() {
      return Math.max(0, Math.min(limits.queryDeadlineMs, end - Date.now()));
    },
  };
}

/** The adapters; `limits` for the functions that wait on queries (their deadline fits their timeout). */
export function awsDeps(
  limits?: Pick<QueryLimits, 'queryDeadlineMs' | 'pollMs'>,
): Deps & { sfn: SFNClient; store: DynamoDbStore; engine: AthenaEngine } {
  const store = awsStore();
  const sfn = new SFNClient({});
  const notifier: Notifier = process.env.ORCA_ALERT_TOPIC
    ? new SnsNotifier(new SNSClient({}), process.env.ORCA_ALERT_TOPIC)
    : { notify: async () => {} };
  return {
    store,
    sfn,
    catalog: awsCatalog(),
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

/**
 * The links of the steps that render no message (prepared, sent): the channel adapters they use are
 * the report store, the ledger and the objects; reading these links would be a bug, and says so.
 */
const NO_LINKS: LinkSettings = {
  get baseUrl(): string {
    throw new Error('this function renders no message: it has no link settings');
  },
  get secret(): string {
    throw new Error('this function renders no message: it has no link secret');
  },
  tracking: 'provider',
};

/**
 * The channel adapters on the status table (ledger, rate limiter, report counters) and the data
 * bucket (message tables, manifests, the message log), with the providers the environment names
 * (awsProviders: SES, End User Messaging SMS, SNS push). `links` for the send function, which
 * renders messages; the control and record functions' steps get none.
 */
export function awsChannels(links: LinkSettings = NO_LINKS): ChannelDeps {
  const dynamodb = new DynamoDBClient({});
  const table = env('ORCA_TABLE');
  return {
    providers: awsProviders(process.env),
    ledger: new DynamoDbLedger(dynamodb, table),
    rate: new DynamoDbRateLimiter(dynamodb, table),
    reports: new DynamoDbReportStore(dynamodb, table),
    objects: new S3ObjectStore(new S3Client({}), env('ORCA_BUCKET')),
    links,
  };
}

/**
 * The send function's links: the API's URL for the public routes, the secret signing them (read
 * from Secrets Manager once per instance, again after a failure), and opens and clicks tracked by
 * SES through its configuration set ('provider'), not by rewritten links.
 */
let linkSecret: Promise<string> | undefined;
export async function awsLinks(): Promise<LinkSettings> {
  linkSecret ??= secretString(env('ORCA_LINK_SECRET_ARN'), { region: env('AWS_REGION') }).catch((e: unknown) => {
    linkSecret = undefined;
    throw e;
  });
  return { baseUrl: env('ORCA_PUBLIC_URL'), secret: await linkSecret, tracking: 'provider' };
}

export const middlewares: MiddlewareObj[] = [injectLambdaContext(logger, { clearState: true }) as MiddlewareObj];
export { SfnCallbacks };
