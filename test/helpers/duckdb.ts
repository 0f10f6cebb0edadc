/** A DuckDB connection for tests, and helpers to write hand-made tables as Parquet. */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export interface TestDb {
  dir: string;
  db: DuckDBConnection;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /** The first column of every row. */
  column(sql: string): Promise<unknown[]>;
  close(): void;
}

export async function openTestDb(prefix = 'orca-test-'): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const db = await instance.connect();
  return {
    dir,
    db,
    async rows(sql) {
      return (await db.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    },
    async column(sql) {
      return (await db.runAndReadAll(sql)).getRows().map((r) => r[0]);
    },
    close() {
      db.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes `SELECT ...` as <dir>/<location>/data.parquet. */
export async function writeParquet(t: TestDb, location: string, select: string): Promise<void> {
  mkdirSync(join(t.dir, location), { recursive: true });
  await t.db.run(`COPY (${select}) TO '${join(t.dir, location, 'data.parquet')}' (FORMAT PARQUET)`);
}

export const ids = (xs: unknown[]): number[] => xs.map(Number).sort((a, b) => a - b);
