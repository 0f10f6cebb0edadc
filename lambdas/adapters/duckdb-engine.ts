/**
 * The embedded query engine: DuckDB writing work tables as Parquet under the data folder, laid out
 * like the bucket (<location>/orca_output=<output>/*.parquet; a message table also by orca_chunk). `execute` is the local stand-in for
 * Athena's startQueryExecution.sync: each query gets its own connection, so parallel branches run
 * concurrently and a query can be interrupted.
 */
import { checkedLocation } from '../layout.js';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { CSV_COPY_FILE, DuckDbDialect, OUTPUT_COLUMN, pageOrder, type CsvSource } from '../sql/dialect.js';
import { csvToJsonLines, fileInsideDataFolder } from '../sql/csv.js';
import { quoteIdent, stringLiteral } from '../sql/literal.js';
import type { QueryEngine, Target } from '../ports/engine.js';
import type { Population } from '../sql/population.js';
import { typedRow } from './rows.js';
import { OrcaError } from '../util/errors.js';
import { MESSAGE_COLUMNS } from '../channels/columns.js';

export interface DuckDbOptions {
  threads?: number;
  /** e.g. '4GB'; DuckDB spills to disk beyond it. */
  memoryLimit?: string;
}

export class QueryFailed extends OrcaError {
  static override readonly errorName = 'QueryFailed';
}

export class QueryCancelled extends OrcaError {
  static override readonly errorName = 'QueryCancelled';
}

export class DuckDbEngine implements QueryEngine {
  readonly dialect: DuckDbDialect;
  private readonly rows = new Map<string, Record<string, number>>();
  private readonly running = new Map<string, DuckDBConnection>();
  private readonly cancelled = new Set<string>();
  /** The statement of each running query, to find those of a run. */
  private readonly statements = new Map<string, string>();

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly dataRoot: string,
  ) {
    this.dialect = new DuckDbDialect(dataRoot);
  }

  static async open(dataRoot: string, options: DuckDbOptions = {}): Promise<DuckDbEngine> {
    const root = resolve(dataRoot);
    const tmp = join(root, 'tmp', 'duckdb');
    mkdirSync(tmp, { recursive: true });
    const instance = await DuckDBInstance.create(':memory:', {
      threads: String(options.threads ?? 2),
      memory_limit: options.memoryLimit ?? '4GB',
      temp_directory: tmp,
      preserve_insertion_order: 'false',
      // Keeps Parquet footers between queries: the catalog's files are read by many activities.
      enable_object_cache: 'true',
    });
    return new DuckDbEngine(instance, root);
  }

  close(): void {
    for (const c of this.running.values()) c.interrupt();
    this.instance.closeSync();
  }

  private path(location: string): string {
    return join(this.dataRoot, checkedLocation(location));
  }

  materialize(select: string, target: Target): string {
    // A message table: <location>/orca_output=<output>/orca_chunk=<i>/*.parquet, one folder per chunk.
    const by = target.chunks ? `${OUTPUT_COLUMN}, ${MESSAGE_COLUMNS.chunk}` : OUTPUT_COLUMN;
    return `COPY (\n${select}\n) TO ${stringLiteral(this.path(target.location))} (FORMAT PARQUET, PARTITION_BY (${by}), OVERWRITE true, RETURN_STATS true)`;
  }

  async prepareTarget(target: Target): Promise<void> {
    const dir = this.path(target.location);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
  }

  /** Copies the file's records as JSON lines into the run's folder (lambdas/sql/csv.ts: the same parser as in the cloud). */
  async prepareCsv(csv: CsvSource): Promise<void> {
    // Links are followed and anything outside the data folder refused (lambdas/sql/csv.ts).
    const file = await fileInsideDataFolder(this.dataRoot, csv.location);
    const copy = this.path(csv.copy);
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(copy, { recursive: true });
    await pipeline(
      Readable.from(csvToJsonLines(createReadStream(file), csv)),
      createWriteStream(join(copy, CSV_COPY_FILE)),
    );
  }

  /** Runs one statement; for a materialisation, remembers the rows written per output. */
  async execute(sql: string): Promise<{ queryId: string; durationMs: number; rows: Record<string, number> }> {
    const queryId = randomUUID();
    const connection = await this.instance.connect();
    this.running.set(queryId, connection);
    this.statements.set(queryId, sql);
    const started = performance.now();
    try {
      const reader = await connection.runAndReadAll(sql);
      const rows: Record<string, number> = {};
      if (reader.columnNames().includes('partition_keys')) {
        for (const r of reader.getRowObjectsJS()) {
          const keys = r.partition_keys as
            | { entries?: Array<{ key: string; value: unknown }> }
            | Map<string, unknown>
            | Record<string, unknown>;
          const output = String(partitionValue(keys, OUTPUT_COLUMN));
          rows[output] = (Object.hasOwn(rows, output) ? rows[output]! : 0) + Number(r.count);
        }
      }
      this.rows.set(queryId, rows);
      return { queryId, durationMs: performance.now() - started, rows };
    } catch (e) {
      if (this.cancelled.has(queryId)) throw new QueryCancelled('the query was cancelled');
      throw new QueryFailed((e as Error).message);
    } finally {
      this.running.delete(queryId);
      this.statements.delete(queryId);
      this.cancelled.delete(queryId);
      connection.closeSync();
    }
  }

  async outputRows(target: Target, queryId: string): Promise<Record<string, number>> {
    const known = this.rows.get(queryId);
    if (known) {
      this.rows.delete(queryId);
      return known;
    }
    // After a restart: count from the files.
    const dir = this.path(target.location);
    const out: Record<string, number> = {};
    if (!existsSync(dir)) return out;
    for (const part of readdirSync(dir)) {
      const m = /^orca_output=(.+)$/.exec(part);
      if (!m) continue;
      const r = await this.query(
        `SELECT count(*) AS n FROM read_parquet(${stringLiteral(join(dir, part, '**', '*.parquet'))})`,
      );
      out[m[1]!] = Number(r[0]!.n);
    }
    return out;
  }

  async preview(ref: Population, limit: number, offset: number): Promise<Record<string, unknown>[]> {
    const dir = join(this.path(ref.location), `${OUTPUT_COLUMN}=${ref.output}`);
    if (!existsSync(dir)) return [];
    const rel = this.dialect.workTable({ ...ref, rows: -1 });
    const rows = await this.query(
      `SELECT * FROM ${rel} AS w${pageOrder(ref)} LIMIT ${Math.floor(limit)} OFFSET ${Math.floor(offset)}`,
    );
    return rows.map((r) => typedRow(r, ref.columns));
  }

  async countBy(ref: Population, column: string): Promise<Record<string, number>> {
    const rows = await this.query(
      `SELECT CAST(w.${quoteIdent(column)} AS VARCHAR) AS v, count(*) AS n FROM ${this.dialect.workTable(ref)} AS w GROUP BY 1`,
    );
    return Object.fromEntries(rows.map((r) => [r.v === null ? '' : String(r.v), Number(r.n)]));
  }

  /** Runs a query and returns its rows as JSON-friendly objects. */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    const connection = await this.instance.connect();
    try {
      return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    } finally {
      connection.closeSync();
    }
  }

  async cancel(queryId: string): Promise<void> {
    const c = this.running.get(queryId);
    if (c) {
      this.cancelled.add(queryId);
      c.interrupt();
    }
  }

  /** Cancels the running queries of one run (their statements name its work folders). */
  cancelRun(runId: string): string[] {
    const ids = [...this.statements].filter(([, sql]) => sql.includes(runId)).map(([id]) => id);
    for (const id of ids) void this.cancel(id);
    return ids;
  }

  async remove(location: string): Promise<void> {
    rmSync(this.path(location), { recursive: true, force: true });
  }

  async registerTransitions(): Promise<void> {
    // Locally, transitions are read straight from their folders.
  }
}

function partitionValue(keys: unknown, name: string): unknown {
  if (keys instanceof Map) return keys.get(name);
  if (keys && typeof keys === 'object' && 'entries' in keys && Array.isArray((keys as { entries: unknown }).entries)) {
    return (keys as { entries: Array<{ key: string; value: unknown }> }).entries.find((e) => e.key === name)?.value;
  }
  if (Array.isArray(keys)) return (keys as Array<{ key: string; value: unknown }>).find((e) => e.key === name)?.value;
  return (keys as Record<string, unknown>)[name];
}
