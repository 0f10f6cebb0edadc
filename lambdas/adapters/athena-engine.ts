/**
 * The cloud query engine: Athena (Trino) writing work tables with CTAS into the data bucket, in
 * the same layout as the embedded engine (<location>/orca_output=<output>/), one Glue table per
 * activity (partitioned by output) and one per transition for people who query them directly.
 * The activity queries themselves run in the state machine (athena:startQueryExecution.sync); this
 * adapter runs the small ones (row counts, previews) with a start / poll loop, and cancels.
 */
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type QueryExecution,
} from '@aws-sdk/client-athena';
import { CreateTableCommand, DeleteTableCommand, GetTableCommand, type GlueClient } from '@aws-sdk/client-glue';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { AthenaDialect, CSV_COPY_FILE, OUTPUT_COLUMN, pageOrder, type CsvSource } from '../sql/dialect.js';
import { LINE_COLUMN, csvToJsonLines } from '../sql/csv.js';
import { quoteIdent, stringLiteral } from '../sql/literal.js';
import { glueType } from '../sql/types.js';
import type { QueryEngine, Target } from '../ports/engine.js';
import type { Population } from '../sql/population.js';
import type { TransitionRecord } from '../ports/store.js';
import { athenaResultsLocation, glueTableName } from '../layout.js';
import { deletePrefix } from './s3-objects.js';
import { ActivityError, RunStopped, TransientError } from '../orchestrator/errors.js';
import { typedRow } from './rows.js';
import { isAwsError } from './aws-errors.js';
import { MESSAGE_COLUMNS } from '../channels/columns.js';

export interface AthenaEngineOptions {
  athena: AthenaClient;
  glue: GlueClient;
  s3: S3Client;
  bucket: string;
  database: string;
  workGroup: string;
  /** Poll delays (ms): starts at the first, doubles up to the second. */
  poll?: [number, number];
  /** Give up waiting for a small query after this long (ms). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Size of the parts of a multipart upload (S3: 5 MiB at least). */
const UPLOAD_PART = 8 * 1024 * 1024;

const THROTTLED = ['TooManyRequestsException', 'ThrottlingException', 'ServiceUnavailableException'];

export class AthenaEngine implements QueryEngine {
  readonly dialect: AthenaDialect;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: AthenaEngineOptions) {
    this.dialect = new AthenaDialect({ database: o.database });
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private url(location: string): string {
    return `s3://${this.o.bucket}/${location.replace(/^\/+|\/+$/g, '')}/`;
  }

  materialize(select: string, target: Target): string {
    // A message table is also bucketed by orca_chunk ("Amazon Athena User Guide — CTAS table properties":
    // bucketed_by, bucket_count): Hive bucketing of a BIGINT in 0..n-1 puts chunk i in bucket i, one file
    // group per chunk in each partition.
    const buckets = target.chunks
      ? `, bucketed_by = ARRAY['${MESSAGE_COLUMNS.chunk}'], bucket_count = ${Math.floor(target.chunks)}`
      : '';
    return `CREATE TABLE ${this.dialect.ownTable(target.table)}\nWITH (format = 'PARQUET', write_compression = 'SNAPPY', external_location = ${stringLiteral(this.url(target.location))}, partitioned_by = ARRAY['${OUTPUT_COLUMN}']${buckets})\nAS\n${select}`;
  }

  /** A CTAS needs an empty location and no table of that name: clear what a failed attempt left. */
  async prepareTarget(target: Target): Promise<void> {
    await deletePrefix(this.o.s3, this.o.bucket, target.location);
    await this.dropTable(target.table);
  }

  /** Drops one of orca's Glue tables (gone already: nothing to do). */
  async dropTable(name: string): Promise<void> {
    try {
      await this.o.glue.send(new DeleteTableCommand({ DatabaseName: this.o.database, Name: name }));
    } catch (e) {
      if (!isAwsError(e, 'EntityNotFoundException')) throw e;
    }
  }

  /**
   * Copies the file's records as JSON lines into the run's folder (lambdas/sql/csv.ts: the same parser
   * as locally, with the file's line numbers), and makes a Glue table of this run's over that copy.
   */
  async prepareCsv(csv: CsvSource): Promise<void> {
    let body: Readable;
    try {
      const r = await this.o.s3.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: csv.location }));
      body = r.Body as Readable;
    } catch (e) {
      if (isAwsError(e, 'NoSuchKey', 'NotFound'))
        throw new ActivityError(`the file s3://${this.o.bucket}/${csv.location} does not exist`);
      throw e;
    }
    await deletePrefix(this.o.s3, this.o.bucket, csv.copy);
    await this.upload(`${csv.copy}/${CSV_COPY_FILE}`, csvToJsonLines(body, csv));
    await this.dropTable(csv.table);
    await this.o.glue.send(
      new CreateTableCommand({
        DatabaseName: this.o.database,
        TableInput: {
          Name: csv.table,
          Description: `orca: the records of ${csv.location} for one run`,
          TableType: 'EXTERNAL_TABLE',
          Parameters: { classification: 'json' },
          StorageDescriptor: {
            Columns: [{ Name: LINE_COLUMN, Type: 'bigint' }, ...csv.columns.map((c) => ({ Name: c, Type: 'string' }))],
            Location: this.url(csv.copy),
            InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
            OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
            SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
          },
        },
      }),
    );
  }

  /**
   * Writes a stream of text to one object without holding it in memory: parts of UPLOAD_PART bytes
   * (Amazon S3 User Guide — multipart upload: parts of 5 MiB at least, but the last), or one
   * PutObject when it is smaller than a part.
   */
  async upload(key: string, text: AsyncIterable<string>, contentType = 'application/x-ndjson'): Promise<void> {
    const target = { Bucket: this.o.bucket, Key: key };
    const parts: Array<{ ETag: string | undefined; PartNumber: number }> = [];
    let chunks: Buffer[] = [];
    let size = 0;
    let uploadId: string | undefined;
    const flush = async () => {
      uploadId ??= (await this.o.s3.send(new CreateMultipartUploadCommand({ ...target, ContentType: contentType })))
        .UploadId!;
      const PartNumber = parts.length + 1;
      const r = await this.o.s3.send(
        new UploadPartCommand({ ...target, UploadId: uploadId, PartNumber, Body: Buffer.concat(chunks) }),
      );
      parts.push({ ETag: r.ETag, PartNumber });
      chunks = [];
      size = 0;
    };
    try {
      for await (const piece of text) {
        const b = Buffer.from(piece);
        chunks.push(b);
        size += b.length;
        if (size >= UPLOAD_PART) await flush();
      }
      if (!uploadId) {
        await this.o.s3.send(
          new PutObjectCommand({ ...target, Body: Buffer.concat(chunks), ContentType: contentType }),
        );
        return;
      }
      if (size) await flush();
      await this.o.s3.send(
        new CompleteMultipartUploadCommand({ ...target, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
      );
    } catch (e) {
      if (uploadId)
        await this.o.s3.send(new AbortMultipartUploadCommand({ ...target, UploadId: uploadId })).catch(() => undefined);
      throw e;
    }
  }

  async outputRows(target: Target): Promise<Record<string, number>> {
    const rows = await this.query(
      `SELECT ${quoteIdent(OUTPUT_COLUMN)}, count(*) FROM ${this.dialect.ownTable(target.table)} GROUP BY 1`,
    );
    return Object.fromEntries(rows.map((r) => [String(r[0]), Number(r[1])]));
  }

  async countBy(ref: Population, column: string): Promise<Record<string, number>> {
    const rows = await this.query(
      `SELECT CAST(w.${quoteIdent(column)} AS VARCHAR), count(*) FROM ${this.dialect.workTable(ref)} AS w GROUP BY 1`,
    );
    return Object.fromEntries(rows.map((r) => [r[0] ?? '', Number(r[1])]));
  }

  async preview(ref: Population, limit: number, offset: number): Promise<Record<string, unknown>[]> {
    const rel = this.dialect.workTable({ ...ref, rows: -1 });
    const names = ref.columns.map((c) => c.name);
    const rows = await this.query(
      `SELECT * FROM ${rel} AS w${pageOrder(ref)} OFFSET ${Math.floor(offset)} LIMIT ${Math.floor(limit)}`,
    );
    return rows.map((r) => typedRow(Object.fromEntries(names.map((n, i) => [n, r[i]])), ref.columns));
  }

  async cancel(queryId: string): Promise<void> {
    await this.o.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }));
  }

  async remove(location: string): Promise<void> {
    await deletePrefix(this.o.s3, this.o.bucket, location);
  }

  /** A Glue table per transition that carries a population, over its partition folder, so analysts can query it by name. */
  async registerTransitions(records: TransitionRecord[]): Promise<void> {
    // The types the CTAS wrote (Athena decides them: decimal(38,s) for sums, bigint for counts...), per table.
    const written = new Map<string, Map<string, string>>();
    for (const t of records) {
      const p = t.population;
      if (!p) continue;
      let types = written.get(p.table);
      if (!types) {
        types = await this.columnTypes(p.table);
        written.set(p.table, types);
      }
      const name = glueTableName('t', p.location, t.transitionId);
      await this.dropTable(name);
      await this.o.glue.send(
        new CreateTableCommand({
          DatabaseName: this.o.database,
          TableInput: {
            Name: name,
            Description: `orca transition ${t.transitionId} (${t.from}.${t.output} -> ${t.to}), ${p.rows} rows`,
            TableType: 'EXTERNAL_TABLE',
            Parameters: { classification: 'parquet', 'orca.transition': t.transitionId },
            StorageDescriptor: {
              Columns: p.columns.map((c) => {
                const physical = p.stored?.[c.name] ?? c.name;
                return { Name: physical, Type: types.get(physical) ?? glueType(c.type) };
              }),
              // The partition that holds the rows: a forwarded population keeps its writer's output.
              Location: this.url(`${p.location}/${OUTPUT_COLUMN}=${p.output}`),
              InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
              OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
              SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
            },
          },
        }),
      );
    }
  }

  /** The column types of one of orca's Glue tables, as its CTAS wrote them (empty when it is gone). */
  private async columnTypes(table: string): Promise<Map<string, string>> {
    try {
      const r = await this.o.glue.send(new GetTableCommand({ DatabaseName: this.o.database, Name: table }));
      return new Map((r?.Table?.StorageDescriptor?.Columns ?? []).map((c) => [c.Name!.toLowerCase(), c.Type!]));
    } catch (e) {
      if (!isAwsError(e, 'EntityNotFoundException')) throw e;
      return new Map();
    }
  }

  /** Starts a query, retrying throttled submissions with backoff. */
  async start(sql: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.o.athena.send(
          new StartQueryExecutionCommand({
            QueryString: sql,
            WorkGroup: this.o.workGroup,
            QueryExecutionContext: { Database: this.o.database },
            ResultConfiguration: {
              OutputLocation: athenaResultsLocation(this.o.bucket),
              EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
            },
          }),
        );
        return r.QueryExecutionId!;
      } catch (e) {
        if (!isAwsError(e, ...THROTTLED)) throw e;
        if (attempt >= 5) throw new TransientError(`Athena is throttling query submissions: ${(e as Error).message}`);
        await this.sleep(Math.min(8000, 250 * 2 ** attempt));
      }
    }
  }

  /** Polls until the query ends; returns its execution when it succeeded. */
  async wait(queryId: string): Promise<QueryExecution> {
    const [first, max] = this.o.poll ?? [250, 2000];
    const deadline = Date.now() + (this.o.timeoutMs ?? 5 * 60_000);
    for (let delay = first; ; delay = Math.min(max, delay * 2)) {
      let qe: QueryExecution | undefined;
      try {
        qe = (await this.o.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId }))).QueryExecution;
      } catch (e) {
        if (!isAwsError(e, ...THROTTLED)) throw e;
      }
      const state = qe?.Status?.State;
      if (state === 'SUCCEEDED') return qe!;
      if (state === 'FAILED') {
        const reason = qe!.Status?.StateChangeReason ?? qe!.Status?.AthenaError?.ErrorMessage ?? 'the query failed';
        throw qe!.Status?.AthenaError?.Retryable ? new TransientError(reason) : new ActivityError(reason);
      }
      if (state === 'CANCELLED') throw new RunStopped();
      if (Date.now() > deadline) {
        await this.cancel(queryId);
        throw new TransientError(`the query ${queryId} did not finish in time and was cancelled`);
      }
      await this.sleep(delay);
    }
  }

  /** Runs a small query and returns its rows (header row removed), as text. */
  async query(sql: string): Promise<Array<Array<string | null>>> {
    const id = await this.start(sql);
    await this.wait(id);
    const rows: Array<Array<string | null>> = [];
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.o.athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token }));
      const data = (page.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue ?? null));
      rows.push(...(first ? data.slice(1) : data));
      first = false;
      token = page.NextToken;
    } while (token);
    return rows;
  }
}
