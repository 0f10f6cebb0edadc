/**
 * The purge in the cloud, as `orca serve` runs it locally: a function run daily by an EventBridge
 * rule removes the work tables of old runs (their objects under work/ and the Glue tables over
 * them, and audience versions no longer current), keeping each campaign's last run and the runs
 * within the retention. Its role may list and delete under work/ and audiences/ and drop the w_, t_
 * and a_ Glue tables, nothing else.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { acknowledgeWildcards, glueTables } from '../nag.js';
import { glueArns, grantDeleteUnder, grantRunTables, orcaFunction, queryEnvironment } from './functions.js';

/** Where old runs' objects are: work tables, and versions of saved audiences. */
const PURGED_PREFIXES = ['work/', 'audiences/'];

export interface OrcaPurgeProps {
  table: dynamodb.ITable;
  bucket: s3.IBucket;
  databaseName: string;
  workGroupName: string;
  catalogJson: string;
  /** Days a run's work tables are kept when its campaign sets no retentionDays. */
  retentionDays: number;
  logRetention: logs.RetentionDays;
  removalPolicy?: RemovalPolicy | undefined;
}

export class OrcaPurge extends Construct {
  readonly function: NodejsFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: OrcaPurgeProps) {
    super(scope, id);
    this.function = orcaFunction(this, 'Purge', {
      entry: 'purge',
      description: 'orca: purges the work tables of old runs (daily)',
      timeout: Duration.minutes(15),
      memorySize: 256,
      table: props.table,
      catalogJson: props.catalogJson,
      environment: {
        ...queryEnvironment(props),
        ORCA_RETENTION_DAYS: String(props.retentionDays),
      },
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const role = this.function.role!;
    grantDeleteUnder(
      role,
      props.bucket,
      PURGED_PREFIXES,
      (p) =>
        `Objects of old runs under ${p} (work tables, audience versions no longer current), named per run: what the purge removes.`,
    );
    // Finding the tables over a run's folder means listing the database's tables.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetTables'],
        resources: glueArns(role, props.databaseName, ['*']),
      }),
    );
    grantRunTables(role, props.databaseName, ['glue:BatchDeleteTable', 'glue:DeleteTable'], ['w_*', 't_*', 'a_*']);
    acknowledgeWildcards(role, [
      {
        resource: `${glueTables(props.databaseName)}*`,
        reason: 'Listing the tables of the database (GetTables) to find those over an old run’s folder.',
      },
    ]);
    this.rule = new events.Rule(this, 'Daily', {
      description: 'orca: purge the work tables of old runs',
      schedule: events.Schedule.rate(Duration.days(1)),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2 })],
    });
  }
}
