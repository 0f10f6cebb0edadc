/**
 * The three Lambda functions of the orchestrator, bundled by the local esbuild, each with its own
 * role granting only what it touches:
 *
 * - control (start, finalize, failures): the status table.
 * - gate (before each activity): the status table; clearing its own targets in the bucket and in
 *   Glue; answering task tokens of orca's state machines; starting them (End signals); alerts.
 * - record (after each activity): the status table; counting rows with small Athena queries;
 *   Glue tables per transition.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { acknowledgeWildcards, arnRef, glueTables } from '../nag.js';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { packageRoot } from '../../lambdas/util/package.js';
import { QUERY_LIMITS } from '../../lambdas/entry/deadlines.js';

/** The package root (package.json, package-lock.json), from the sources or from dist/. */
export const ORCA_ROOT = packageRoot();

/** A Lambda entry point: the TypeScript source next to this file, or the compiled JavaScript. */
function entry(name: string): string {
  const base = join(import.meta.dirname, '../../lambdas/entry', name);
  return existsSync(`${base}.ts`) ? `${base}.ts` : `${base}.js`;
}

/** Where queries write their results (the workgroup's default, and what every query start names). */
import { ATHENA_RESULTS } from '../../lambdas/layout.js';

export { ATHENA_RESULTS };

/** Prefixes of the data bucket orca writes. */
export const WRITTEN_PREFIXES = ['work/', 'audiences/', 'state/'];

export interface OrcaFunctionOptions {
  /** The entry point under lambdas/entry (without extension). */
  entry: string;
  description: string;
  timeout: Duration;
  memorySize: number;
  table: dynamodb.ITable;
  /** The catalog, as JSON, compiled into the bundle. */
  catalogJson: string;
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
  removalPolicy?: RemovalPolicy | undefined;
}

/** Where a function's queries go: the data bucket, orca's Glue database and its Athena workgroup. */
export function queryEnvironment(o: { bucket: s3.IBucket; databaseName: string; workGroupName: string }) {
  return { ORCA_BUCKET: o.bucket.bucketName, ORCA_DATABASE: o.databaseName, ORCA_WORKGROUP: o.workGroupName };
}

/**
 * How every function is bundled by esbuild: ESM for Node 22+ (the SDK v3 from the runtime), with a
 * `require` for the CommonJS dependencies, the catalog compiled in as ORCA_CATALOG.
 */
export function orcaBundling(catalogJson: string) {
  return {
    format: OutputFormat.ESM,
    target: 'node22',
    minify: true,
    sourceMap: true,
    externalModules: ['@aws-sdk/*'],
    define: { ORCA_CATALOG: JSON.stringify(catalogJson) },
    banner:
      "import { createRequire as orcaCreateRequire } from 'node:module'; const require = orcaCreateRequire(import.meta.url);",
  };
}

/**
 * One of orca's functions: bundled from its entry point by the local esbuild (ESM, arm64, the
 * catalog compiled in), traced, logging to its own log group, with a role of its own that may
 * read and write the status table. Callers add what else it touches.
 */
export function orcaFunction(scope: Construct, name: string, o: OrcaFunctionOptions): NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${name}Logs`, {
    retention: o.logRetention,
    removalPolicy: o.removalPolicy ?? RemovalPolicy.RETAIN,
  });
  const role = new iam.Role(scope, `${name}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `orca ${name} function`,
  });
  // Logs to its own log group only (instead of the AWSLambdaBasicExecutionRole managed policy).
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:*`],
    }),
  );
  const fn = new NodejsFunction(scope, name, {
    entry: entry(o.entry),
    handler: 'handler',
    projectRoot: ORCA_ROOT,
    depsLockFilePath: join(ORCA_ROOT, 'package-lock.json'),
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    description: o.description,
    timeout: o.timeout,
    memorySize: o.memorySize,
    role,
    logGroup,
    tracing: lambda.Tracing.ACTIVE,
    environment: {
      ORCA_TABLE: o.table.tableName,
      ORCA_ACCOUNT: Stack.of(scope).account,
      ORCA_PARTITION: Stack.of(scope).partition,
      POWERTOOLS_SERVICE_NAME: 'orca',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      ...o.environment,
    },
    bundling: orcaBundling(o.catalogJson),
  });
  o.table.grantReadWriteData(fn);
  acknowledgeWildcards(role, [
    {
      resource: '*',
      reason: 'X-Ray tracing actions (xray:PutTraceSegments, xray:PutTelemetryRecords) cannot be scoped to a resource.',
    },
    { resource: `${arnRef(logGroup)}:*`, reason: 'Log streams of the function’s own log group.' },
    {
      resource: `${arnRef(o.table)}/index/*`,
      reason: 'Queries on the status table’s own indexes (runs by campaign, recent runs).',
    },
  ]);
  return fn;
}

/** ARNs in this stack's account and region. */
export function accountArn(scope: Construct, service: string, resource: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
}

/** The Glue catalog, a database and some of its tables, as IAM resources. */
export function glueArns(scope: Construct, database: string, tables: string[]): string[] {
  return [
    accountArn(scope, 'glue', 'catalog'),
    accountArn(scope, 'glue', `database/${database}`),
    ...tables.map((t) => accountArn(scope, 'glue', `table/${database}/${t}`)),
  ];
}

/**
 * A log group name unique to this deployment of the stack: `/aws/vendedlogs/states/<base>-<stack uuid>`.
 * Retained log groups outlive `cdk destroy`; a fixed name would make the next deployment fail
 * ("already exists"). The stack id's UUID changes with each creation of the stack; the
 * /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy small for Step Functions logging.
 */
export function deploymentLogGroupName(scope: Construct, base: string): string {
  const uuid = Fn.select(2, Fn.split('/', Stack.of(scope).stackId));
  return `/aws/vendedlogs/states/${base}-${uuid}`;
}

/** Actions Step Functions logging needs (on the caller and on the machine's role); no resource-level permissions. */
export const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

/** Glue tables of runs: w_ work, a_ audiences, h_ incremental history, t_ transitions, csv_ loaded files. */
const RUN_TABLES: Record<string, string> = {
  'w_*': 'work tables',
  'a_*': 'saved audiences',
  'h_*': 'incremental history',
  't_*': 'transitions',
  'csv_*': 'loaded files',
};

/**
 * Lets a query-running role read the objects under some prefixes of the data bucket, as Athena
 * does as the caller: the bucket's location and multipart uploads, the prefixes' listing and their
 * objects (wildcards acknowledged by the caller, with the reason of each prefix).
 */
export function grantReadUnder(role: iam.IRole, bucket: s3.IBucket, prefixes: readonly string[]): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
      resources: [bucket.bucketArn],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } },
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)),
    }),
  );
}

/**
 * Lets a role list and delete the objects under some prefixes of the data bucket (each wildcard
 * acknowledged for cdk-nag with the reason given for its prefix).
 */
export function grantDeleteUnder(
  role: iam.IRole,
  bucket: s3.IBucket,
  prefixes: readonly string[],
  reason: (prefix: string) => string,
): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } },
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:DeleteObject'],
      resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)),
    }),
  );
  acknowledgeWildcards(
    role,
    prefixes.map((p) => ({ resource: `${arnRef(bucket)}/${p}*`, reason: reason(p) })),
  );
}

/**
 * Read access to a team's existing data lake buckets (catalog tables in their own Glue database
 * point at them): their objects and their listing, the objects' wildcard acknowledged with `why`.
 */
export function grantDataLakeRead(role: iam.IRole, buckets: readonly string[], why: string): void {
  const partition = Stack.of(role).partition;
  for (const name of buckets) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:${partition}:s3:::${name}/*`] }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [`arn:${partition}:s3:::${name}`] }),
    );
  }
  acknowledgeWildcards(
    role,
    buckets.map((b) => ({
      resource: `arn:<AWS::Partition>:s3:::${b}/*`,
      reason: `Reading the existing data lake bucket ${b} that catalog tables point at (${why}).`,
    })),
  );
}

/** Grants actions on Glue tables of runs, acknowledging exactly those wildcards. */
export function grantRunTables(role: iam.IRole, databaseName: string, actions: string[], tables: string[]): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: glueArns(role, databaseName, tables) }));
  acknowledgeWildcards(
    role,
    tables.map((t) => ({
      resource: `${glueTables(databaseName)}${t}`,
      reason: `Glue tables of runs (${RUN_TABLES[t]}, ${t.replace('*', '')}…), named per run and activity, which cannot be listed in advance.`,
    })),
  );
}

/**
 * Small Athena queries over work tables (row counts, previews) in orca's workgroup: the query
 * actions, reading what runs wrote, writing results, and the Glue tables of runs.
 */
export function grantWorkTableQueries(
  role: iam.IRole,
  o: {
    bucket: s3.IBucket;
    databaseName: string;
    workGroupName: string;
    athenaActions: string[];
    glueActions: string[];
  },
): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: o.athenaActions,
      resources: [accountArn(role, 'athena', `workgroup/${o.workGroupName}`)],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['s3:GetBucketLocation', 's3:ListBucket'], resources: [o.bucket.bucketArn] }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: WRITTEN_PREFIXES.map((p) => o.bucket.arnForObjects(`${p}*`)),
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      resources: [o.bucket.arnForObjects(`${ATHENA_RESULTS}*`)],
    }),
  );
  grantRunTables(role, o.databaseName, o.glueActions, ['w_*', 'a_*', 'h_*', 't_*']);
  acknowledgeWildcards(
    role,
    [...WRITTEN_PREFIXES, ATHENA_RESULTS].map((p) => ({
      resource: `${arnRef(o.bucket)}/${p}*`,
      reason: `Objects under ${p} in the data bucket: what runs wrote, and query results.`,
    })),
  );
}

/** Athena actions to run a query and read its results. */
export const QUERY_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:StopQueryExecution',
];

export interface OrcaFunctionsProps {
  table: dynamodb.ITable;
  bucket: s3.IBucket;
  databaseName: string;
  externalDatabases: string[];
  workGroupName: string;
  /** The catalog, as JSON, compiled into the bundles. */
  catalogJson: string;
  alertTopic: sns.ITopic;
  logRetention: logs.RetentionDays;
  removalPolicy?: RemovalPolicy;
}

export class OrcaFunctions extends Construct {
  readonly control: NodejsFunction;
  readonly gate: NodejsFunction;
  readonly record: NodejsFunction;

  constructor(scope: Construct, id: string, props: OrcaFunctionsProps) {
    super(scope, id);
    const arn = (service: string, resource: string) => accountArn(this, service, resource);
    const make = (name: string, description: string, timeout: Duration, memorySize: number) =>
      orcaFunction(this, name, {
        entry: name.toLowerCase(),
        description,
        timeout,
        memorySize,
        table: props.table,
        catalogJson: props.catalogJson,
        environment: {
          ...queryEnvironment(props),
          ORCA_ALERT_TOPIC: props.alertTopic.topicArn,
        },
        logRetention: props.logRetention,
        removalPolicy: props.removalPolicy,
      });

    this.control = make('Control', 'orca: starts and ends runs, handles activity failures', Duration.seconds(30), 256);
    this.gate = make('Gate', 'orca: the gate before each campaign activity', Duration.minutes(2), 512);
    this.record = make(
      'Record',
      'orca: records an activity’s outputs',
      Duration.seconds(QUERY_LIMITS.record.timeoutSeconds),
      512,
    );

    // gate: clear a query's target before it runs (an earlier attempt's files and table) ...
    const gate = this.gate.role!;
    grantDeleteUnder(
      gate,
      props.bucket,
      WRITTEN_PREFIXES,
      (p) => `Objects under ${p} in the data bucket: an earlier attempt's files, cleared before a query runs again.`,
    );
    // ... and its Glue table.
    grantRunTables(
      gate,
      props.databaseName,
      ['glue:GetDatabase', 'glue:GetTable', 'glue:CreateTable', 'glue:DeleteTable'],
      ['w_*', 'a_*', 'h_*', 'csv_*'],
    );
    // Task tokens: "Service Authorization Reference — AWS Step Functions" lists no resource type for
    // SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat, so they are granted on "*" (a statement
    // naming machines never applies to them). The token itself is the capability.
    this.gate.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
        resources: ['*'],
      }),
    );
    Validations.of(gate).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'states:SendTaskSuccess/Failure/Heartbeat have no resource type (Service Authorization Reference, AWS Step Functions): they take "*"; the task token names the task.',
    });
    // End signals start orca's state machines.
    const machines = arn('states', 'stateMachine:orca-*');
    this.gate.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [machines] }));
    // A Load file's CSV, copied into its run's folder (work/) before its table is made.
    gate.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.bucket.arnForObjects('incoming/*')] }),
    );
    gate.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [props.bucket.arnForObjects('work/*')],
      }),
    );
    acknowledgeWildcards(gate, [
      {
        resource: `${arnRef(props.bucket)}/incoming/*`,
        reason: 'Files for Load file activities, which users upload under incoming/.',
      },
    ]);
    // Alerts: publishing to the encrypted topic takes its key too (kms:Decrypt, kms:GenerateDataKey*).
    props.alertTopic.grantPublish(this.gate);
    Validations.of(gate).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to an SNS topic encrypted with a customer-managed key: SNS asks for a data key of the topic key only (the grant names that key).',
    });

    // record: row counts and a Glue table per transition (t_).
    grantWorkTableQueries(this.record.role!, {
      ...props,
      athenaActions: QUERY_ACTIONS,
      glueActions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions', 'glue:CreateTable', 'glue:DeleteTable'],
    });
    acknowledgeWildcards(this.gate.role!, [
      {
        resource: 'arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:orca-*',
        reason: 'Task tokens and End signals of orca’s campaign state machines, which later deployments add.',
      },
    ]);
  }
}
