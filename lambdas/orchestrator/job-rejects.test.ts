import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../adapters/fs-objects.js';
import { openTestDb, type TestDb } from '../../test/helpers/duckdb.js';
import { rejectsPage } from './job-rejects.js';

describe('rejectsPage: a page of rejected lines from Parquet files in no order', () => {
  let t: TestDb;
  let objects: FsObjectStore;
  beforeAll(async () => {
    t = await openTestDb();
    mkdirSync(join(t.dir, 'imports/j/rejects'), { recursive: true });
    // Two files, as a CTAS writes them: lines 1..2,500 with even lines in one and odd in the other,
    // each file in descending order, and Athena's hidden files beside them.
    for (const [name, parity] of [
      ['a', 0],
      ['b', 1],
    ] as const)
      await t.db.run(
        `COPY (SELECT i AS line, 'mail' AS "column", 'v' || i AS value, 'invalidValue' AS reason FROM range(1, 2501) t(i)
         WHERE i % 2 = ${parity} ORDER BY i DESC) TO '${join(t.dir, `imports/j/rejects/${name}.parquet`)}' (FORMAT PARQUET, ROW_GROUP_SIZE 1000)`,
      );
    await t.db.run(`COPY (SELECT 1 AS x) TO '${join(t.dir, 'imports/j/rejects/_SUCCESS')}' (FORMAT CSV)`);
    objects = new FsObjectStore(t.dir);
  });
  afterAll(() => t.close());

  it('answers the lines in file order, offset and limit applied', async () => {
    const page = await rejectsPage(objects, 'imports/j/rejects', 3, 1200);
    expect(page).toEqual([
      { line: 1201, column: 'mail', value: 'v1201', reason: 'invalidValue' },
      { line: 1202, column: 'mail', value: 'v1202', reason: 'invalidValue' },
      { line: 1203, column: 'mail', value: 'v1203', reason: 'invalidValue' },
    ]);
    expect((await rejectsPage(objects, 'imports/j/rejects', 5, 0)).map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('the last page is short, past the end is empty, a job without files has none', async () => {
    expect((await rejectsPage(objects, 'imports/j/rejects', 10, 2497)).map((r) => r.line)).toEqual([2498, 2499, 2500]);
    expect(await rejectsPage(objects, 'imports/j/rejects', 10, 2500)).toEqual([]);
    expect(await rejectsPage(objects, 'imports/none/rejects', 10, 0)).toEqual([]);
  });
});
