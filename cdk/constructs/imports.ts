/**
 * Import jobs in the cloud: the import function (one stage of a job per invocation, on Athena, the
 * status table, Glue and the data bucket) and the job machine `orca_imports` (statemachines/import-job.ts,
 * its `${ImportFunction}` substituted at deploy), whose executions the API starts, one per job.
 *
 * The function's grants are the catalog's tables only: Glue GetTable and UpdateTable (the swap) on
 * those tables, S3 read of their folders and read/write of their version folders
 * (versions/<table>/), the job's work prefix (imports/: its work tables, the file's copy, the
 * rejects) and its Glue tables (imp_…), read of the uploads (uploads/). Athena runs each CTAS as the
 * caller ("Amazon Athena User Guide — Access to Amazon S3", "— Fine-grained access to databases and
 * tables"), so these are what the queries touch too. `grantApi` lets the API start jobs, cancel their
 * queries and presign uploads (s3:PutObject on uploads/).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Catalog, CatalogTable } from '../../lambdas/catalog/catalog.js';
import { QUERY_LIMITS } from '../../lambdas/entry/deadlines.js';
import { compileImportJob, IMPORT_MACHINE } from '../../statemachines/import-job.js';
import { compileExportJob, EXPORT_MACHINE } from '../../statemachines/export-job.js';
import { acknowledgeWildcards, arnRef, glueTables } from '../nag.js';
import {
  accountArn,
  ATHENA_RESULTS,
  deploymentLogGroupName,
  glueArns,
  grantDataLakeRead,
  grantDeleteUnder,
  grantReadUnder,
  orcaFunction,
  QUERY_ACTIONS,
  queryEnvironment,
} from './functions.js';

/** The job's work prefix (imports/<id>/…), the uploads and the version folders of the catalog's tables. */
export const IMPORTS_PREFIX = 'imports/';
export const UPLOADS_PREFIX = 'uploads/';
/** Export jobs write under exports/: their work prefix (exports/.work/<job>/, UNLOAD's TO) and their files. */
export const EXPORTS_PREFIX = 'exports/';
/** Saved audiences: their files (audiences/<name>/…) and Glue tables (a_…), read by an audience's export. */
export const AUDIENCES_PREFIX = 'audiences/';
export const AUDIENCE_TABLES = 'a_*';
export const versionsPrefix = (table: string) => `versions/${table}/`;
/** The Glue tables of jobs (work tables, the file's table): imp_<work>_<stage>_<hash>. */
export const IMPORT_TABLES = 'imp_*';

/** The catalog tables an import job may write: orca's own Parquet tables and existing Glue tables (not orca's lake). */
export function importableTables(catalog: Catalog): CatalogTable[] {
  return [...catalog.tables.values()].filter((t) => !t.lake);
}

export interface OrcaImportsProps {
  catalog: Catalog;
  catalogJson: string;
  table: dynamodb.ITable;
  bucket: s3.IBucket;
  databaseName: string;
  workGroupName: string;
  /** Buckets of an existing data lake whose Glue tables the catalog names (read as a job's current version). */
  dataLakeBuckets: string[];
  logRetention: logs.RetentionDays;
  removalPolicy?: RemovalPolicy | undefined;
}

export class OrcaImports extends Construct {
  readonly function: NodejsFunction;
  readonly machine: sfn.StateMachine;
  readonly machineRole: iam.Role;
  readonly exportFunction: NodejsFunction;
  readonly exportMachine: sfn.StateMachine;
  private readonly bucket: s3.IBucket;
  private readonly workGroupName: string;
  /** The catalog's tables jobs may write, and their Glue ARNs (with the catalog and their databases). */
  private readonly tables: CatalogTable[];
  private readonly catalogTableArns: string[];

  constructor(scope: Construct, id: string, props: OrcaImportsProps) {
    super(scope, id);
    this.bucket = props.bucket;
    this.workGroupName = props.workGroupName;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const tables = importableTables(props.catalog);
    this.tables = tables;
    const own = tables.filter((t) => !t.glue);

    this.function = orcaFunction(this, 'Import', {
      entry: 'import',
      description: 'orca: runs one stage of an import job',
      timeout: Duration.seconds(QUERY_LIMITS.import.timeoutSeconds),
      memorySize: 1024,
      table: props.table,
      catalogJson: props.catalogJson,
      environment: queryEnvironment(props),
      logRetention: props.logRetention,
      removalPolicy,
    });
    const role = this.function.role!;
    const bucket = props.bucket;

    // Athena: the job's statements in orca's workgroup (and cancelled at the invocation's deadline).
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: QUERY_ACTIONS,
        resources: [accountArn(this, 'athena', `workgroup/${props.workGroupName}`)],
      }),
    );
    // Glue: the catalog's tables, read by the queries and switched by the swap (UpdateTable), named one by one.
    const catalogTableArns = tables.map((t) =>
      accountArn(this, 'glue', `table/${t.glue?.database ?? props.databaseName}/${t.glue?.table ?? t.name}`),
    );
    const databases = [...new Set([props.databaseName, ...tables.flatMap((t) => (t.glue ? [t.glue.database] : []))])];
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase'],
        resources: [
          accountArn(this, 'glue', 'catalog'),
          ...databases.map((d) => accountArn(this, 'glue', `database/${d}`)),
        ],
      }),
    );
    this.catalogTableArns = [
      accountArn(this, 'glue', 'catalog'),
      ...databases.map((d) => accountArn(this, 'glue', `database/${d}`)),
      ...catalogTableArns,
    ];
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetTable', 'glue:GetPartitions', 'glue:UpdateTable'],
        resources: this.catalogTableArns,
      }),
    );
    // The job's own Glue tables: the file's table and the work tables its CTAS create (with their
    // partitions), dropped again before a stage writes anew.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'glue:GetTable',
          'glue:GetPartitions',
          'glue:CreateTable',
          'glue:DeleteTable',
          'glue:BatchCreatePartition',
        ],
        resources: glueArns(this, props.databaseName, [IMPORT_TABLES]),
      }),
    );
    // S3: the uploads (read), the catalog tables' folders (read), their version folders and the work prefix (read, write, delete).
    const readOnly = [UPLOADS_PREFIX, ...own.map((t) => `${t.location.replace(/^\/+|\/+$/g, '')}/`)];
    const written = [IMPORTS_PREFIX, ...tables.map((t) => versionsPrefix(t.name))];
    // The written prefixes' listing comes with their delete grant (grantDeleteUnder).
    grantReadUnder(role, bucket, readOnly);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: written.map((p) => bucket.arnForObjects(`${p}*`)),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        resources: [bucket.arnForObjects(`${ATHENA_RESULTS}*`)],
      }),
    );
    grantDeleteUnder(role, bucket, written, (p) =>
      p === IMPORTS_PREFIX
        ? 'A job’s work prefix (imports/<job>/…): its work tables and the file’s copy, cleared before a stage writes again.'
        : `The versions of ${p.split('/')[1]} written by jobs (versions/<table>/<job>/): a version not swapped, or past the kept ones, is removed.`,
    );
    const bucketRef = arnRef(bucket);
    acknowledgeWildcards(role, [
      {
        resource: `${glueTables(props.databaseName)}${IMPORT_TABLES}`,
        reason:
          'Glue tables of import jobs (imp_…): the file’s table and the work tables of each stage, named per job.',
      },
      ...readOnly.map((p) => ({
        resource: `${bucketRef}/${p}*`,
        reason:
          p === UPLOADS_PREFIX
            ? 'Uploaded files of import jobs (uploads/<upload>/<name>), read by the load stage.'
            : `The files of the catalog table under ${p}, read by the queries as a job’s current version.`,
      })),
      ...[...written, ATHENA_RESULTS].map((p) => ({
        resource: `${bucketRef}/${p}*`,
        reason:
          p === ATHENA_RESULTS
            ? 'Query results of the job’s statements (athena-results/).'
            : p === IMPORTS_PREFIX
              ? 'A job’s work prefix (imports/<job>/…): its work tables, the file’s copy and the rejects.'
              : `The version folders of ${p.split('/')[1]} (versions/<table>/<job>/), written by the apply stage.`,
      })),
    ]);
    grantDataLakeRead(role, props.dataLakeBuckets, 'a job’s current version');

    // The job machine: invokes the import function, nothing else (its queries run in the function).
    const importMachine = this.jobMachine('', {
      name: IMPORT_MACHINE,
      fn: this.function,
      definition: compileImportJob(),
      placeholder: 'ImportFunction',
      description: 'orca import job state machine',
      comment: 'orca import job: load, type, doubles, match, apply, swap',
      logRetention: props.logRetention,
      removalPolicy,
    });
    this.machine = importMachine.machine;
    this.machineRole = importMachine.role;

    this.exportFunction = orcaFunction(this, 'Export', {
      entry: 'export',
      description: 'orca: runs one stage of an export job',
      timeout: Duration.seconds(QUERY_LIMITS.import.timeoutSeconds),
      memorySize: 512,
      table: props.table,
      catalogJson: props.catalogJson,
      environment: queryEnvironment(props),
      logRetention: props.logRetention,
      removalPolicy,
    });
    this.grantExports(this.exportFunction.role!, props, databases, catalogTableArns, own);
    const exportMachine = this.jobMachine('Export', {
      name: EXPORT_MACHINE,
      fn: this.exportFunction,
      definition: compileExportJob(),
      placeholder: 'ExportFunction',
      description: 'orca export job state machine',
      comment: 'orca export job: read, write, finish',
      logRetention: props.logRetention,
      removalPolicy,
    });
    this.exportMachine = exportMachine.machine;
  }

  /**
   * The export function: UNLOAD runs as the caller, so what its query reads and writes is granted
   * here ("Amazon Athena User Guide — UNLOAD", "— Access to Amazon S3"): the catalog's tables (Glue
   * and their folders, their versions) and the saved audiences (a_… tables, audiences/) read; the
   * exports prefix written (the work prefix emptied first, the file published next to it).
   */
  private grantExports(
    role: iam.IRole,
    props: OrcaImportsProps,
    databases: string[],
    catalogTableArns: string[],
    own: CatalogTable[],
  ): void {
    const bucket = props.bucket;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: QUERY_ACTIONS,
        resources: [accountArn(this, 'athena', `workgroup/${props.workGroupName}`)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        resources: [
          accountArn(this, 'glue', 'catalog'),
          ...databases.map((d) => accountArn(this, 'glue', `database/${d}`)),
          ...catalogTableArns,
          accountArn(this, 'glue', `table/${props.databaseName}/${AUDIENCE_TABLES}`),
        ],
      }),
    );
    const read = [
      ...own.map((t) => `${t.location.replace(/^\/+|\/+$/g, '')}/`),
      ...this.tables.map((t) => versionsPrefix(t.name)),
      AUDIENCES_PREFIX,
    ];
    grantReadUnder(role, bucket, read);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [bucket.arnForObjects(`${EXPORTS_PREFIX}*`)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        resources: [bucket.arnForObjects(`${ATHENA_RESULTS}*`)],
      }),
    );
    grantDeleteUnder(
      role,
      bucket,
      [EXPORTS_PREFIX],
      () => 'An export job’s work prefix (exports/.work/<job>/): emptied before its UNLOAD, removed once published.',
    );
    const bucketRef = arnRef(bucket);
    acknowledgeWildcards(role, [
      {
        resource: `${glueTables(props.databaseName)}${AUDIENCE_TABLES}`,
        reason:
          'The Glue tables of saved audiences (a_…), named by the campaigns that save them: an audience’s export reads one.',
      },
      ...read.map((p) => ({
        resource: `${bucketRef}/${p}*`,
        reason:
          p === AUDIENCES_PREFIX
            ? 'The files of saved audiences (audiences/<name>/<run>/), read by an audience’s export.'
            : `The files of the catalog table under ${p}, read by an export of its current version.`,
      })),
      ...[EXPORTS_PREFIX, ATHENA_RESULTS].map((p) => ({
        resource: `${bucketRef}/${p}*`,
        reason:
          p === ATHENA_RESULTS
            ? 'Query results of the export’s statements (athena-results/).'
            : 'Export jobs’ files (exports/<name>-<job>.<csv|parquet>) and work prefixes (exports/.work/<job>/), named per job.',
      })),
    ]);
    grantDataLakeRead(role, props.dataLakeBuckets, 'an export’s source');
  }

  /** A job machine (its resources' ids prefixed by `id`): invokes its function, nothing else (its queries run in the function). */
  private jobMachine(
    id: string,
    o: {
      name: string;
      fn: NodejsFunction;
      definition: ReturnType<typeof compileExportJob>;
      placeholder: string;
      description: string;
      comment: string;
      logRetention: logs.RetentionDays;
      removalPolicy: RemovalPolicy;
    },
  ): { machine: sfn.StateMachine; role: iam.Role } {
    const role = new iam.Role(this, `${id}MachineRole`, {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: o.description,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [o.fn.functionArn] }));
    const logGroup = new logs.LogGroup(this, `${id}MachineLogs`, {
      logGroupName: deploymentLogGroupName(this, o.name),
      retention: o.logRetention,
      removalPolicy: o.removalPolicy,
    });
    const machine = new sfn.StateMachine(this, `${id}Machine`, {
      stateMachineName: o.name,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(o.definition)),
      definitionSubstitutions: { [o.placeholder]: o.fn.functionArn },
      role,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
      comment: o.comment,
    });
    // CDK adds the logging and X-Ray grants of the machine (no resource-level permissions).
    acknowledgeWildcards(role, [
      {
        resource: '*',
        reason:
          'X-Ray tracing and CloudWatch Logs delivery actions that Step Functions needs have no resource-level permissions.',
      },
    ]);
    return { machine, role };
  }

  /**
   * Update data activities (lambdas/activities/update-data.ts) write a table's next version from a
   * campaign and swap it as an import job does: the campaign machines' CTAS writes (and queries
   * read) versions/<table>/…; the record function switches the table (Glue GetTable, UpdateTable on
   * the catalog's tables only) and removes a version not swapped, or past the kept ones.
   */
  grantTableVersions(record: NodejsFunction, machineRole: iam.IRole): void {
    const versions = this.tables.map((t) => versionsPrefix(t.name));
    const role = record.role!;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetTable', 'glue:UpdateTable'],
        resources: this.catalogTableArns,
      }),
    );
    grantDeleteUnder(
      role,
      this.bucket,
      versions,
      (p) =>
        `The versions of ${p.split('/')[1]} written by update data activities (versions/<table>/<run>-<activity>/): one not swapped, or past the kept ones, is removed.`,
    );
    machineRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: versions.map((p) => this.bucket.arnForObjects(`${p}*`)),
      }),
    );
    acknowledgeWildcards(
      machineRole,
      versions.map((p) => ({
        resource: `${arnRef(this.bucket)}/${p}*`,
        reason: `The versions of ${p.split('/')[1]} (versions/<table>/<job or run>/): written by update data activities, read by the queries once swapped.`,
      })),
    );
  }

  /**
   * What the API needs for jobs: start an execution of the job machines (ORCA_IMPORT_MACHINE,
   * ORCA_EXPORT_MACHINE), stop a cancelled job's running queries (ListQueryExecutions,
   * BatchGetQueryExecution, StopQueryExecution in orca's workgroup), presign uploads (s3:PutObject on uploads/) and downloads of export files
   * (s3:GetObject on exports/), read a job's rejects (imports/<job>/rejects/) and roll a table back
   * (Glue GetTable and UpdateTable of its location).
   */
  grantApi(api: NodejsFunction): void {
    api.addEnvironment('ORCA_IMPORT_MACHINE', this.machine.stateMachineArn);
    this.machine.grantStartExecution(api);
    api.addEnvironment('ORCA_EXPORT_MACHINE', this.exportMachine.stateMachineArn);
    this.exportMachine.grantStartExecution(api);
    const role = api.role!;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['athena:ListQueryExecutions', 'athena:BatchGetQueryExecution', 'athena:StopQueryExecution'],
        resources: [accountArn(this, 'athena', `workgroup/${this.workGroupName}`)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${UPLOADS_PREFIX}*`)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${IMPORTS_PREFIX}*`), this.bucket.arnForObjects(`${EXPORTS_PREFIX}*`)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${IMPORTS_PREFIX}*`] } },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['glue:GetTable', 'glue:UpdateTable'], resources: this.catalogTableArns }),
    );
    acknowledgeWildcards(role, [
      {
        resource: `${arnRef(this.bucket)}/${UPLOADS_PREFIX}*`,
        reason:
          'Presigned PUTs of import files: one object per upload (uploads/<upload>/<name>), named when the upload starts.',
      },
      {
        resource: `${arnRef(this.bucket)}/${IMPORTS_PREFIX}*`,
        reason: 'The rejects of import jobs (imports/<job>/rejects/), read for their pages and CSV.',
      },
      {
        resource: `${arnRef(this.bucket)}/${EXPORTS_PREFIX}*`,
        reason:
          "Presigned GETs of export jobs' files (exports/<name>-<job>.<csv|parquet>), named per job: the API signs them, the client fetches them.",
      },
    ]);
  }
}
