/**
 * The AWS calls of export jobs in the cloud, for the IAM simulation (test/iam.test.ts): the export
 * function (lambdas/entry/export.ts) running each stage (read, write, finish) of a CSV export of a
 * catalog table at its current version and of a Parquet export of a saved audience, its SDK
 * commands recorded by the caller's mocks (the status table answers each stage with the job as the
 * stages before left it), and what Athena does as the caller for each statement ("Amazon Athena
 * User Guide — Access to Amazon S3", "— UNLOAD"): reading the tables a query names (Glue, S3) and,
 * for an UNLOAD, writing its files under the TO prefix (multipart).
 */
import { Readable } from 'node:stream';
import type { AwsStub } from 'aws-sdk-client-mock';
import { GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { buildCatalog } from '../../../lambdas/catalog/catalog.js';
import { parseExportJob } from '../../../lambdas/imports/export.js';
import { EXPORT_STAGES } from '../../../lambdas/imports/export-plan.js';
import { exportWork } from '../../../lambdas/orchestrator/export-actions.js';
import type { ExportRecord } from '../../../lambdas/ports/imports.js';
import type { Population } from '../../../lambdas/sql/population.js';
import { tinyCatalogDoc } from '../../fixtures/tiny.js';
import { athenaReadCalls, athenaWriteCalls, type Deployment, type IamCall, tablesIn } from './calls.js';

// biome-ignore lint/suspicious/noExplicitAny: the mocks of several clients
type Stub = AwsStub<any, any, any>;

const VERSION = 'versions/recipients/imp-20261120t080000z-0000';
const AUDIENCE: Population & { dimension: string } = {
  dimension: 'recipients',
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'email', type: 'string' },
  ],
  location: 'audiences/vip/r1-save',
  table: 'a_vip_r1_save',
  output: 'main',
  rows: 2,
} as Population & { dimension: string };

interface Case {
  id: string;
  definition: Record<string, unknown>;
  source: NonNullable<ExportRecord['source']>;
  /** Where the tables its queries name are. */
  locations: Map<string, string>;
}

const CASES: Case[] = [
  {
    id: 'exp-20261122t120000z-aaaa',
    definition: { table: 'recipients', columns: ['id', 'email'] },
    source: { location: VERSION, columns: ['id', 'email'], key: 'id' },
    locations: new Map([['recipients', VERSION]]),
  },
  {
    id: 'exp-20261122t120000z-bbbb',
    definition: { audience: 'vip', format: 'parquet' },
    source: { location: AUDIENCE.location, columns: ['id', 'email'], key: 'id', population: AUDIENCE },
    locations: new Map([[AUDIENCE.table!, AUDIENCE.location]]),
  },
];

/** The job as a stage reads it (what the stages before wrote). */
function jobAt(c: Case, stage: (typeof EXPORT_STAGES)[number]): ExportRecord {
  const definition = parseExportJob(c.definition, buildCatalog(tinyCatalogDoc));
  const i = EXPORT_STAGES.indexOf(stage);
  return {
    id: c.id,
    kind: 'export',
    name: definition.name,
    table: definition.table ?? `audience ${definition.audience}`,
    status: 'running',
    definition,
    createdAt: '2026-11-22T12:00:00Z',
    work: exportWork(c.id),
    out: `exports/${definition.name}-${c.id}.${definition.format}`,
    ...(i > 0 ? { source: c.source, counts: { rows: 2 } } : {}),
  };
}

/** What Athena does as the caller for a statement: the tables it reads, and an UNLOAD's files. */
function athenaCalls(sql: string, d: Deployment, locations: Map<string, string>): IamCall[] {
  const source = `Athena running ${sql.slice(0, 80).replace(/\n/g, ' ')}`;
  const unload = /\) TO 's3:\/\/[^/]+\/([^']+)' WITH/.exec(sql);
  return [
    ...(unload ? athenaWriteCalls(d, unload[1]!, '20261122_000000_00001', source) : []),
    ...athenaReadCalls(d, tablesIn(sql), locations, source),
  ];
}

/** The export function's calls: every stage of a table's CSV export and of an audience's Parquet export. */
export async function exportFunctionCalls(
  mocks: { athena: Stub; s3: Stub; document: Stub },
  d: Deployment,
  reset: () => void,
  recorded: () => IamCall[],
): Promise<IamCall[]> {
  const { exportStage } = await import('../../../lambdas/entry/export.js');
  const context = { getRemainingTimeInMillis: () => 900_000 };
  const calls: IamCall[] = [];
  for (const c of CASES) {
    for (const stage of EXPORT_STAGES) {
      reset();
      const parquet = c.definition.format === 'parquet';
      mocks.document.on(GetCommand).callsFake((input: { Key: { pk: string } }) => {
        if (input.Key.pk === 'TABLE#recipients')
          return {
            Item: {
              table: 'recipients',
              current: 1,
              versions: [{ version: 1, location: VERSION, jobId: 'imp-0', at: '' }],
            },
          };
        if (input.Key.pk.startsWith('AUDIENCE#'))
          return {
            Item: {
              name: 'vip',
              campaignId: 'vips',
              runId: 'r1',
              savedAt: '2026-11-22T11:00:00Z',
              population: AUDIENCE,
            },
          };
        return { Item: jobAt(c, stage) };
      });
      mocks.athena.on(GetQueryResultsCommand).resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: [{ Name: 'n', Type: 'bigint' }] },
          Rows: [{ Data: [{ VarCharValue: 'n' }] }, { Data: [{ VarCharValue: '2' }] }],
        },
      });
      // What the UNLOAD wrote: one file (Parquet begins with PAR1; CSV is text).
      const work = exportWork(c.id);
      const body = parquet ? Buffer.from('PAR1....PAR1') : Buffer.from('1,ann@x.com\n2,"a,b"\n');
      mocks.s3
        .on(ListObjectsV2Command)
        .resolves({ Contents: [{ Key: `${work}/20261122_000000_00001`, Size: body.length }] });
      mocks.s3
        .on(GetObjectCommand)
        .callsFake((input: { Range?: string }) =>
          input.Range
            ? { Body: { transformToByteArray: async () => new Uint8Array(body.subarray(0, 4)) } }
            : { Body: Readable.from([body]) },
        );
      mocks.s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
      mocks.s3.on(UploadPartCommand).resolves({ ETag: '"e1"' });
      const { next } = await exportStage({ jobId: c.id, stage }, context);
      const errors = mocks.document
        .commandCalls(PutCommand)
        .map((p) => p.args[0].input.Item as { kind?: string; message?: string })
        .filter((i) => i.kind === 'error');
      if (errors.length || next !== (stage === 'finish' ? 'end' : 'go'))
        throw new Error(`the ${stage} stage of ${c.id} ended (${next}): ${errors.map((e) => e.message)}`);
      calls.push(...recorded());
      for (const q of mocks.athena.commandCalls(StartQueryExecutionCommand))
        calls.push(...athenaCalls(String(q.args[0].input.QueryString), d, c.locations));
    }
  }
  return calls;
}
