/** Reading a chunk's Parquet files (written by DuckDB's COPY) with hyparquet, a slice at a time. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../adapters/fs-objects.js';
import { openTestDb, type TestDb } from '../../test/helpers/duckdb.js';
import { chunkRows } from './chunk-rows.js';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb('orca-chunk-rows-');
});
afterAll(() => t.close());

describe('chunkRows', () => {
  it('reads every row of several files, across row groups, in slices of at most sliceRows', async () => {
    // 5,000 rows in row groups of 2,048 (DuckDB's smallest): 2,048 + 2,048 + 904; then a GZIP file (Athena's default).
    await t.db.run(
      `COPY (SELECT i AS id, 'n' || i AS name FROM range(5000) r(i)) TO '${t.dir}/a.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 2048)`,
    );
    await t.db.run(
      `COPY (SELECT i AS id, 'n' || i AS name FROM range(5000, 5010) r(i)) TO '${t.dir}/b.parquet' (FORMAT PARQUET, COMPRESSION GZIP)`,
    );
    const sizes: number[] = [];
    const ids: number[] = [];
    for await (const slice of chunkRows(new FsObjectStore(t.dir), ['a.parquet', 'b.parquet'], 1000)) {
      expect(slice.columns).toEqual(['id', 'name']);
      sizes.push(slice.rows.length);
      for (const r of slice.rows) ids.push(r.id as number);
    }
    // Slices never cross a row group: 1000, 1000, 48 | 1000, 1000, 48 | 904 | 10.
    expect(sizes).toEqual([1000, 1000, 48, 1000, 1000, 48, 904, 10]);
    expect(ids).toEqual(Array.from({ length: 5010 }, (_, i) => i));
  });

  it('gives templates plain values: BIGINT as a number (text beyond 2^53), DATE and TIMESTAMP as dates', async () => {
    await t.db.run(
      `COPY (SELECT 42::BIGINT AS small, 9007199254740993::BIGINT AS big, DATE '2026-12-01' AS d, TIMESTAMP '2026-12-01 10:30:00' AS ts, NULL::VARCHAR AS missing)
       TO '${t.dir}/v.parquet' (FORMAT PARQUET)`,
    );
    const slices = [];
    for await (const s of chunkRows(new FsObjectStore(t.dir), ['v.parquet'])) slices.push(s);
    const row = slices[0]!.rows[0]!;
    expect(row.small).toBe(42);
    expect(row.big).toBe('9007199254740993');
    expect((row.d as Date).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect((row.ts as Date).toISOString()).toBe('2026-12-01T10:30:00.000Z');
    expect(row.missing).toBeNull();
  });
});
