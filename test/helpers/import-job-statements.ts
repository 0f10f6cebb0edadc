/**
 * The statements and Glue tables an import job sends to AWS in the cloud: whole jobs run stage by
 * stage (lambdas/orchestrator/import-stages.ts) on the Athena import engine, an in-memory import
 * store and the Glue table switch, with Athena, Glue and S3 answered by aws-sdk-client-mock (the
 * small counts answered by what each query asks), so that every statement is captured as sent.
 */
import { Readable } from 'node:stream';
import type { AwsStub } from 'aws-sdk-client-mock';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import {
  CreateTableCommand,
  DeleteTableCommand,
  GetTableCommand,
  GlueClient,
  type TableInput,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AthenaImportEngine } from '../../lambdas/adapters/athena-import-engine.js';
import { GlueTableSwitch } from '../../lambdas/adapters/glue-table-switch.js';
import { buildCatalog } from '../../lambdas/catalog/catalog.js';
import { parseImportJob, type ImportJobInput } from '../../lambdas/imports/job.js';
import { STAGES } from '../../lambdas/imports/plan.js';
import { runStage } from '../../lambdas/orchestrator/import-stages.js';
import type { JobRecord } from '../../lambdas/ports/imports.js';
import { MemoryImportStore } from './fakes/imports.js';

// biome-ignore lint/suspicious/noExplicitAny: the mocks of three different clients
type Stub = AwsStub<any, any, any>;

export const IMPORT_CATALOG = buildCatalog({
  tables: {
    people: {
      primaryKey: 'id',
      location: 'tables/people',
      columns: { id: 'integer', email: 'string', age: 'integer', score: 'double', city: 'string' },
    },
  },
});

/** The jobs run: each operation, a second key, each handling of doubles and of bad values, CSV and JSON lines. */
export const IMPORT_JOBS: Record<string, Partial<ImportJobInput>> = {
  upsert: { operation: 'insertOrUpdate' },
  'insert, second key, doubles rejected': { operation: 'insert', secondKey: 'email', doubles: 'reject' },
  'delete, JSON lines': { operation: 'delete', source: { file: 'uploads/u1/people.jsonl', format: 'jsonl' } },
  'reconcile, a count limit': { operation: 'reconcile', rejectLimit: 5 },
  'update, column policies': {
    operation: 'update',
    doubles: 'ignore',
    columns: [
      { field: 'id', column: 'id' },
      { field: 'email', column: 'email', required: true },
      { field: 'age', column: 'age', onError: 'default', default: 18 },
      { field: 'score', column: 'score', onError: 'ignore' },
      { field: 'note' },
    ],
  },
};

const FILES: Record<string, string> = {
  csv: 'id,email,age,score,note\n1,a@x.com,30,1.5,n\n2,b@x.com,x,2,n\n2,c@x.com,40,3,n\n',
  jsonl: '{"id":"1","email":"a@x.com","age":"30"}\n{"id":"2","email":"b@x.com","age":"x"}\n',
};

/** What a count query would answer, as Athena's GetQueryResults gives it (a header row, then text). */
function answer(sql: string) {
  const result = (columns: string[], rows: string[][]) => ({
    ResultSet: {
      ResultSetMetadata: { ColumnInfo: columns.map((Name) => ({ Name })) },
      Rows: [columns, ...rows].map((r) => ({ Data: r.map((VarCharValue) => ({ VarCharValue })) })),
    },
  });
  const outputs = /^SELECT "orca_output", count\(\*\) FROM "orca"\."(imp_[^"]+)"/.exec(sql)?.[1];
  if (outputs) {
    const rows = outputs.includes('_type_')
      ? [
          ['main', '3'],
          ['rejects', '1'],
        ]
      : outputs.includes('_doubles_')
        ? [
            ['main', '2'],
            ['doubles', '1'],
            ['rejects', '1'],
          ]
        : [['main', '2']];
    return result(['orca_output', '_col1'], rows);
  }
  if (/AS lines/.test(sql)) return result(['lines', 'rejected'], [['4', '1']]);
  if (/AS reason/.test(sql)) return result(['reason', 'n'], [['not a valid integer', '1']]);
  if (/AS change/.test(sql))
    return result(
      ['change', 'n'],
      [
        ['insert', '1'],
        ['update', '1'],
        ['delete', '1'],
      ],
    );
  return result(['n'], [['2']]);
}

export interface SentByJobs {
  /** Every StartQueryExecution's QueryString, with the job and stage that sent it. */
  statements: Array<{ origin: string; sql: string }>;
  /** Every Glue CreateTable's TableInput. */
  tables: Array<{ origin: string; table: TableInput }>;
  /** The end status of each job. */
  ended: Record<string, JobRecord['status']>;
}

export async function importJobStatements(mocks: { athena: Stub; glue: Stub; s3: Stub }): Promise<SentByJobs> {
  const { athena, glue, s3 } = mocks;
  for (const m of [athena, glue, s3]) m.reset();
  const sent = new Map<string, string>();
  athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => {
    const id = `q${sent.size + 1}`;
    sent.set(id, input.QueryString);
    return { QueryExecutionId: id };
  });
  athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
  athena
    .on(GetQueryResultsCommand)
    .callsFake((input: { QueryExecutionId: string }) => answer(sent.get(input.QueryExecutionId)!));
  glue.on(DeleteTableCommand).resolves({});
  glue.on(CreateTableCommand).resolves({});
  glue.on(GetTableCommand).resolves({
    Table: { Name: 'people', StorageDescriptor: { Location: 's3://orca-data/tables/people/', Columns: [] } },
  });
  glue.on(UpdateTableCommand).resolves({});
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  s3.on(DeleteObjectsCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => ({
    Body: Readable.from([Buffer.from(FILES[input.Key.endsWith('.jsonl') ? 'jsonl' : 'csv']!)]),
  }));

  const engine = new AthenaImportEngine({
    athena: new AthenaClient({ region: 'eu-west-1' }),
    glue: new GlueClient({ region: 'eu-west-1' }),
    s3: new S3Client({ region: 'eu-west-1' }),
    objects: { list: async () => [], put: async () => {}, open: async () => Promise.reject(new Error('no Parquet')) },
    bucket: 'orca-data',
    database: 'orca',
    workGroup: 'orca',
    sleep: async () => {},
  });
  const store = new MemoryImportStore();
  const tables = new GlueTableSwitch({
    glue: new GlueClient({ region: 'eu-west-1' }),
    database: 'orca',
    bucket: 'orca-data',
  });
  const out: SentByJobs = { statements: [], tables: [], ended: {} };
  let n = 0;
  for (const [name, over] of Object.entries(IMPORT_JOBS)) {
    const definition = parseImportJob(
      {
        table: 'people',
        key: 'id',
        source: { file: 'uploads/u1/people.csv' },
        columns: [
          { field: 'id', column: 'id' },
          { field: 'email', column: 'email' },
          { field: 'age', column: 'age' },
          { field: 'score' },
          { field: 'note' },
        ],
        ...over,
      },
      'job',
      IMPORT_CATALOG,
    );
    const id = `imp-${++n}`;
    await store.createJob({
      id,
      name: definition.name,
      table: 'people',
      status: 'running',
      definition,
      createdAt: '2026-12-01T00:00:00Z',
      work: `imports/${id}`,
    });
    for (const stage of STAGES) {
      const before = {
        q: athena.commandCalls(StartQueryExecutionCommand).length,
        t: glue.commandCalls(CreateTableCommand).length,
      };
      const { next } = await runStage({ store, engine, catalog: IMPORT_CATALOG, tables }, id, stage);
      const origin = `import job "${name}" ${stage}`;
      for (const c of athena.commandCalls(StartQueryExecutionCommand).slice(before.q))
        out.statements.push({ origin, sql: c.args[0].input.QueryString ?? '' });
      for (const c of glue.commandCalls(CreateTableCommand).slice(before.t))
        out.tables.push({ origin, table: c.args[0].input.TableInput! });
      if (next !== 'go') break;
    }
    out.ended[name] = (await store.getJob(id))!.status;
    if (out.ended[name] !== 'finished') throw new Error(`${name}: ${(await store.getJob(id))!.error}`);
  }
  return out;
}
