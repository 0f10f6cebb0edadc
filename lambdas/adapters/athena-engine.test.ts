/** The Athena adapter's exact request sequences, with aws-sdk-client-mock. */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecutionState,
  type QueryExecutionStatus,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import {
  CreateTableCommand,
  DeleteTableCommand,
  EntityNotFoundException,
  GetTableCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { AthenaEngine } from './athena-engine.js';
import { ActivityError, RunStopped } from '../orchestrator/errors.js';
import { TransientError } from '../orchestrator/errors.js';

const athena = mockClient(AthenaClient);
const glue = mockClient(GlueClient);
const s3 = mockClient(S3Client);
const sleeps: number[] = [];

function engine() {
  return new AthenaEngine({
    athena: new AthenaClient({ region: 'eu-west-1' }),
    glue: new GlueClient({ region: 'eu-west-1' }),
    s3: new S3Client({ region: 'eu-west-1' }),
    bucket: 'orca-data',
    database: 'orca',
    workGroup: 'orca',
    poll: [100, 400],
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

const state = (State: QueryExecutionState, extra: Omit<QueryExecutionStatus, 'State'> = {}) => ({
  QueryExecution: { QueryExecutionId: 'q1', Status: { State, ...extra } },
});
const sequence = (client: typeof athena) => client.calls().map((c) => c.args[0].constructor.name);

beforeEach(() => {
  athena.reset();
  glue.reset();
  s3.reset();
  sleeps.length = 0;
});

describe('AthenaEngine', () => {
  it('writes a partitioned CTAS into the work layout', () => {
    expect(
      engine().materialize('SELECT 1 AS "id", \'main\' AS "orca_output"', {
        location: 'work/c/r1/a',
        table: 'w_c_r1_a_1234',
      }),
    ).toBe(
      `CREATE TABLE "orca"."w_c_r1_a_1234"\nWITH (format = 'PARQUET', write_compression = 'SNAPPY', external_location = 's3://orca-data/work/c/r1/a/', partitioned_by = ARRAY['orca_output'])\nAS\nSELECT 1 AS "id", 'main' AS "orca_output"`,
    );
  });

  it('counts rows per output: start, poll until done, read the results', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(state('QUEUED'))
      .resolvesOnce(state('RUNNING'))
      .resolvesOnce(state('RUNNING'))
      .resolves(state('SUCCEEDED'));
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: {
          Rows: [
            { Data: [{ VarCharValue: 'orca_output' }, { VarCharValue: '_col1' }] },
            { Data: [{ VarCharValue: 'main' }, { VarCharValue: '120' }] },
          ],
        },
        NextToken: 't2',
      })
      .resolvesOnce({ ResultSet: { Rows: [{ Data: [{ VarCharValue: 'complement' }, { VarCharValue: '7' }] }] } });
    const rows = await engine().outputRows({ location: 'work/c/r1/a', table: 'w_t' });
    expect(rows).toEqual({ main: 120, complement: 7 });
    expect(sequence(athena)).toEqual([
      'StartQueryExecutionCommand',
      'GetQueryExecutionCommand',
      'GetQueryExecutionCommand',
      'GetQueryExecutionCommand',
      'GetQueryExecutionCommand',
      'GetQueryResultsCommand',
      'GetQueryResultsCommand',
    ]);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toEqual({
      QueryString: 'SELECT "orca_output", count(*) FROM "orca"."w_t" GROUP BY 1',
      WorkGroup: 'orca',
      QueryExecutionContext: { Database: 'orca' },
      ResultConfiguration: {
        OutputLocation: 's3://orca-data/athena-results/',
        EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
      },
    });
    expect(athena.commandCalls(GetQueryResultsCommand)[1]!.args[0].input).toEqual({
      QueryExecutionId: 'q1',
      NextToken: 't2',
    });
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it('a preview pages in the order of the key (Trino: without ORDER BY, OFFSET and LIMIT pick arbitrary rows)', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena.on(GetQueryExecutionCommand).resolves(state('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: { Rows: [{ Data: [{ VarCharValue: 'id' }] }, { Data: [{ VarCharValue: '7' }] }] },
    });
    const p = {
      dimension: 'recipients',
      columns: [
        { name: 'id', type: 'integer' as const },
        { name: 'email', type: 'string' as const },
      ],
      location: 'work/c/r1/a',
      table: 'w_t',
      output: 'main',
      rows: 40,
    };
    expect(await engine().preview(p, 10, 20)).toEqual([{ id: 7, email: null }]);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString).toBe(
      `SELECT * FROM (SELECT "id", "email" FROM "orca"."w_t" WHERE "orca_output" = 'main') AS w ORDER BY w."id" ASC NULLS LAST OFFSET 20 LIMIT 10`,
    );
    await engine().preview({ ...p, dimension: null }, 10, 0);
    expect(athena.commandCalls(StartQueryExecutionCommand)[1]!.args[0].input.QueryString).toMatch(
      / AS w ORDER BY w\."id" ASC NULLS LAST, w\."email" ASC NULLS LAST OFFSET 0 LIMIT 10$/,
    );
  });

  it('a failed query raises its reason; a retryable failure is transient', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena.on(GetQueryExecutionCommand).resolves(
      state('FAILED', {
        StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved",
        AthenaError: { ErrorCategory: 2, Retryable: false },
      }),
    );
    await expect(engine().query('SELECT x')).rejects.toThrow(
      new ActivityError("COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved"),
    );
    expect(sequence(athena)).toEqual(['StartQueryExecutionCommand', 'GetQueryExecutionCommand']);
    athena
      .on(GetQueryExecutionCommand)
      .resolves(
        state('FAILED', { StateChangeReason: 'Internal error', AthenaError: { ErrorCategory: 1, Retryable: true } }),
      );
    await expect(engine().query('SELECT 1')).rejects.toBeInstanceOf(TransientError);
  });

  it('throttled submissions are retried with backoff, then reported as transient', async () => {
    const throttled = new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
    athena
      .on(StartQueryExecutionCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .resolves({ QueryExecutionId: 'q1' });
    athena.on(GetQueryExecutionCommand).resolves(state('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [{ Data: [{ VarCharValue: 'x' }] }] } });
    expect(await engine().query('SELECT 1')).toEqual([]);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
    expect(sleeps).toEqual([250, 500]);
    athena.reset();
    sleeps.length = 0;
    athena.on(StartQueryExecutionCommand).rejects(throttled);
    await expect(engine().query('SELECT 1')).rejects.toBeInstanceOf(TransientError);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(6);
  });

  it('cancel stops the query; a cancelled query ends the wait', async () => {
    athena.on(StopQueryExecutionCommand).resolves({});
    await engine().cancel('q9');
    expect(athena.commandCalls(StopQueryExecutionCommand)[0]!.args[0].input).toEqual({ QueryExecutionId: 'q9' });
    athena.on(GetQueryExecutionCommand).resolves(state('CANCELLED'));
    await expect(engine().wait('q9')).rejects.toBeInstanceOf(RunStopped);
  });

  it('a query that outlives its time limit is cancelled', async () => {
    athena.on(GetQueryExecutionCommand).resolves(state('RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});
    const e = new AthenaEngine({
      athena: new AthenaClient({}),
      glue: new GlueClient({}),
      s3: new S3Client({}),
      bucket: 'b',
      database: 'd',
      workGroup: 'w',
      timeoutMs: -1,
      sleep: async () => {},
    });
    await expect(e.wait('q1')).rejects.toThrow(/did not finish in time and was cancelled/);
    expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(1);
  });

  it('prepares a target: deletes what an earlier attempt wrote, page by page, and drops its table', async () => {
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        Contents: [{ Key: 'work/c/r1/a/orca_output=main/1.parquet' }],
        IsTruncated: true,
        NextContinuationToken: 'n',
      })
      .resolvesOnce({ Contents: [{ Key: 'work/c/r1/a/orca_output=main/2.parquet' }] });
    s3.on(DeleteObjectsCommand).resolves({});
    glue.on(DeleteTableCommand).rejects(new EntityNotFoundException({ message: 'not found', $metadata: {} }));
    await engine().prepareTarget({ location: 'work/c/r1/a', table: 'w_t' });
    expect(s3.calls().map((c) => c.args[0].input)).toEqual([
      { Bucket: 'orca-data', Prefix: 'work/c/r1/a/', ContinuationToken: undefined },
      { Bucket: 'orca-data', Delete: { Objects: [{ Key: 'work/c/r1/a/orca_output=main/1.parquet' }], Quiet: true } },
      { Bucket: 'orca-data', Prefix: 'work/c/r1/a/', ContinuationToken: 'n' },
      { Bucket: 'orca-data', Delete: { Objects: [{ Key: 'work/c/r1/a/orca_output=main/2.parquet' }], Quiet: true } },
    ]);
    expect(glue.commandCalls(DeleteTableCommand)[0]!.args[0].input).toEqual({ DatabaseName: 'orca', Name: 'w_t' });
  });

  it('a large file is copied in parts, never whole in memory (Amazon S3 User Guide — Uploading and copying objects using multipart upload)', async () => {
    // About 20 MiB of JSON lines: two parts of 8 MiB and the rest.
    const line = `${'x'.repeat(200)}\n`;
    const text = Array.from({ length: 100 }, () => line.repeat(1000));
    s3.on(GetObjectCommand).resolves({ Body: Readable.from(['v\n', ...text]) as never });
    s3.on(ListObjectsV2Command).resolves({});
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
    s3.on(UploadPartCommand).callsFake((input: { PartNumber: number }) => ({ ETag: `e${input.PartNumber}` }));
    s3.on(CompleteMultipartUploadCommand).resolves({});
    glue.on(DeleteTableCommand).resolves({});
    glue.on(CreateTableCommand).resolves({});
    await engine().prepareCsv({
      location: 'incoming/big.csv',
      copy: 'work/c/r1/load.source',
      table: 'csv_t',
      delimiter: ',',
      header: true,
      columns: ['orca_raw_v'],
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    const parts = s3.commandCalls(UploadPartCommand).map((c) => c.args[0].input);
    expect(parts.map((p) => [p.Key, p.UploadId, p.PartNumber])).toEqual([
      ['work/c/r1/load.source/records.json', 'u1', 1],
      ['work/c/r1/load.source/records.json', 'u1', 2],
      ['work/c/r1/load.source/records.json', 'u1', 3],
    ]);
    const sizes = parts.map((p) => (p.Body as Buffer).length);
    expect(sizes.slice(0, 2).every((n) => n >= 8 * 1024 * 1024)).toBe(true);
    const record = (n: number) => `{"orca_line":${n},"orca_raw_v":"${'x'.repeat(200)}"}\n`.length;
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(
      Array.from({ length: 100_000 }, (_, i) => record(i + 2)).reduce((a, b) => a + b, 0),
    );
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input).toMatchObject({
      UploadId: 'u1',
      MultipartUpload: {
        Parts: [
          { ETag: 'e1', PartNumber: 1 },
          { ETag: 'e2', PartNumber: 2 },
          { ETag: 'e3', PartNumber: 3 },
        ],
      },
    });
  });

  it('a missing file is a clear error; a failed copy aborts its multipart upload', async () => {
    const src = {
      location: 'incoming/nope.csv',
      copy: 'work/c/r1/load.source',
      table: 'csv_t',
      delimiter: ',',
      header: false,
      columns: ['orca_raw_v'],
    };
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));
    await expect(engine().prepareCsv(src)).rejects.toThrow(
      new ActivityError('the file s3://orca-data/incoming/nope.csv does not exist'),
    );
    s3.reset();
    const big = `${'y'.repeat(1024)}\n`.repeat(9 * 1024);
    s3.on(GetObjectCommand).resolves({ Body: Readable.from([big, big]) as never });
    s3.on(ListObjectsV2Command).resolves({});
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u2' });
    s3.on(UploadPartCommand).resolvesOnce({ ETag: 'e1' }).rejects(new Error('network down'));
    s3.on(AbortMultipartUploadCommand).resolves({});
    await expect(engine().prepareCsv(src)).rejects.toThrow('network down');
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0]!.args[0].input).toEqual({
      Bucket: 'orca-data',
      Key: 'work/c/r1/load.source/records.json',
      UploadId: 'u2',
    });
    expect(glue.commandCalls(CreateTableCommand)).toHaveLength(0);
  });

  it('registers a Glue table per transition over its partition, with physical column names', async () => {
    glue.on(DeleteTableCommand).resolves({});
    glue.on(CreateTableCommand).resolves({});
    await engine().registerTransitions([
      {
        transitionId: 'c-x',
        from: 'c',
        output: 'complement',
        to: 'x',
        active: true,
        population: {
          rows: 3,
          dimension: 'recipients',
          location: 'work/c/r1/c',
          table: 'w',
          output: 'complement',
          columns: [
            { name: 'id', type: 'integer' },
            { name: 'spent', type: 'decimal' },
          ],
          stored: { id: 'orca_c_id' },
        },
        at: 'now',
      },
      // Control flow only: no population, no table.
      { transitionId: 'w-x', from: 'w', output: 'main', to: 'x', active: true, population: null, at: 'now' },
      // A wait forwarding c's complement: its table is over c's partition, not over 'main'.
      {
        transitionId: 'v-y',
        from: 'v',
        output: 'main',
        to: 'y',
        active: true,
        population: {
          rows: 3,
          dimension: null,
          location: 'work/c/r1/c',
          table: 'w',
          output: 'complement',
          columns: [],
        },
        at: 'now',
      },
    ]);
    const created = glue.commandCalls(CreateTableCommand).map((c) => c.args[0].input.TableInput!);
    expect(created.map((t) => t.StorageDescriptor!.Location)).toEqual([
      's3://orca-data/work/c/r1/c/orca_output=complement/',
      's3://orca-data/work/c/r1/c/orca_output=complement/',
    ]);
    const input = glue.commandCalls(CreateTableCommand)[0]!.args[0].input;
    expect(input.TableInput!.StorageDescriptor).toMatchObject({
      Columns: [
        { Name: 'orca_c_id', Type: 'bigint' },
        { Name: 'spent', Type: 'decimal(18,2)' },
      ],
      Location: 's3://orca-data/work/c/r1/c/orca_output=complement/',
      SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
    });
    expect(input.TableInput!.Name).toMatch(/^t_work_c_r1_c_c_x_[0-9a-f]{8}$/);
  });

  it('a transition table declares the types its files have: those of the CTAS table (Amazon Athena User Guide — CREATE TABLE AS: the columns take the types of the SELECT)', async () => {
    glue.on(DeleteTableCommand).resolves({});
    glue.on(CreateTableCommand).resolves({});
    // sum() of a decimal(18,2) is a decimal(38,2) in Trino; the CTAS table says so.
    glue.on(GetTableCommand).resolves({
      Table: {
        Name: 'w_sum',
        StorageDescriptor: {
          Columns: [
            { Name: 'orca_c_id', Type: 'bigint' },
            { Name: 'spent', Type: 'decimal(38,2)' },
          ],
        },
        PartitionKeys: [{ Name: 'orca_output', Type: 'string' }],
      },
    });
    const population = {
      rows: 3,
      dimension: 'recipients',
      location: 'work/c/r1/c',
      table: 'w_sum',
      output: 'main',
      columns: [
        { name: 'id', type: 'integer' as const },
        { name: 'spent', type: 'decimal' as const },
      ],
      stored: { id: 'orca_c_id' },
    };
    await engine().registerTransitions([
      { transitionId: 'c-x', from: 'c', output: 'main', to: 'x', active: true, population, at: 'now' },
      { transitionId: 'c-y', from: 'c', output: 'main', to: 'y', active: true, population, at: 'now' },
    ]);
    expect(glue.commandCalls(GetTableCommand).map((c) => c.args[0].input)).toEqual([
      { DatabaseName: 'orca', Name: 'w_sum' },
    ]);
    for (const c of glue.commandCalls(CreateTableCommand)) {
      expect(c.args[0].input.TableInput!.StorageDescriptor!.Columns).toEqual([
        { Name: 'orca_c_id', Type: 'bigint' },
        { Name: 'spent', Type: 'decimal(38,2)' },
      ]);
    }
  });

  it("makes a CSV file queryable: the run's own copy (JSON lines with the file's line numbers) and a table of the run's over it", async () => {
    s3.on(GetObjectCommand).resolves({
      // Line 3 is blank; line 4 has a quoted delimiter and a backslash, kept as it is.
      Body: Readable.from(['email;name\r\nann@x.com;Ann\r\n\r\n', '"b;c@x.com";C:\\dir\r\n']) as never,
    });
    s3.on(ListObjectsV2Command).resolves({});
    s3.on(PutObjectCommand).resolves({});
    glue.on(DeleteTableCommand).resolves({});
    glue.on(CreateTableCommand).resolves({});
    await engine().prepareCsv({
      location: 'incoming/leads/leads.csv',
      copy: 'work/c/r1/load.source',
      table: 'csv_work_c_r1_load_1234abcd',
      delimiter: ';',
      header: true,
      columns: ['orca_raw_email', 'orca_raw_name'],
    });
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'orca-data',
      Key: 'incoming/leads/leads.csv',
    });
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put.Key).toBe('work/c/r1/load.source/records.json');
    expect(String(put.Body)).toBe(
      '{"orca_line":2,"orca_raw_email":"ann@x.com","orca_raw_name":"Ann"}\n' +
        '{"orca_line":4,"orca_raw_email":"b;c@x.com","orca_raw_name":"C:\\\\dir"}\n',
    );
    expect(glue.commandCalls(CreateTableCommand)[0]!.args[0].input.TableInput).toMatchObject({
      Name: 'csv_work_c_r1_load_1234abcd',
      StorageDescriptor: {
        // Never the file's folder, which other runs and campaigns share.
        Location: 's3://orca-data/work/c/r1/load.source/',
        Columns: [
          { Name: 'orca_line', Type: 'bigint' },
          { Name: 'orca_raw_email', Type: 'string' },
          { Name: 'orca_raw_name', Type: 'string' },
        ],
        SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
      },
    });
  });
});
