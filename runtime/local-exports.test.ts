/**
 * Export jobs end to end in the embedded runtime (local Step Functions, DuckDB, dynalite): a table
 * and a saved audience written as CSV and Parquet, compared with files written by hand; the table's
 * current version; the journal; cancel leaves no file; nothing is written outside the data folder.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../lambdas/catalog/catalog.js';
import { parseExportJob } from '../lambdas/imports/export.js';
import { stringLiteral } from '../lambdas/sql/literal.js';
import { LocalRuntime } from './local-runtime.js';
import { LocalImports } from './local-imports.js';
import { LocalExports } from './local-exports.js';
import { waitFor } from '../test/helpers/wait.js';

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
let outside: string;
let runtime: LocalRuntime;
let imports: LocalImports;
let exports: LocalExports;

async function writeParquet(location: string, values: string): Promise<void> {
  mkdirSync(join(root, location), { recursive: true });
  await runtime.engine.execute(
    `COPY (SELECT CAST(id AS BIGINT) AS id, email, CAST(age AS BIGINT) AS age, city FROM (VALUES ${values}) AS t(id, email, age, city)) TO ${stringLiteral(join(root, location, 'data.parquet'))} (FORMAT PARQUET)`,
  );
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'orca-exports-'));
  outside = mkdtempSync(join(tmpdir(), 'orca-outside-'));
  runtime = await LocalRuntime.open({ dataRoot: root, catalog, memoryStore: true, threads: 1, memoryLimit: '500MB' });
  imports = await LocalImports.open(runtime);
  exports = await LocalExports.open(runtime, imports);
  // Stored out of order: the export orders by the primary key.
  await writeParquet('tables/people', `(3, 'c@x', 50, 'Nice, "FR"'), (1, 'a@x', 30, 'Paris'), (2, NULL, 40, 'Lyon')`);
});
afterAll(async () => {
  await runtime.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

async function runExport(doc: Record<string, unknown>, onStage?: Parameters<LocalExports['run']>[2]) {
  const rec = await exports.create(parseExportJob(doc, catalog));
  return exports.run(rec.id, 'test', onStage);
}

describe('export jobs', () => {
  it('a table as CSV: header, every column, ordered by the key, quoted where needed; counts and journal', async () => {
    const job = await runExport({ table: 'people' });
    expect(job.status, job.error).toBe('finished');
    expect(job.out).toBe(`exports/people-${job.id}.csv`);
    const text = readFileSync(join(root, job.out), 'utf8');
    expect(text).toBe('id,email,age,city\n1,a@x,30,Paris\n2,,40,Lyon\n3,c@x,50,"Nice, ""FR"""\n');
    expect(job.counts).toEqual({ rows: 3, bytes: Buffer.byteLength(text) });
    const journal = await imports.store.listJournal(job.id);
    expect(journal.filter((e) => e.kind === 'stage').map((e) => [e.stage, e.message])).toEqual([
      ['read', '3 row(s) of people to write'],
      ['write', 'wrote 3 row(s) as CSV'],
      ['finish', `${job.out}: ${Buffer.byteLength(text)} byte(s)`],
    ]);
    // Listed with the import jobs, its kind told apart; its working folder gone.
    expect((await imports.store.listJobs()).find((j) => j.id === job.id)).toMatchObject({ kind: 'export' });
    expect(existsSync(join(root, job.work))).toBe(false);
  });

  it('chosen columns, a delimiter, no header, a file of its own', async () => {
    const job = await runExport({
      table: 'people',
      columns: ['email', 'id'],
      delimiter: ';',
      header: false,
      out: 'out/people.csv',
    });
    expect(job.status, job.error).toBe('finished');
    expect(readFileSync(join(root, 'out/people.csv'), 'utf8')).toBe('a@x;1\n;2\nc@x;3\n');
  });

  it('Parquet: the rows read back, with their types', async () => {
    const job = await runExport({ table: 'people', format: 'parquet', out: 'out/people.parquet' });
    expect(job.status, job.error).toBe('finished');
    const rows = await runtime.engine.query(
      `SELECT * FROM read_parquet(${stringLiteral(join(root, 'out/people.parquet'))})`,
    );
    expect(rows.map((r) => [Number(r.id), r.email, Number(r.age), r.city])).toEqual([
      [1, 'a@x', 30, 'Paris'],
      [2, null, 40, 'Lyon'],
      [3, 'c@x', 50, 'Nice, "FR"'],
    ]);
  });

  it("a table's current version (an import job's), not the catalog's files", async () => {
    await writeParquet('versions/people/v1', `(9, 'z@x', 99, 'Metz')`);
    const at = new Date().toISOString();
    await imports.store.putVersions(
      {
        table: 'people',
        current: 1,
        versions: [
          { version: 0, location: 'tables/people', jobId: 'catalog', at },
          { version: 1, location: 'versions/people/v1', jobId: 'imp-x', at },
        ],
      },
      undefined,
    );
    try {
      const job = await runExport({ table: 'people', out: 'out/v1.csv' });
      expect(readFileSync(join(root, 'out/v1.csv'), 'utf8')).toBe('id,email,age,city\n9,z@x,99,Metz\n');
      expect(job.counts?.rows).toBe(1);
    } finally {
      await imports.store.putVersions({ table: 'people', current: 0, versions: [] }, 1);
    }
  });

  it('a saved audience with its columns; an unknown one ends the job with a clear error', async () => {
    const location = 'audiences/vips/R-save';
    mkdirSync(join(root, location, 'orca_output=main'), { recursive: true });
    await runtime.engine.execute(
      `COPY (SELECT * FROM (VALUES (CAST(2 AS BIGINT), 'gold'), (CAST(1 AS BIGINT), 'silver')) AS t(id, tier)) TO ${stringLiteral(join(root, location, 'orca_output=main/data.parquet'))} (FORMAT PARQUET)`,
    );
    const columns = [
      { name: 'id', type: 'integer' as const },
      { name: 'tier', type: 'string' as const },
    ];
    await runtime.store.putAudience({
      name: 'vips',
      campaignId: 'c',
      runId: 'R',
      savedAt: new Date().toISOString(),
      population: { dimension: 'people', columns, location, table: 'a_vips', output: 'main', rows: 2 },
    });
    const job = await runExport({ audience: 'vips', out: 'out/vips.csv' });
    expect(job).toMatchObject({ status: 'finished', table: 'audience vips', name: 'vips' });
    expect(readFileSync(join(root, 'out/vips.csv'), 'utf8')).toBe('id,tier\n1,silver\n2,gold\n');

    const missing = await runExport({ audience: 'nobody' });
    expect(missing.status).toBe('finishedWithErrors');
    expect(missing.error).toBe(
      "export nobody: audience: audience 'nobody' does not exist yet; run the campaign that saves it first",
    );
  });

  it('cancel between stages ends the job cancelled, with no file and no folder left', async () => {
    const job = await runExport({ table: 'people', out: 'out/cancelled.csv' }, async (j, stage) => {
      if (stage === 'write') await imports.cancel(j.id, 'test');
    });
    expect(job.status).toBe('cancelled');
    expect(existsSync(join(root, 'out/cancelled.csv'))).toBe(false);
    expect(existsSync(join(root, job.work))).toBe(false);
    const journal = await imports.store.listJournal(job.id);
    expect(journal.map((e) => e.message)).toContain('cancelled before finish: no file written');
  });

  it('pause holds the job between stages, resume goes on to the file', async () => {
    let resumed: Promise<unknown> | undefined;
    const job = await runExport({ table: 'people', out: 'out/paused.csv' }, async (j, stage) => {
      if (stage !== 'read') return;
      await imports.pause(j.id, 'test');
      resumed = waitFor(async () => (await exports.store.getJob(j.id))?.status === 'paused', {
        what: 'the export paused',
      }).then(() => imports.resume(j.id, 'test'));
    });
    await resumed;
    expect(job.status, job.error).toBe('finished');
    expect(readFileSync(join(root, 'out/paused.csv'), 'utf8')).toMatch(/^id,email,age,city\n1,a@x/);
    const journal = (await imports.store.listJournal(job.id)).map((e) => e.message);
    expect(journal).toEqual(expect.arrayContaining(['paused by test', 'paused before write', 'resumed by test']));
  });

  it('an export left running by a process that ended is interrupted at the next start, its folder removed', async () => {
    const rec = await exports.create(parseExportJob({ table: 'people', out: 'out/killed.csv' }, catalog));
    await exports.store.updateJob(rec.id, { status: 'running', stage: 'write' });
    mkdirSync(join(root, rec.work), { recursive: true });
    await LocalExports.open(runtime, await LocalImports.open(runtime));
    expect((await exports.store.getJob(rec.id))!.status).toBe('interrupted');
    expect(existsSync(join(root, rec.work))).toBe(false);
    expect(existsSync(join(root, 'out/killed.csv'))).toBe(false);
  });

  it('never writes outside the data folder', () => {
    expect(() => parseExportJob({ table: 'people', out: '../x.csv' }, catalog)).toThrow(
      /export people is not valid:\n {2}out: a path relative to the data folder, without \.\./,
    );
    expect(() => parseExportJob({ table: 'people', out: '/etc/x.csv' }, catalog)).toThrow(/out: a path relative/);
  });

  it('a folder linked outside the data folder is refused at the finish: nothing written there', async () => {
    symlinkSync(outside, join(root, 'escape'));
    const job = await runExport({ table: 'people', out: 'escape/people.csv' });
    expect(job.status).toBe('finishedWithErrors');
    expect(job.error).toMatch(/^out: escape\/people.csv leads outside the data folder/);
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(root, job.work))).toBe(false);
  });

  it('bad definitions name the field', () => {
    expect(() => parseExportJob({ table: 'peple' }, catalog)).toThrow(
      "export peple is not valid:\n  table: unknown table 'peple'. Did you mean 'people'?",
    );
    expect(() => parseExportJob({ table: 'people', columns: ['id', 'mail'] }, catalog)).toThrow(
      "  columns[1]: 'mail' is not a column of people. Did you mean 'email'?",
    );
    expect(() => parseExportJob({ table: 'people', audience: 'vips' }, catalog)).toThrow(
      'table: name a table or an audience (one of them)',
    );
    expect(() => parseExportJob({ table: 'people', format: 'xlsx' }, catalog)).toThrow(/format/);
  });
});
