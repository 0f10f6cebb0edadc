/** The embedded engine on real files: previews page in the key's order. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from './duckdb-engine.js';
import type { Population } from '../sql/population.js';

let dir: string;
let engine: DuckDbEngine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orca-duckdb-engine-'));
  engine = await DuckDbEngine.open(dir);
  // Three files written in an order unrelated to the key: a scan returns them in any order.
  const part = join(dir, 'work/c/r/a/orca_output=main');
  mkdirSync(part, { recursive: true });
  for (const [i, ids] of [
    [9, 3, 7],
    [1, 8, 2],
    [6, 4, 5, 10],
  ].entries()) {
    const values = ids.map((id) => `(${id}, 'n${id}')`).join(', ');
    await engine.query(
      `COPY (SELECT * FROM (VALUES ${values}) AS t(id, name)) TO '${join(part, `${i}.parquet`)}' (FORMAT PARQUET)`,
    );
  }
});
afterAll(() => {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
});

const ref = (dimension: string | null): Population => ({
  dimension,
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'name', type: 'string' },
  ],
  location: 'work/c/r/a',
  table: 'w',
  output: 'main',
  rows: 10,
});

describe('DuckDbEngine.preview', () => {
  it('pages in the order of the key: pages neither overlap nor skip rows', async () => {
    const pages = [];
    for (let offset = 0; offset < 10; offset += 3) pages.push(await engine.preview(ref('recipients'), 3, offset));
    expect(pages.map((p) => p.map((r) => r.id))).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]);
  });

  it('without a dimension, orders by every column', async () => {
    const rows = await engine.preview(ref(null), 4, 2);
    expect(rows).toEqual([
      { id: 3, name: 'n3' },
      { id: 4, name: 'n4' },
      { id: 5, name: 'n5' },
      { id: 6, name: 'n6' },
    ]);
  });
});
