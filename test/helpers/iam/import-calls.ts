/**
 * The AWS calls of an import job in the cloud, for the IAM simulation (test/iam.test.ts):
 *
 * - the import function (lambdas/entry/import.ts) running each stage of a CSV job and the load of a
 *   Parquet job, its SDK commands recorded by the caller's mocks; the status table answers each
 *   stage with the job as the previous stages left it (a base version read from versions/, rows and
 *   counts that make every stage write);
 * - what Athena does as the caller for each statement ("Amazon Athena User Guide — Access to Amazon
 *   S3", "— Fine-grained access to databases and tables"): a CTAS creates its table with its
 *   partitions in Glue and writes its files under its external_location (multipart), a query reads
 *   the files and partitions of the tables it names;
 * - the API: starting an import's and an export's execution (SfnImportLauncher), stopping a cancelled job's queries
 *   (AthenaImportEngine.cancelMatching), reading a page of rejects, rolling a table back
 *   (GlueTableSwitch), the presigned PUT of an upload (s3:PutObject on its key) and the presigned
 *   GET of an export's file (s3:GetObject on its key).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { AwsStub } from 'aws-sdk-client-mock';
import { AthenaClient, BatchGetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AthenaImportEngine } from '../../../lambdas/adapters/athena-import-engine.js';
import { SfnImportLauncher } from '../../../lambdas/adapters/sfn-import-launcher.js';
import { S3ObjectStore } from '../../../lambdas/adapters/s3-object-store.js';
import { GlueTableSwitch } from '../../../lambdas/adapters/glue-table-switch.js';
import { rejectsPage } from '../../../lambdas/orchestrator/job-rejects.js';
import { parseImportJob } from '../../../lambdas/imports/job.js';
import { STAGES, sourceCopy, workTarget } from '../../../lambdas/imports/plan.js';
import type { JobRecord } from '../../../lambdas/ports/imports.js';
import { buildCatalog } from '../../../lambdas/catalog/catalog.js';
import { tinyCatalogDoc } from '../../fixtures/tiny.js';
import { athenaReadCalls, athenaWriteCalls, type Deployment, glueCalls, type IamCall, tablesIn } from './calls.js';

// biome-ignore lint/suspicious/noExplicitAny: the mocks of several clients
type Stub = AwsStub<any, any, any>;

const JOB_ID = 'imp-20261122t120000z-abcd';
const WORK = `imports/${JOB_ID}`;
const BASE = 'versions/recipients/imp-20261120t080000z-0000';
const NEXT = `versions/recipients/${JOB_ID}`;

/** The job as each stage reads it (what the stages before wrote). */
function jobAt(stage: (typeof STAGES)[number], format: 'csv' | 'parquet'): JobRecord {
  const catalog = buildCatalog(tinyCatalogDoc);
  const definition = parseImportJob(
    {
      table: 'recipients',
      key: 'id',
      source:
        format === 'csv'
          ? { file: 'uploads/u1/recipients.csv' }
          : { file: 'uploads/u2/people.parquet', format: 'parquet' },
      columns: [
        { field: 'id', column: 'id' },
        { field: 'email', column: 'email' },
      ],
    },
    'recipients_update',
    catalog,
  );
  const i = STAGES.indexOf(stage);
  const base = { version: 1, location: BASE };
  return {
    id: JOB_ID,
    name: definition.name,
    table: 'recipients',
    status: 'running',
    definition,
    createdAt: '2026-11-22T12:00:00Z',
    work: WORK,
    ...(i > 0 ? { base, versionBefore: 1, counts: { read: 3, inserted: 1, updated: 1 } } : {}),
    rows: { type: { main: 3, rejects: 1 }, doubles: { main: 2, doubles: 1 }, match: { main: 2 } },
    ...(stage === 'swap' ? { next: NEXT } : {}),
  };
}

/** What Athena does as the caller for a statement (beyond sdkCalls' StartQueryExecution). */
function athenaCalls(sql: string, d: Deployment, locations: Map<string, string>): IamCall[] {
  const source = `Athena running ${sql.slice(0, 80).replace(/\n/g, ' ')}`;
  const calls: IamCall[] = [];
  const ctas = /^CREATE TABLE "[^"]+"\."([^"]+)"\nWITH \(.*external_location = 's3:\/\/[^/]+\/([^']+)'(.*)\)/.exec(sql);
  if (ctas) {
    const [, table, prefix, rest] = ctas;
    for (const a of [
      'GetTable',
      'CreateTable',
      'DeleteTable',
      ...(rest!.includes('partitioned_by') ? ['BatchCreatePartition'] : []),
    ])
      calls.push(...glueCalls(`glue:${a}`, d.database, table, source));
    calls.push(...athenaWriteCalls(d, prefix!, 'part-0.parquet', source));
  }
  calls.push(...athenaReadCalls(d, tablesIn(sql).slice(ctas ? 1 : 0), locations, source));
  return calls;
}

/** The import function's calls: every stage of a CSV job, the load of a Parquet job. */
export async function importFunctionCalls(
  mocks: { athena: Stub; glue: Stub; s3: Stub; document: Stub },
  d: Deployment,
  reset: () => void,
  recorded: () => IamCall[],
): Promise<IamCall[]> {
  const { importStage } = await import('../../../lambdas/entry/import.js');
  const context = { getRemainingTimeInMillis: () => 900_000 };
  const calls: IamCall[] = [];
  const parquet = readFileSync(join(import.meta.dirname, '../../fixtures/people.parquet'));
  for (const [format, stages] of [
    ['csv', STAGES],
    ['parquet', ['load']],
  ] as const) {
    for (const stage of stages) {
      reset();
      mocks.document.on(GetCommand).callsFake((input: { Key: { pk: string } }) =>
        input.Key.pk.startsWith('TABLE#')
          ? {
              Item: {
                table: 'recipients',
                current: 1,
                versions: [
                  { version: 0, location: 'catalog/recipients', jobId: 'catalog', at: '' },
                  { version: 1, location: BASE, jobId: 'imp-0', at: '' },
                ],
              },
            }
          : { Item: jobAt(stage, format) },
      );
      mocks.s3.on(GetObjectCommand).callsFake((input: { Key: string; Range?: string }) => {
        if (!input.Key.endsWith('.parquet')) return { Body: Readable.from([Buffer.from('id,email\n1,ann@x.com\n')]) };
        const [, a, b] = /bytes=(\d+)-(\d+)/.exec(input.Range!)!;
        const bytes = new Uint8Array(parquet.subarray(Number(a), Number(b) + 1));
        return { Body: { transformToByteArray: async () => bytes } };
      });
      // The swap reads the catalog table's Glue entry (its name, its location) before UpdateTable.
      mocks.glue.on(GetTableCommand).callsFake((input: { Name: string }) => ({
        Table: { Name: input.Name, StorageDescriptor: { Location: `s3://${d.bucket}/${BASE}/`, Columns: [] } },
      }));
      if (format === 'parquet') mocks.s3.on(HeadObjectCommand).resolves({ ContentLength: parquet.length });
      const { next } = await importStage({ jobId: JOB_ID, stage }, context);
      // A stage that failed journals its error (PutCommand of a LOG# entry) and ends the job.
      const errors = mocks.document
        .commandCalls(PutCommand)
        .map((c) => c.args[0].input.Item as { kind?: string; message?: string })
        .filter((i) => i.kind === 'error');
      if (errors.length || (next !== 'go' && stage !== 'swap'))
        throw new Error(`the ${stage} stage of the ${format} job ended (${next}): ${errors.map((e) => e.message)}`);
      const job = jobAt(stage, format);
      const locations = new Map<string, string>([
        ['recipients', BASE],
        [sourceCopy(job.definition, WORK).table, `${WORK}/source`],
        ...['type', 'doubles', 'match'].map((s): [string, string] => [workTarget(WORK, s).table, `${WORK}/${s}`]),
      ]);
      calls.push(...recorded());
      for (const c of mocks.athena.commandCalls(StartQueryExecutionCommand))
        calls.push(...athenaCalls(String(c.args[0].input.QueryString), d, locations));
    }
  }
  return calls;
}

/** The API's calls for jobs: start, cancel (the job's running queries), the presigned PUT of an upload and GET of an export. */
export async function apiImportCalls(
  mocks: { athena: Stub; glue: Stub; s3: Stub },
  env: Record<string, string>,
  d: Deployment,
  recorded: () => IamCall[],
): Promise<IamCall[]> {
  mocks.athena.on(BatchGetQueryExecutionCommand).resolves({
    QueryExecutions: [
      {
        QueryExecutionId: 'q1',
        Query: `CREATE TABLE ... 's3://${d.bucket}/${WORK}/type/'`,
        Status: { State: 'RUNNING' },
      },
    ],
  });
  const { execution } = await new SfnImportLauncher({
    sfn: new SFNClient({}),
    machineArn: env.ORCA_IMPORT_MACHINE!,
  }).start(JOB_ID);
  if (!execution) throw new Error('no execution started');
  await new SfnImportLauncher({ sfn: new SFNClient({}), machineArn: env.ORCA_EXPORT_MACHINE! }).start(
    'exp-20261122t120000z-abcd',
  );
  await new AthenaImportEngine({
    athena: new AthenaClient({}),
    glue: new GlueClient({}),
    s3: new S3Client({}),
    objects: new S3ObjectStore(new S3Client({}), d.bucket),
    bucket: d.bucket,
    database: d.database,
    workGroup: d.workGroup,
  }).cancelMatching(JOB_ID);
  // A page of rejects: the job's rejects folder listed and its Parquet file read by ranges.
  const parquet = readFileSync(join(import.meta.dirname, '../../fixtures/people.parquet'));
  mocks.s3
    .on(ListObjectsV2Command)
    .resolves({ Contents: [{ Key: `${WORK}/rejects/part-0.parquet`, Size: parquet.length }] });
  mocks.s3.on(HeadObjectCommand).resolves({ ContentLength: parquet.length });
  mocks.s3.on(GetObjectCommand).callsFake((input: { Range?: string }) => {
    const [, a, b] = /bytes=(\d+)-(\d+)/.exec(input.Range!)!;
    const bytes = new Uint8Array(parquet.subarray(Number(a), Number(b) + 1));
    return { Body: { transformToByteArray: async () => bytes } };
  });
  await rejectsPage(new S3ObjectStore(new S3Client({}), d.bucket), `${WORK}/rejects`, 50, 0);
  // A rollback: the table's Glue entry read, then its location switched (GlueTableSwitch).
  mocks.glue.on(GetTableCommand).callsFake((input: { Name: string }) => ({
    Table: { Name: input.Name, StorageDescriptor: { Location: `s3://${d.bucket}/${NEXT}/`, Columns: [] } },
  }));
  const catalog = buildCatalog(tinyCatalogDoc);
  await new GlueTableSwitch({ glue: new GlueClient({}), database: d.database, bucket: d.bucket }).switchTo(
    catalog.tables.get('recipients')!,
    BASE,
  );
  return [
    ...recorded(),
    // "Amazon S3 User Guide — Uploading objects with presigned URLs": the PUT is authorized as the signer.
    {
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${d.bucket}/uploads/u1/recipients.csv`,
      source: 'the presigned PUT of an upload',
    },
    // The same rule for the presigned GET of an export's file (S3Downloads).
    {
      action: 's3:GetObject',
      resource: `arn:aws:s3:::${d.bucket}/exports/recipients-exp-20261122t120000z-abcd.csv`,
      source: "the presigned GET of an export's file",
    },
  ];
}
