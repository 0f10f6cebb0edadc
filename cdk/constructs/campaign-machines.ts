/**
 * One Standard state machine per campaign, whose definition is the compiler's output, byte for
 * byte, with the deployment's names filled in by CloudFormation definition substitutions. They
 * share one role: invoke orca's functions, run queries in orca's workgroup, and what those
 * queries (CTAS) read and write in the bucket and in Glue.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { acknowledgeWildcards, arnRef, glueTables } from '../nag.js';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { CompiledCampaign } from '../campaigns.js';
import { stateMachineName } from '../../lambdas/util/names.js';
import { definitionSubstitutions } from '../../statemachines/asl.js';
import {
  accountArn,
  ATHENA_RESULTS,
  deploymentLogGroupName,
  glueArns,
  LOG_DELIVERY_ACTIONS,
  WRITTEN_PREFIXES,
} from './functions.js';

export interface CampaignMachinesProps {
  campaigns: CompiledCampaign[];
  /** The orchestrator's functions, and the chunk sender of channel activities (their send Map). */
  functions: { control: lambda.IFunction; gate: lambda.IFunction; record: lambda.IFunction; send: lambda.IFunction };
  bucket: s3.IBucket;
  /** Folders of catalog tables in the bucket (read by queries). */
  catalogPrefixes: string[];
  databaseName: string;
  externalDatabases: string[];
  /** Names of other buckets whose objects queries read (an existing data lake). */
  dataLakeBuckets: string[];
  workGroupName: string;
  logRetention: logs.RetentionDays;
  removalPolicy?: RemovalPolicy;
}

/** Athena actions of the startQueryExecution.sync integration (it starts, polls, reads and stops the query). */
export const ATHENA_SYNC_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:StopQueryExecution',
  'athena:GetWorkGroup',
  'athena:GetDataCatalog',
];

export class CampaignMachines extends Construct {
  readonly machines = new Map<string, sfn.StateMachine>();
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: CampaignMachinesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'orca campaign state machines',
    });
    const fns = [props.functions.control, props.functions.gate, props.functions.record, props.functions.send];
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: fns.flatMap((f) => [f.functionArn, `${f.functionArn}:*`]),
      }),
    );
    // What "AWS Step Functions Developer Guide — IAM policies for calling Amazon Athena" lists for
    // startQueryExecution.sync, on orca's workgroup and the account's data catalog.
    // Each on the resource type the Service Authorization Reference gives it.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ATHENA_SYNC_ACTIONS.filter((a) => a !== 'athena:GetDataCatalog'),
        resources: [accountArn(this, 'athena', `workgroup/${props.workGroupName}`)],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['athena:GetDataCatalog'],
        resources: [accountArn(this, 'athena', 'datacatalog/AwsDataCatalog')],
      }),
    );
    // What the activity queries need: read the catalog, write work tables (CTAS) and results.
    const databases = [props.databaseName, ...props.externalDatabases];
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'glue:GetDatabase',
          'glue:GetTable',
          'glue:GetTables',
          'glue:GetPartition',
          'glue:GetPartitions',
          'glue:BatchGetPartition',
        ],
        resources: [...new Set(databases.flatMap((d) => glueArns(this, d, ['*'])))],
      }),
    );
    // A CTAS creates its table in orca's database (only there), adds its partitions, and Athena drops
    // the table again when the query fails half-way.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'glue:CreateTable',
          'glue:UpdateTable',
          'glue:DeleteTable',
          'glue:BatchCreatePartition',
          'glue:CreatePartition',
          'glue:UpdatePartition',
        ],
        resources: glueArns(this, props.databaseName, ['*']),
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [props.bucket.bucketArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [...props.catalogPrefixes, 'incoming/'].map((p) => props.bucket.arnForObjects(`${p}*`)),
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [...WRITTEN_PREFIXES, ATHENA_RESULTS].map((p) => props.bucket.arnForObjects(`${p}*`)),
      }),
    );
    // Machines the API publishes later use this role too: their logs and traces, granted up front.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          ...LOG_DELIVERY_ACTIONS,
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'xray:GetSamplingRules',
          'xray:GetSamplingTargets',
        ],
        resources: ['*'],
      }),
    );
    for (const name of props.dataLakeBuckets) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetBucketLocation', 's3:ListBucket'],
          resources: [`arn:${stack.partition}:s3:::${name}`],
        }),
      );
      this.role.addToPolicy(
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:${stack.partition}:s3:::${name}/*`] }),
      );
    }
    const bucket = arnRef(props.bucket);
    acknowledgeWildcards(this.role, [
      ...fns.map((f) => ({ resource: `${arnRef(f)}:*`, reason: 'Versions and aliases of orca’s own functions.' })),
      ...databases.map((d) => ({
        resource: `${glueTables(d)}*`,
        reason: `Tables of the Glue database ${d}: the catalog’s, and the work tables each run creates (CTAS), named per run.`,
      })),
      ...[...props.catalogPrefixes, 'incoming/'].map((p) => ({
        resource: `${bucket}/${p}*`,
        reason: `Files under ${p}: the data queries read.`,
      })),
      ...[...WRITTEN_PREFIXES, ATHENA_RESULTS].map((p) => ({
        resource: `${bucket}/${p}*`,
        reason: `Files under ${p}: what queries write (work tables, audiences, results).`,
      })),
      {
        resource: '*',
        reason:
          'X-Ray tracing and CloudWatch Logs delivery actions that Step Functions needs have no resource-level permissions.',
      },
      ...props.dataLakeBuckets.map((b) => ({
        resource: `arn:<AWS::Partition>:s3:::${b}/*`,
        reason: `Reading the existing data lake bucket ${b} that catalog tables point at.`,
      })),
    ]);

    for (const c of props.campaigns) {
      const logGroup = new logs.LogGroup(this, `Logs-${c.id}`, {
        logGroupName: deploymentLogGroupName(this, stateMachineName(c.id)),
        retention: props.logRetention,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      const machine = new sfn.StateMachine(this, `Machine-${c.id}`, {
        stateMachineName: stateMachineName(c.id),
        stateMachineType: sfn.StateMachineType.STANDARD,
        definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(c.definition)),
        definitionSubstitutions: definitionSubstitutions({
          control: props.functions.control.functionArn,
          gate: props.functions.gate.functionArn,
          record: props.functions.record.functionArn,
          send: props.functions.send.functionArn,
          workGroup: props.workGroupName,
          database: props.databaseName,
          results: props.bucket.s3UrlForObject(ATHENA_RESULTS),
        }),
        role: this.role,
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
        tracingEnabled: true,
        comment: c.label,
      });
      this.machines.set(c.id, machine);
    }
  }
}
