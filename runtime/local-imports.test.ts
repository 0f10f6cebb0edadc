/**
 * Import jobs end to end in the embedded runtime: each operation on a small table against rows
 * computed by hand, doubles, the second key, reject limits, cancel, a killed process, rollback, a
 * campaign's pinned version, and bad files (each error names the job, the line and the column).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildCatalog } from '../lambdas/catalog/catalog.js';
import { parseImportJob } from '../lambdas/imports/job.js';
import { pinnedCatalog } from '../lambdas/orchestrator/import-versions.js';
import { stringLiteral } from '../lambdas/sql/literal.js';
import { TABLE } from './dynalite.js';
import { LocalRuntime } from './local-runtime.js';
import { LocalImports } from './local-imports.js';

const catalog = buildCatalog({
  tables: {
    people: {
      primaryKey: 'id',
      location: 'tables/people',
      columns: { id: 'integer', email: 'string', age: 'integer', city: 'string' },
    },
  },
});

let root: string;
let runtime: LocalRuntime;
let imports: LocalImports;

/** The table before each test: three people. */
const START = [
  { id: 1, email: 'a@x', age: 30, city: 'Paris' },
  { id: 2, email: 'b@x', age: 40, city: 'Lyon' },
  { id: 3, email: 'c@x', age: 50, city: 'Nice' },
];

/**
 * The state before each test: the table's own files (never written by a job: versions go to
 * versions/) hold START, and no version swapped. Jobs of earlier tests stay in the store: each test
 * reads only its own job (by id), and all of them have ended.
 */
async function reset(): Promise<void> {
  rmSync(join(root, 'versions'), { recursive: true, force: true });
  await runtime.dynamo.client.send(
    new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: 'TABLE#people' }, sk: { S: 'VERSIONS' } } }),
  );
}

/** The rows campaigns would read now, ordered by id. */
async function tableRows(): Promise<Record<string, unknown>[]> {
  const c = await pinnedCatalog(catalog, imports.store);
  const rel = runtime.engine.dialect.catalogTable(c.table('people')!);
  return runtime.engine.query(`SELECT id, email, age, city FROM ${rel} ORDER BY id`);
}

const num = (rows: Record<string, unknown>[]): Record<string, unknown>[] =>
  rows.map((r) => ({ ...r, id: Number(r.id), age: r.age === null ? null : Number(r.age) }));

function file(name: string, content: string | Buffer): string {
  writeFileSync(join(root, 'uploads', name), content);
  return `uploads/${name}`;
}

const COLUMNS = [
  { field: 'id', column: 'id' },
  { field: 'email', column: 'email' },
  { field: 'age', column: 'age' },
];

async function runJob(doc: Record<string, unknown>, onStage?: Parameters<LocalImports['run']>[2]) {
  const job = parseImportJob({ table: 'people', key: 'id', columns: COLUMNS, ...doc }, 'test_job', catalog);
  const rec = await imports.create(job);
  return imports.run(rec.id, 'test', onStage);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'orca-imports-'));
  mkdirSync(join(root, 'uploads'), { recursive: true });
  runtime = await LocalRuntime.open({ dataRoot: root, catalog, memoryStore: true, threads: 1, memoryLimit: '500MB' });
  imports = await LocalImports.open(runtime);
  mkdirSync(join(root, 'tables/people'), { recursive: true });
  const values = START.map((r) => `(${r.id}, ${stringLiteral(r.email)}, ${r.age}, ${stringLiteral(r.city)})`).join(
    ', ',
  );
  await runtime.engine.execute(
    `COPY (SELECT CAST(id AS BIGINT) AS id, email, CAST(age AS BIGINT) AS age, city FROM (VALUES ${values}) AS t(id, email, age, city)) TO ${stringLiteral(join(root, 'tables/people/data.parquet'))} (FORMAT PARQUET)`,
  );
});
afterAll(async () => {
  await runtime.close();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(reset);

describe('import operations (expected tables computed by hand)', () => {
  it('insertOrUpdate: updates 2, keeps 3 (same values), inserts 4, rejects a bad id; unmapped city kept', async () => {
    const f = file('upsert.csv', 'id,email,age\n2,b@x,41\n3,c@x,50\n4,d@x,20\nxx,e@x,1\n');
    const job = await runJob({ source: { file: f }, operation: 'insertOrUpdate' });
    expect(job.status, job.error).toBe('finished');
    expect(job.counts).toMatchObject({
      read: 4,
      inserted: 1,
      updated: 1,
      unchanged: 1,
      rejected: 1,
      rejectedByReason: { 'not a valid integer': 1 },
    });
    expect(num(await tableRows())).toEqual([
      { id: 1, email: 'a@x', age: 30, city: 'Paris' },
      { id: 2, email: 'b@x', age: 41, city: 'Lyon' },
      { id: 3, email: 'c@x', age: 50, city: 'Nice' },
      { id: 4, email: 'd@x', age: 20, city: null },
    ]);
    expect(await imports.rejects(job.id)).toEqual([
      { line: 5, column: 'id', value: 'xx', reason: 'not a valid integer' },
    ]);
    expect(job.versionAfter).toBe(1);
  });

  it('insert: an existing key is rejected as exists, new keys are added', async () => {
    const f = file('insert.csv', 'id,email,age\n1,z@x,99\n5,e@x,25\n');
    const job = await runJob({ source: { file: f }, operation: 'insert' });
    expect(job.counts).toMatchObject({ inserted: 1, rejected: 1, rejectedByReason: { exists: 1 } });
    expect(num(await tableRows()).map((r) => [r.id, r.email])).toEqual([
      [1, 'a@x'],
      [2, 'b@x'],
      [3, 'c@x'],
      [5, 'e@x'],
    ]);
    expect(await imports.rejects(job.id)).toEqual([{ line: 2, column: 'id', value: '1', reason: 'exists' }]);
  });

  it('update: an unknown key is not found and nothing is inserted', async () => {
    const f = file('update.csv', 'id,email,age\n1,a@y,31\n9,q@x,1\n');
    const job = await runJob({ source: { file: f }, operation: 'update' });
    expect(job.counts).toMatchObject({ updated: 1, notFound: 1, inserted: 0 });
    expect(num(await tableRows())).toEqual([{ id: 1, email: 'a@y', age: 31, city: 'Paris' }, START[1], START[2]]);
  });

  it('delete: the matched rows go, the others stay', async () => {
    const f = file('delete.csv', 'id\n2\n7\n');
    const job = await runJob({ source: { file: f }, operation: 'delete', columns: [{ field: 'id', column: 'id' }] });
    expect(job.counts).toMatchObject({ deleted: 1, notFound: 1 });
    expect(num(await tableRows())).toEqual([START[0], START[2]]);
  });

  it('reconcile: counts matches, changes nothing and swaps no version', async () => {
    const f = file('reconcile.csv', 'id,email,age\n1,a@x,0\n8,h@x,0\n');
    const job = await runJob({ source: { file: f }, operation: 'reconcile' });
    expect(job.status).toBe('finished');
    expect(job.counts).toMatchObject({ matched: 1, notFound: 1 });
    expect(job.versionAfter).toBeUndefined();
    expect(num(await tableRows())).toEqual(START);
  });

  it('the second key matches the lines whose key is empty (the row keeps its id)', async () => {
    const f = file('second.csv', 'id,email,age\n,c@x,51\n');
    const job = await runJob({ source: { file: f }, operation: 'insertOrUpdate', secondKey: 'email' });
    expect(job.counts).toMatchObject({ updated: 1, inserted: 0 });
    expect(num(await tableRows())[2]).toEqual({ id: 3, email: 'c@x', age: 51, city: 'Nice' });
  });

  it('doubles: last wins by default, ignore keeps the first, reject rejects every line of the key', async () => {
    const f = file('doubles.csv', 'id,email,age\n1,a@x,60\n1,a@x,61\n');
    const last = await runJob({ source: { file: f } });
    expect(last.counts).toMatchObject({ doubles: 1, updated: 1 });
    expect(num(await tableRows())[0]!.age).toBe(61);
    await reset();
    await runJob({ source: { file: f }, doubles: 'ignore' });
    expect(num(await tableRows())[0]!.age).toBe(60);
    await reset();
    const rejected = await runJob({ source: { file: f }, doubles: 'reject', rejectLimit: 5 });
    // Both lines of key 1 are rejected; the table keeps its row.
    expect(rejected.counts).toMatchObject({ rejectedByReason: { 'duplicate key': 2 }, updated: 0 });
    expect(num(await tableRows())).toEqual(START);
    expect(rejected.status).toBe('finished');
  });

  it('onError ignore keeps the line with an empty value and a warning; default replaces the value', async () => {
    const f = file('policies.csv', 'id,email,age\n1,a@x,old\n');
    await runJob({
      source: { file: f },
      columns: [COLUMNS[0], COLUMNS[1], { field: 'age', column: 'age', onError: 'ignore' }],
    });
    expect(num(await tableRows())[0]!.age).toBeNull();
    await reset();
    const job = await runJob({
      source: { file: f },
      columns: [COLUMNS[0], COLUMNS[1], { field: 'age', column: 'age', onError: 'default', default: 18 }],
    });
    expect(job.counts?.rejected).toBe(0);
    expect(num(await tableRows())[0]!.age).toBe(18);
  });

  it("line numbers stay the file's with CRLF, empty lines and lines of blanks (DuckDB reads the CSV itself)", async () => {
    // Line 1 header, 2 empty, 3 a record, 4 blanks, 5 a bad id, 6 empty, 7 a bad id, 8 and 9 empty.
    const f = file('gaps.csv', 'id,email,age\r\n\r\n2,b@x,41\r\n   \r\nxx,e@x,1\r\n\r\nyy,f@x,1\r\n\r\n\r\n');
    const job = await runJob({ source: { file: f } });
    expect(job.status, job.error).toBe('finished');
    expect(job.counts).toMatchObject({ read: 3, updated: 1, rejected: 2 });
    expect(await imports.rejects(job.id)).toEqual([
      { line: 5, column: 'id', value: 'xx', reason: 'not a valid integer' },
      { line: 7, column: 'id', value: 'yy', reason: 'not a valid integer' },
    ]);
    expect(num(await tableRows())[1]).toEqual({ id: 2, email: 'b@x', age: 41, city: 'Lyon' });
  });

  it('Latin-1, a semicolon delimiter, a custom quote and JSON lines', async () => {
    const f = file('latin.csv', Buffer.from("id;email;age\n1;'caf\xe9;x';33\n", 'latin1'));
    await runJob({ source: { file: f, delimiter: ';', quote: "'", encoding: 'latin-1' } });
    expect(num(await tableRows())[0]).toEqual({ id: 1, email: 'café;x', age: 33, city: 'Paris' });
    await reset();
    const j = file('people.jsonl', '{"id": 2, "email": "b@y", "age": 44}\n');
    await runJob({ source: { file: j, format: 'jsonl' } });
    expect(num(await tableRows())[1]).toEqual({ id: 2, email: 'b@y', age: 44, city: 'Lyon' });
  });
});

describe('the table is left exactly as it was', () => {
  it('when the reject limit is reached (default: the first lines all rejected)', async () => {
    const f = file('allbad.csv', 'id,email,age\nx,a,1\ny,b,2\n');
    const job = await runJob({ source: { file: f } });
    expect(job.status).toBe('finishedWithErrors');
    expect(job.error).toMatch(/import job test_job: the first 2 line\(s\) were all rejected; nothing applied/);
    expect(num(await tableRows())).toEqual(START);
    expect((await imports.rejects(job.id)).length).toBe(2);
  });

  it('when a count limit is exceeded', async () => {
    const f = file('somebad.csv', 'id,email,age\n1,a,1\ny,b,2\nz,c,3\n');
    const job = await runJob({ source: { file: f }, rejectLimit: 1 });
    expect(job.status).toBe('finishedWithErrors');
    expect(num(await tableRows())).toEqual(START);
  });

  it('when cancelled before the swap (the version written is removed)', async () => {
    const f = file('cancel.csv', 'id,email,age\n1,a@x,99\n');
    const job = await runJob({ source: { file: f } }, async (j, stage) => {
      if (stage === 'apply') await imports.cancel(j.id, 'test');
    });
    expect(job.status).toBe('cancelled');
    expect(num(await tableRows())).toEqual(START);
    const journal = await imports.store.listJournal(job.id);
    expect(journal.map((e) => e.message)).toContain('cancelled by test');
    expect(journal.some((e) => /cancelled before swap: the table is unchanged/.test(e.message))).toBe(true);
  });

  it('when the process is killed mid-way (the next start marks the job interrupted)', async () => {
    const f = file('killed.csv', 'id,email,age\n1,a@x,99\n');
    const job = parseImportJob(
      { table: 'people', key: 'id', columns: COLUMNS, source: { file: f } },
      'killed',
      catalog,
    );
    const rec = await imports.create(job);
    // A job left running with a next version written, as a killed process leaves it.
    await imports.store.updateJob(rec.id, { status: 'running', stage: 'apply', next: 'versions/people/left' });
    mkdirSync(join(root, 'versions/people/left'), { recursive: true });
    const again = await LocalImports.open(runtime);
    expect((await again.store.getJob(rec.id))!.status).toBe('interrupted');
    expect(num(await tableRows())).toEqual(START);
  });
});

describe('versions', () => {
  it('rollback restores a kept version; a run pinned before a swap keeps reading the old version', async () => {
    const pinned = await pinnedCatalog(catalog, imports.store);
    await runJob({ source: { file: file('v1.csv', 'id,email,age\n1,a@x,70\n') } });
    await runJob({ source: { file: file('v2.csv', 'id,email,age\n1,a@x,80\n') } });
    expect(num(await tableRows())[0]!.age).toBe(80);
    // A campaign that started before both jobs still reads the version it pinned, whole.
    const old = await runtime.engine.query(
      `SELECT id, age FROM ${runtime.engine.dialect.catalogTable(pinned.table('people')!)} ORDER BY id`,
    );
    expect(old.map((r) => Number(r.age))).toEqual([30, 40, 50]);
    await imports.rollback('people', 1);
    expect(num(await tableRows())[0]!.age).toBe(70);
    await imports.rollback('people', 0);
    expect(num(await tableRows())).toEqual(START);
    await expect(imports.rollback('people', 9)).rejects.toThrow(/no version 9; kept: 0, 1, 2/);
  });

  it('keeps the last keepVersions versions and removes the files of older ones', async () => {
    for (const age of [1, 2, 3])
      await runJob({ source: { file: file(`k${age}.csv`, `id,email,age\n1,a@x,${age}\n`) }, keepVersions: 2 });
    const v = await imports.store.getVersions('people');
    expect(v!.versions.map((x) => x.version)).toEqual([0, 2, 3]);
    expect(v!.current).toBe(3);
  });
});

describe('bad input: a clear error naming the job, the line and the column; nothing applied', () => {
  const cases: Array<[string, string | Buffer, Record<string, unknown>, RegExp]> = [
    [
      'header.csv',
      'id,mail,age\n1,a,1\n',
      {},
      /import job test_job: line 1, column email: the header does not have the field 'email'/,
    ],
    ['empty.csv', '', {}, /import job test_job: the file uploads\/empty.csv holds no record/],
    ['headeronly.csv', 'id,email,age\n', {}, /holds no record/],
    [
      'encoding.csv',
      Buffer.from('id,email,age\n1,caf\xe9,1\n', 'latin1'),
      {},
      /import job test_job: line 2: the line is not valid UTF-8/,
    ],
    [
      'huge.csv',
      `id,email,age\n1,${'x'.repeat((1 << 20) + 10)},1\n`,
      {},
      /import job test_job: line 2: the line is longer than 1048576 bytes/,
    ],
    [
      'quote.csv',
      'id,email,age\n1,a@x,1\n2,"b@x,\n3,c@x,3\n',
      {},
      /import job test_job: line 3: a quoted field is not closed on its line/,
    ],
    [
      'latehuge.csv',
      `id,email,age\n${'1,a@x,1\n'.repeat(200_000)}2,${'x'.repeat((1 << 20) + 10)}\n`,
      {},
      /import job test_job: line 200002: the line is longer than 1048576 bytes/,
    ],
    [
      'lateencoding.csv',
      Buffer.concat([
        Buffer.from(`id,email,age\n${'1,a@x,1\n'.repeat(200_000)}`),
        Buffer.from('2,caf\xe9,2\n', 'latin1'),
      ]),
      {},
      /import job test_job: line 200002: the line is not valid UTF-8/,
    ],
    [
      'missing.csv',
      '',
      { source: { file: 'uploads/nope.csv' } },
      /import job test_job: source.file: the file uploads\/nope.csv does not exist/,
    ],
  ];
  // Concurrent: each job fails before writing anything and reads only its own record.
  for (const [name, content, extra, error] of cases) {
    it.concurrent(name, async () => {
      const f = file(name, content);
      const job = await runJob({ source: { file: f }, ...extra });
      expect(job.status).toBe('finishedWithErrors');
      expect(job.error).toMatch(error);
      expect(num(await tableRows())).toEqual(START);
    });
  }

  it('an unknown table or column, a key not in the file: refused before anything runs', () => {
    expect(() =>
      parseImportJob({ table: 'peple', key: 'id', columns: COLUMNS, source: { file: 'f' } }, 'j', catalog),
    ).toThrow(/import job j is not valid:\n {2}table: unknown table 'peple'. Did you mean 'people'\?/);
    expect(() =>
      parseImportJob(
        { table: 'people', key: 'id', columns: [{ field: 'x', column: 'agee' }], source: { file: 'f' } },
        'j',
        catalog,
      ),
    ).toThrow(
      /columns\[0\]\.column: 'agee' is not a column of people.*\n.*key: the key column 'id' is not filled by any field of the file/s,
    );
  });
});
