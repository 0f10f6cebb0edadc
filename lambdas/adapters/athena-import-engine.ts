/**
 * The cloud's import engine: import job stages (lambdas/orchestrator/import-stages.ts) run as Athena
 * queries in orca's workgroup, their results in the bucket's athena-results/ prefix, on the AthenaEngine's
 * start / poll / results loop. Where the Athena rules bite:
 *
 * - a work table is a CTAS partitioned by orca_output into the job's work prefix (imports/<id>/<stage>),
 *   Parquet; a plain write (the rejects, the next version) a CTAS without partitions into its folder.
 *   "Amazon Athena User Guide — Considerations and limitations for CTAS queries": the external_location
 *   must be empty and no table of that name may exist, so both are cleared first (a retried stage
 *   writes again); a CTAS writes at most 100 partitions ("— Using CTAS and INSERT INTO to work around
 *   the 100 partition limit"), and a work table has at most three (main, rejects, doubles); the next
 *   version is written whole, never with MERGE, which Athena runs on Iceberg tables only ("— MERGE
 *   INTO"): the catalog's tables are plain Parquet.
 * - the file: the planner reads a CSV or JSON-lines file through its JSON-lines copy (orca_line and
 *   orca_raw_<i>, lambdas/imports/read-source.ts: the same parser, checks and line numbers as
 *   locally, a Latin-1 file decoded as Latin-1), written to imports/<id>/source with a Glue table over it
 *   (JsonSerDe). A CSV SerDe over the upload itself (OpenCSVSerDe, LazySimpleSerDe with
 *   serialization.encoding) is not used: no SerDe gives a record's line number, which every reject
 *   names. A Parquet file is copied into imports/<id>/source (its upload folder may hold other files)
 *   and read by a Glue table of its own columns (read from the file's footer with hyparquet).
 */
import {
  BatchGetQueryExecutionCommand,
  GetQueryResultsCommand,
  ListQueryExecutionsCommand,
} from '@aws-sdk/client-athena';
import { CreateTableCommand } from '@aws-sdk/client-glue';
import { CopyObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { parquetMetadataAsync, type SchemaElement } from 'hyparquet';
import type { ImportEngine } from '../ports/imports.js';
import type { ObjectStore } from '../ports/objects.js';
import type { ImportJob } from '../imports/job.js';
import { sourceCopy } from '../imports/plan.js';
import { ImportFileError, sourceToJsonLines, type CsvLayout } from '../imports/read-source.js';
import { CSV_COPY_FILE } from '../sql/dialect.js';
import { LINE_COLUMN } from '../sql/csv.js';
import { checkedLocation } from '../layout.js';
import { ActivityError } from '../util/errors.js';
import { AthenaEngine, type AthenaEngineOptions } from './athena-engine.js';
import { deletePrefix } from './s3-objects.js';
import { skipSubtree } from '../orchestrator/chunk-rows.js';
import { isAwsError } from './aws-errors.js';

export interface AthenaImportEngineOptions extends AthenaEngineOptions {
  /** The data bucket's objects (a Parquet file's footer is read by ranges). */
  objects: ObjectStore;
}

/** A plain write's CTAS (lambdas/imports/plan.ts writeStatement): its table is dropped before and after. */
const PLAIN_WRITE =
  /^CREATE TABLE "([^"]+)"\."([^"]+)"\nWITH \(format = 'PARQUET', write_compression = 'SNAPPY', external_location = '[^']*'\)\nAS\n/;

/** Query states still running ("Amazon Athena API Reference — QueryExecutionStatus"). */
const LIVE = new Set(['QUEUED', 'RUNNING']);

/** Athena types of a Parquet column ("Amazon Athena User Guide — Data types in Athena"), from its physical and logical types. */
export function parquetGlueType(e: SchemaElement): string | undefined {
  const logical = e.logical_type?.type;
  const decimal = () => `decimal(${e.precision ?? 38},${e.scale ?? 0})`;
  if (logical === 'DECIMAL' || e.converted_type === 'DECIMAL') return decimal();
  switch (e.type) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INT32':
      return logical === 'DATE' || e.converted_type === 'DATE' ? 'date' : 'int';
    case 'INT64':
      return logical === 'TIMESTAMP' ||
        e.converted_type === 'TIMESTAMP_MILLIS' ||
        e.converted_type === 'TIMESTAMP_MICROS'
        ? 'timestamp'
        : 'bigint';
    case 'INT96':
      return 'timestamp';
    case 'FLOAT':
      return 'float';
    case 'DOUBLE':
      return 'double';
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY':
      return logical === 'STRING' ||
        logical === 'ENUM' ||
        logical === 'JSON' ||
        e.converted_type === 'UTF8' ||
        e.converted_type === 'ENUM' ||
        e.converted_type === 'JSON'
        ? 'string'
        : 'binary';
    default:
      return undefined;
  }
}

export class AthenaImportEngine implements ImportEngine {
  readonly engine: AthenaEngine;

  constructor(protected readonly o: AthenaImportEngineOptions) {
    this.engine = new AthenaEngine(o);
  }

  get dialect() {
    return this.engine.dialect;
  }

  url(location: string): string {
    return `s3://${this.o.bucket}/${checkedLocation(location).replace(/^\/+|\/+$/g, '')}/`;
  }

  materialize(select: string, target: { location: string; table: string }): string {
    return this.engine.materialize(select, target);
  }

  prepareTarget(target: { location: string; table: string }): Promise<void> {
    return this.engine.prepareTarget(target);
  }

  async prepareFolder(location: string): Promise<void> {
    await deletePrefix(this.o.s3, this.o.bucket, checkedLocation(location));
  }

  async remove(location: string): Promise<void> {
    await deletePrefix(this.o.s3, this.o.bucket, checkedLocation(location));
  }

  /**
   * Runs a statement. A materialisation (a CTAS partitioned by orca_output) is followed by its row
   * count per output; a plain write's table is dropped before (a retried stage) and after (its files stay).
   */
  async execute(sql: string): Promise<{ queryId: string; rows: Record<string, number> }> {
    const plain = PLAIN_WRITE.exec(sql);
    if (plain) await this.engine.dropTable(plain[2]!);
    const queryId = await this.engine.start(sql);
    await this.engine.wait(queryId);
    if (plain) {
      await this.engine.dropTable(plain[2]!);
      return { queryId, rows: {} };
    }
    const ctas = /^CREATE TABLE "[^"]+"\."([^"]+)"\nWITH \([^\n]*partitioned_by = ARRAY\['orca_output'\]/.exec(sql);
    if (!ctas) return { queryId, rows: {} };
    return { queryId, rows: await this.engine.outputRows({ location: '', table: ctas[1]! }) };
  }

  /** A small result, each row an object by column name (values as Athena gives them: text, or null). */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    const id = await this.engine.start(sql);
    await this.engine.wait(id);
    const out: Record<string, unknown>[] = [];
    let names: string[] | undefined;
    let token: string | undefined;
    do {
      const page = await this.o.athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token }));
      const rows = page.ResultSet?.Rows ?? [];
      // The first page's first row is the header ("Amazon Athena API Reference — GetQueryResults").
      if (!names) {
        names = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name!);
        rows.shift();
      }
      for (const r of rows) out.push(Object.fromEntries(names.map((n, i) => [n, r.Data?.[i]?.VarCharValue ?? null])));
      token = page.NextToken;
    } while (token);
    return out;
  }

  async loadSource(job: ImportJob, work: string): Promise<{ records: number; layout?: CsvLayout }> {
    const key = checkedLocation(job.source.file, `import job ${job.name}: source.file`);
    const src = sourceCopy(job, work);
    await deletePrefix(this.o.s3, this.o.bucket, src.copy);
    await this.engine.dropTable(src.table);
    if (job.source.format === 'parquet') return this.loadParquet(job, key, src);
    let body: Readable;
    try {
      body = (await this.o.s3.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: key }))).Body as Readable;
    } catch (e) {
      throw this.missing(e, job, key);
    }
    const stats = { records: 0 };
    await this.engine.upload(`${src.copy}/${CSV_COPY_FILE}`, sourceToJsonLines(body, job, stats));
    await this.createTable(src.table, `the records of ${key} for import job ${job.name}`, src.copy, 'json', [
      { Name: LINE_COLUMN, Type: 'bigint' },
      ...src.columns.map((c) => ({ Name: c, Type: 'string' })),
    ]);
    return stats;
  }

  private missing(e: unknown, job: ImportJob, key: string): unknown {
    return isAwsError(e, 'NoSuchKey', 'NotFound')
      ? new ActivityError(`import job ${job.name}: the file s3://${this.o.bucket}/${key} does not exist`)
      : e;
  }

  /** A Parquet file: copied into the job's source folder, its mapped fields' types read from its footer. */
  private async loadParquet(
    job: ImportJob,
    key: string,
    src: ReturnType<typeof sourceCopy>,
  ): Promise<{ records: number }> {
    let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
    try {
      metadata = await parquetMetadataAsync(await this.o.objects.open(key));
    } catch (e) {
      if (isAwsError(e, 'NoSuchKey', 'NotFound')) throw this.missing(e, job, key);
      throw new ImportFileError(job.name, undefined, undefined, `not a Parquet file (${(e as Error).message})`);
    }
    const top = new Map<string, SchemaElement>();
    for (let i = 1, n = metadata.schema[0]?.num_children ?? 0; i < metadata.schema.length && top.size < n; ) {
      const e = metadata.schema[i]!;
      top.set(e.name.toLowerCase(), e);
      i += skipSubtree(metadata.schema, i);
    }
    const columns = job.columns.map((c) => {
      const e = top.get(c.field.toLowerCase());
      if (!e)
        throw new ImportFileError(
          job.name,
          undefined,
          c.field,
          `the file has no field '${c.field}' (it has ${[...top.values()].map((x) => `'${x.name}'`).join(', ')})`,
        );
      const type = e.num_children ? undefined : parquetGlueType(e);
      if (!type) throw new ImportFileError(job.name, undefined, c.field, 'a nested field cannot be imported');
      return { Name: c.field.toLowerCase(), Type: type };
    });
    const records = Number(metadata.num_rows);
    if (records === 0) throw new ImportFileError(job.name, undefined, undefined, `the file ${key} holds no record`);
    await this.o.s3.send(
      new CopyObjectCommand({
        Bucket: this.o.bucket,
        Key: `${src.copy}/data.parquet`,
        CopySource: `${this.o.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
      }),
    );
    await this.createTable(
      src.table,
      `the Parquet file ${key} of import job ${job.name}`,
      src.copy,
      'parquet',
      columns,
    );
    return { records };
  }

  private async createTable(
    name: string,
    description: string,
    location: string,
    format: 'json' | 'parquet',
    columns: Array<{ Name: string; Type: string }>,
  ): Promise<void> {
    const storage =
      format === 'json'
        ? {
            InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
            OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
            SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
          }
        : {
            InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          };
    await this.o.glue.send(
      new CreateTableCommand({
        DatabaseName: this.o.database,
        TableInput: {
          Name: name,
          Description: `orca: ${description}`,
          TableType: 'EXTERNAL_TABLE',
          Parameters: { classification: format },
          StorageDescriptor: { Columns: columns, Location: this.url(location), ...storage },
        },
      }),
    );
  }

  /**
   * Stops the running queries of the workgroup's latest 50 whose text holds `text` (in the cloud:
   * pass the job id, which every CTAS of a job names in its location).
   */
  async cancelMatching(text: string): Promise<void> {
    const list = await this.o.athena.send(
      new ListQueryExecutionsCommand({ WorkGroup: this.o.workGroup, MaxResults: 50 }),
    );
    const ids = list.QueryExecutionIds ?? [];
    if (!ids.length) return;
    const r = await this.o.athena.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: ids }));
    for (const q of r.QueryExecutions ?? [])
      if (LIVE.has(q.Status?.State ?? '') && q.Query?.includes(text)) await this.engine.cancel(q.QueryExecutionId!);
  }
}
