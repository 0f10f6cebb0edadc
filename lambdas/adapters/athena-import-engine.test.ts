/** The cloud import engine's exact requests, with aws-sdk-client-mock; a real Parquet file (written by DuckDB: test/fixtures/people.parquet) for its footer. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AthenaClient,
  BatchGetQueryExecutionCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  ListQueryExecutionsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { CreateTableCommand, DeleteTableCommand, GlueClient } from '@aws-sdk/client-glue';
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { buildCatalog } from '../catalog/catalog.js';
import { parseImportJob, type ImportJobInput } from '../imports/job.js';
import { sourceCopy, workTarget, writeStatement } from '../imports/plan.js';
import type { ObjectStore } from '../ports/objects.js';
import { AthenaImportEngine } from './athena-import-engine.js';

const athena = mockClient(AthenaClient);
const glue = mockClient(GlueClient);
const s3 = mockClient(S3Client);

const catalog = buildCatalog({
  tables: {
    people: {
      primaryKey: 'id',
      location: 'tables/people',
      columns: { id: 'integer', email: 'string', born: 'date', score: 'double' },
    },
  },
});

function job(over: Partial<ImportJobInput> = {}) {
  return parseImportJob(
    {
      table: 'people',
      key: 'id',
      source: { file: 'uploads/u1/people.csv' },
      columns: [
        { field: 'id', column: 'id' },
        { field: 'email', column: 'email' },
      ],
      ...over,
    },
    'people_job',
    catalog,
  );
}

/** Parquet files by key, read by ranges (the ObjectStore the engine reads a footer through). */
const files = new Map<string, Buffer>();
const objects: ObjectStore = {
  list: async () => [],
  put: async () => {},
  async open(key) {
    const b = files.get(key);
    if (!b) throw Object.assign(new Error('NotFound'), { name: 'NotFound' });
    return { byteLength: b.length, slice: async (s, e) => new Uint8Array(b.subarray(s, e)).buffer };
  },
};

function engine() {
  return new AthenaImportEngine({
    athena: new AthenaClient({ region: 'eu-west-1' }),
    glue: new GlueClient({ region: 'eu-west-1' }),
    s3: new S3Client({ region: 'eu-west-1' }),
    objects,
    bucket: 'orca-data',
    database: 'orca',
    workGroup: 'orca',
    poll: [1, 1],
    sleep: async () => {},
  });
}

const names = (client: typeof athena | typeof glue | typeof s3) =>
  client.calls().map((c) => c.args[0].constructor.name.replace(/Command$/, ''));

// id BIGINT, email VARCHAR, born DATE, score DOUBLE, visits INTEGER: two rows (DuckDB's COPY ... (FORMAT PARQUET)).
files.set('uploads/u2/people.parquet', readFileSync(join(import.meta.dirname, '../../test/fixtures/people.parquet')));

beforeEach(() => {
  athena.reset();
  glue.reset();
  s3.reset();
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
  athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
  glue.on(DeleteTableCommand).resolves({});
  glue.on(CreateTableCommand).resolves({});
  s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'imports/imp-1/type/old.parquet' }] });
  s3.on(DeleteObjectsCommand).resolves({});
});

describe('AthenaImportEngine — statements ("Amazon Athena User Guide — Considerations and limitations for CTAS queries")', () => {
  const target = workTarget('imports/imp-1', 'type');

  it('a work table: its location emptied and its table dropped, then the partitioned CTAS, then its rows per output', async () => {
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        Rows: [
          { Data: [{ VarCharValue: 'orca_output' }, { VarCharValue: '_col1' }] },
          { Data: [{ VarCharValue: 'main' }, { VarCharValue: '9' }] },
          { Data: [{ VarCharValue: 'rejects' }, { VarCharValue: '1' }] },
        ],
      },
    });
    const e = engine();
    await e.prepareTarget(target);
    const sql = e.materialize('SELECT 1 AS "id", \'main\' AS "orca_output"', target);
    expect(sql).toContain(
      `external_location = 's3://orca-data/imports/imp-1/type/', partitioned_by = ARRAY['orca_output']`,
    );
    const r = await e.execute(sql);
    expect(r.rows).toEqual({ main: 9, rejects: 1 });
    // "the location must be empty": the prefix is listed and its objects deleted before the CTAS.
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input.Prefix).toBe('imports/imp-1/type/');
    expect(s3.commandCalls(DeleteObjectsCommand)[0]!.args[0].input.Delete!.Objects).toEqual([
      { Key: 'imports/imp-1/type/old.parquet' },
    ]);
    expect(glue.commandCalls(DeleteTableCommand)[0]!.args[0].input).toEqual({
      DatabaseName: 'orca',
      Name: target.table,
    });
    const starts = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    expect(starts[0]).toEqual({
      QueryString: sql,
      WorkGroup: 'orca',
      QueryExecutionContext: { Database: 'orca' },
      ResultConfiguration: {
        OutputLocation: 's3://orca-data/athena-results/',
        EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
      },
    });
    expect(starts[1]!.QueryString).toBe(`SELECT "orca_output", count(*) FROM "orca"."${target.table}" GROUP BY 1`);
    expect(names(athena)).toEqual([
      'StartQueryExecution',
      'GetQueryExecution',
      'StartQueryExecution',
      'GetQueryExecution',
      'GetQueryResults',
    ]);
  });

  it('a plain write (the next version, the rejects): no table of its name before, none left after, its files kept', async () => {
    const e = engine();
    const table = workTarget('imports/imp-1', 'version').table;
    await e.prepareFolder('versions/people/imp-1');
    const sql = writeStatement(e.dialect, 'SELECT 1 AS "id"', e.url('versions/people/imp-1'), table);
    expect(sql).not.toContain('partitioned_by');
    expect(await e.execute(sql)).toEqual({ queryId: 'q1', rows: {} });
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input.Prefix).toBe('versions/people/imp-1/');
    expect(glue.commandCalls(DeleteTableCommand).map((c) => c.args[0].input.Name)).toEqual([table, table]);
    expect(names(glue)).toEqual(['DeleteTable', 'DeleteTable']);
    // Dropped after the query: Athena's DROP of an external table leaves its files ("— DROP TABLE").
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
  });

  it('a small result: objects by column name, the header row dropped from the first page only', async () => {
    const ColumnInfo = [
      { Name: 'change', Type: 'varchar' },
      { Name: 'n', Type: 'bigint' },
    ];
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo },
          Rows: [
            { Data: [{ VarCharValue: 'change' }, { VarCharValue: 'n' }] },
            { Data: [{ VarCharValue: 'insert' }, { VarCharValue: '3' }] },
          ],
        },
        NextToken: 't2',
      })
      .resolvesOnce({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo },
          Rows: [{ Data: [{ VarCharValue: 'update' }, {}] }],
        },
      });
    expect(await engine().rows('SELECT 1')).toEqual([
      { change: 'insert', n: '3' },
      { change: 'update', n: null },
    ]);
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input.NextToken)).toEqual([
      undefined,
      't2',
    ]);
  });

  it('cancel: stops the running queries of the workgroup that name the job, only those', async () => {
    athena.on(ListQueryExecutionsCommand).resolves({ QueryExecutionIds: ['a', 'b', 'c'] });
    athena.on(BatchGetQueryExecutionCommand).resolves({
      QueryExecutions: [
        {
          QueryExecutionId: 'a',
          Query: "CREATE TABLE ... 's3://orca-data/imports/imp-1/type/'",
          Status: { State: 'RUNNING' },
        },
        {
          QueryExecutionId: 'b',
          Query: "CREATE TABLE ... 's3://orca-data/imports/imp-2/type/'",
          Status: { State: 'RUNNING' },
        },
        {
          QueryExecutionId: 'c',
          Query: "CREATE TABLE ... 's3://orca-data/imports/imp-1/match/'",
          Status: { State: 'SUCCEEDED' },
        },
      ],
    });
    athena.on(StopQueryExecutionCommand).resolves({});
    await engine().cancelMatching('imp-1');
    expect(athena.commandCalls(ListQueryExecutionsCommand)[0]!.args[0].input).toEqual({
      WorkGroup: 'orca',
      MaxResults: 50,
    });
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'a' },
    ]);
  });
});

describe('AthenaImportEngine — the file', () => {
  it('a Latin-1 CSV file: its JSON-lines copy (decoded as Latin-1, the file’s line numbers) and a JsonSerDe table over it', async () => {
    const csv = Buffer.from('id,email\n1,ren\xe9@x.com\n\n2,"b,ob@x.com"\n', 'latin1');
    s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from([csv]) }));
    s3.on(PutObjectCommand).resolves({});
    const j = job({ source: { file: 'uploads/u1/people.csv', encoding: 'latin-1' } });
    const src = sourceCopy(j, 'imports/imp-1');
    expect(await engine().loadSource(j, 'imports/imp-1')).toEqual({ records: 2 });
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'orca-data',
      Key: 'uploads/u1/people.csv',
    });
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put.Key).toBe('imports/imp-1/source/records.json');
    expect(String(put.Body)).toBe(
      '{"orca_line":2,"orca_raw_0":"1","orca_raw_1":"rené@x.com"}\n{"orca_line":4,"orca_raw_0":"2","orca_raw_1":"b,ob@x.com"}\n',
    );
    // An earlier attempt's copy and table are cleared first.
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input.Prefix).toBe('imports/imp-1/source/');
    expect(glue.commandCalls(DeleteTableCommand)[0]!.args[0].input.Name).toBe(src.table);
    expect(glue.commandCalls(CreateTableCommand)[0]!.args[0].input).toEqual({
      DatabaseName: 'orca',
      TableInput: {
        Name: src.table,
        Description: 'orca: the records of uploads/u1/people.csv for import job people_job',
        TableType: 'EXTERNAL_TABLE',
        Parameters: { classification: 'json' },
        StorageDescriptor: {
          Columns: [
            { Name: 'orca_line', Type: 'bigint' },
            { Name: 'orca_raw_0', Type: 'string' },
            { Name: 'orca_raw_1', Type: 'string' },
          ],
          Location: 's3://orca-data/imports/imp-1/source/',
          InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
        },
      },
    });
  });

  it('a UTF-8 file that is not UTF-8: the error names the job and the line; no table is made', async () => {
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: Readable.from([Buffer.from('id,email\n1,ren\xe9\n', 'latin1')]),
    }));
    s3.on(PutObjectCommand).resolves({});
    await expect(engine().loadSource(job(), 'imports/imp-1')).rejects.toThrow(
      /^import job people_job: line 2: the line is not valid UTF-8/,
    );
    expect(glue.commandCalls(CreateTableCommand)).toHaveLength(0);
  });

  it('a missing file: an error naming the job and the object', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no such key', $metadata: {} }));
    await expect(engine().loadSource(job(), 'imports/imp-1')).rejects.toThrow(
      'import job people_job: the file s3://orca-data/uploads/u1/people.csv does not exist',
    );
  });

  it('a Parquet file: copied into the job’s folder, a table of its mapped fields with the file’s types, its rows from the footer', async () => {
    s3.on(CopyObjectCommand).resolves({});
    const j = job({
      source: { file: 'uploads/u2/people.parquet', format: 'parquet' },
      columns: [
        { field: 'id', column: 'id' },
        { field: 'born', column: 'born' },
        { field: 'score', column: 'score' },
        { field: 'visits' },
      ],
    });
    const src = sourceCopy(j, 'imports/imp-1');
    expect(await engine().loadSource(j, 'imports/imp-1')).toEqual({ records: 2 });
    expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'orca-data',
      Key: 'imports/imp-1/source/data.parquet',
      CopySource: 'orca-data/uploads/u2/people.parquet',
    });
    const t = glue.commandCalls(CreateTableCommand)[0]!.args[0].input.TableInput!;
    expect(t.Name).toBe(src.table);
    expect(t.StorageDescriptor!.Columns).toEqual([
      { Name: 'id', Type: 'bigint' },
      { Name: 'born', Type: 'date' },
      { Name: 'score', Type: 'double' },
      { Name: 'visits', Type: 'int' },
    ]);
    expect(t.StorageDescriptor!.SerdeInfo!.SerializationLibrary).toBe(
      'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    );
    expect(t.StorageDescriptor!.Location).toBe('s3://orca-data/imports/imp-1/source/');
  });

  it('a Parquet file without a mapped field: an error naming the job and the field; nothing copied', async () => {
    const j = job({
      source: { file: 'uploads/u2/people.parquet', format: 'parquet' },
      columns: [
        { field: 'id', column: 'id' },
        { field: 'mail', column: 'email' },
      ],
    });
    await expect(engine().loadSource(j, 'imports/imp-1')).rejects.toThrow(
      "import job people_job: column mail: the file has no field 'mail' (it has 'id', 'email', 'born', 'score', 'visits')",
    );
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });
});
