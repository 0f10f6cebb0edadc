/**
 * Import jobs through the HTTP API on the embedded stack (the local server in-process: dynalite,
 * DuckDB, the local Step Functions runner): an upload ticket and its streaming PUT, a job started
 * from its definition and seen finished with its counts, journal, rejects (page and CSV), table
 * versions and rollback, the refusals (409 with the reason, 422 naming the job and the field), and
 * pause, resume and cancel acting between stages. Those write the job's status in the store, which
 * the stages read: the API's process need not be the one running the stage. A job is held in its
 * load stage by a named pipe (FIFO) as its file, released when the test writes the pipe.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedCatalog } from '../lambdas/orchestrator/import-versions.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { OrcaServer } from '../runtime/server.js';
import { tinyCatalog, writeTinyData } from './fixtures/tiny.js';
import { openTestDb } from './helpers/duckdb.js';

const LIMIT = 4096;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ uploadLimit: LIMIT });
});
afterAll(() => t.close());

const COLUMNS = [
  { field: 'id', column: 'id' },
  { field: 'name', column: 'name' },
  { field: 'price', column: 'price' },
];
const job = (file: string, extra: Record<string, unknown> = {}) => ({
  name: 'prices',
  table: 'products',
  key: 'id',
  source: { file },
  columns: COLUMNS,
  operation: 'insertOrUpdate',
  ...extra,
});
const ended = (b: { status?: string }) => ['finished', 'finishedWithErrors', 'cancelled'].includes(b?.status ?? '');

async function upload(name: string, content: string) {
  const ticket = await t.call('POST', '/uploads', { name, size: Buffer.byteLength(content), contentType: 'text/csv' });
  expect(ticket.status).toBe(201);
  const put = await fetch(new URL(ticket.body.url, t.server.url), {
    method: 'PUT',
    headers: ticket.body.headers,
    body: content,
  });
  expect(put.status).toBe(201);
  return ticket.body.file as string;
}

/** The products campaigns would read now (the table's current version), by id. */
async function products() {
  const c = await pinnedCatalog(t.server.runtime.options.catalog, t.server.imports.store);
  const rel = t.server.runtime.engine.dialect.catalogTable(c.table('products')!);
  const rows = await t.server.runtime.engine.query(`SELECT id, name, price FROM ${rel} ORDER BY id`);
  return rows.map((r) => [Number(r.id), r.name, Number(r.price)]);
}

/** A named pipe under the uploads folder: a job reading it waits in its load stage until the pipe is written. */
function fifo(name: string): string {
  const dir = join(t.db.dir, 'uploads', 'held');
  mkdirSync(dir, { recursive: true });
  execFileSync('mkfifo', [join(dir, name)]);
  return `uploads/held/${name}`;
}
const JSONL = '{"id":12,"name":"Headphones","price":"70.00"}\n{"id":14,"name":"Mug","price":"8.00"}\n';

describe('export jobs through the API', () => {
  it('a table exported as CSV: the job finishes, and its download ticket streams the file as written', async () => {
    const started = await t.call('POST', '/exports', { table: 'products', columns: ['id', 'name', 'price'] });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ kind: 'export', table: 'products', format: 'csv', status: 'running' });
    const done = await t.until(`/jobs/${started.body.id}`, ended);
    expect(done).toMatchObject({ status: 'finished', counts: { rows: 3 } });
    const ticket = await t.call('GET', `/jobs/${started.body.id}/download`);
    expect(ticket.status).toBe(200);
    expect(ticket.body).toMatchObject({ method: 'GET', file: done.file, bytes: done.counts.bytes });
    const got = await fetch(new URL(ticket.body.url, t.server.url));
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="${done.file.split('/').pop()}"`);
    // The tiny catalog's products, in key order (test/fixtures/tiny.ts).
    expect(await got.text()).toBe('id,name,price\n10,Trail shoe,120.00\n11,Novel,15.00\n12,Headphones,80.00\n');
    // A ticket is good for more than one GET until it expires; another one is not.
    expect((await fetch(new URL(ticket.body.url, t.server.url))).status).toBe(200);
    expect((await fetch(new URL(ticket.body.url.replace(/[a-f0-9]{32}/, '0'.repeat(32)), t.server.url))).status).toBe(
      404,
    );
    const foreign = await fetch(new URL(ticket.body.url, t.server.url), {
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
  });

  it('refusals: 422 naming the field, out outside exports/, 409 before the file exists, 404 for an import job', async () => {
    const bad = await t.call('POST', '/exports', { table: 'nope', format: 'xls' });
    expect(bad.status).toBe(422);
    expect(bad.body.details.errors.map((e: { path: string }) => e.path)).toEqual(['format']);
    const unknown = await t.call('POST', '/exports', { table: 'nope' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.details.errors).toMatchObject([
      { path: 'table', message: expect.stringMatching(/unknown table 'nope'/) },
    ]);
    const outside = await t.call('POST', '/exports', { table: 'products', out: 'catalog/products/x.csv' });
    expect(outside.status).toBe(422);
    expect(outside.body.details.errors).toMatchObject([
      { path: 'out', message: expect.stringMatching(/under exports\//) },
    ]);
    // An audience never saved: the job ends with errors and has no file.
    const missing = await t.call('POST', '/exports', { audience: 'never_saved' });
    expect(missing.status).toBe(202);
    const failed = await t.until(`/jobs/${missing.body.id}`, ended);
    expect(failed).toMatchObject({ status: 'finishedWithErrors', error: expect.stringMatching(/does not exist yet/) });
    const early = await t.call('GET', `/jobs/${missing.body.id}/download`);
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/finishedWithErrors: its file can be downloaded once the job has finished/);
    const imported = await t.call('POST', '/jobs', job('uploads/none.csv'));
    expect((await t.call('GET', `/jobs/${imported.body.id}/download`)).status).toBe(404);
    await t.until(`/jobs/${imported.body.id}`, ended);
  });
});

describe('import jobs through the API', () => {
  let jobId: string;

  it('an uploaded CSV applied as insert-or-update: counts, journal, rejects (page and CSV), versions', async () => {
    const before = await products();
    // Line 1 is the header: 10 updated, 13 inserted, line 4 rejected (its id is no integer).
    const file = await upload('../../prices.csv', 'id,name,price\n10,Trail shoe,99.50\n13,Lamp,25.00\nxx,Bad,1\n');
    expect(file).toMatch(/^uploads\/[a-f0-9]{32}\/prices\.csv$/);
    expect(readFileSync(join(t.db.dir, file), 'utf8')).toContain('13,Lamp');
    const started = await t.call('POST', '/jobs', job(file));
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({ name: 'prices', table: 'products', operation: 'insertOrUpdate', file });
    jobId = started.body.id;
    const done = await t.until(`/jobs/${jobId}`, ended);
    expect(done.status, done.error).toBe('finished');
    expect(done.counts).toMatchObject({ read: 3, inserted: 1, updated: 1, unchanged: 0, rejected: 1 });
    expect(done).toMatchObject({ versionAfter: 1, hasRejects: true });
    expect(before).toEqual([
      [10, 'Trail shoe', 120],
      [11, 'Novel', 15],
      [12, 'Headphones', 80],
    ]);
    expect(await products()).toEqual([
      [10, 'Trail shoe', 99.5],
      [11, 'Novel', 15],
      [12, 'Headphones', 80],
      [13, 'Lamp', 25],
    ]);

    const journal = (await t.call('GET', `/jobs/${jobId}/journal`)).body as Array<{
      kind: string;
      stage?: string;
      message: string;
    }>;
    expect(journal.filter((e) => e.kind === 'stage').map((e) => e.stage)).toEqual([
      'load',
      'type',
      'doubles',
      'match',
      'apply',
      'swap',
    ]);
    expect(journal.slice(0, 2).map((e) => e.message)).toEqual(['created by local', 'started by local']);

    expect((await t.call('GET', `/jobs/${jobId}/rejects`)).body).toEqual({
      jobId,
      offset: 0,
      limit: 100,
      more: false,
      rows: [{ line: 4, column: 'id', value: 'xx', reason: 'not a valid integer' }],
    });
    const csv = await fetch(`${t.server.url}/jobs/${jobId}/rejects.csv`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="${jobId}-rejects.csv"`);
    expect(await csv.text()).toBe('line,column,value,reason\n4,id,xx,not a valid integer\n');

    const finished = (await t.call('GET', '/jobs?status=finished')).body as Array<{ id: string }>;
    expect(finished.map((j) => j.id)).toContain(jobId);
    expect((await t.call('GET', '/jobs?status=running')).body).toEqual([]);
    const versions = (await t.call('GET', '/tables/products/versions')).body;
    expect(versions.current).toBe(1);
    expect(versions.versions.map((v: { version: number; jobId: string }) => [v.version, v.jobId])).toEqual([
      [0, 'catalog'],
      [1, jobId],
    ]);
  });

  it('refusals: 409 with the reason, 404 for what does not exist, 422 naming the job and the field', async () => {
    const cancel = await t.call('POST', `/jobs/${jobId}/cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.message).toBe(
      `job ${jobId} is finished: it cannot be cancelled (only a job running or pausing or paused can)`,
    );
    expect((await t.call('POST', '/jobs/imp-nope/pause')).status).toBe(404);
    expect((await t.call('GET', '/tables/nope/versions')).status).toBe(404);
    const badVersion = await t.call('POST', '/tables/products/rollback', { version: 7 });
    expect(badVersion.status).toBe(404);
    expect(badVersion.body.message).toBe('table products has no version 7; kept: 0, 1');

    const bad = await t.call(
      'POST',
      '/jobs',
      job('uploads/x.csv', {
        name: 'bad_prices',
        columns: [
          { field: 'id', column: 'id' },
          { field: 'cost', column: 'cost' },
        ],
      }),
    );
    expect(bad.status).toBe(422);
    expect(bad.body.error).toBe('invalid_job');
    expect(bad.body.message).toMatch(
      /^import job bad_prices is not valid:\n {2}columns\[1\]\.column: 'cost' is not a column of products/,
    );
    const yaml = await t.call('POST', '/jobs', 'name: y\ntable: nope\n', { 'content-type': 'application/yaml' });
    expect(yaml.status).toBe(422);
    expect(yaml.body.message).toMatch(/^import job y is not valid/);
  });

  it('rollback restores a kept version', async () => {
    const r = await t.call('POST', '/tables/products/rollback', { version: 0 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ version: 0, jobId: 'catalog' });
    expect((await t.call('GET', '/tables/products/versions')).body.current).toBe(0);
    expect((await products()).map((p) => p[0])).toEqual([10, 11, 12]);
  });

  it('pause acts before the next stage, resume goes on; a rollback is refused meanwhile', async () => {
    const file = fifo('pause.jsonl');
    const started = await t.call('POST', '/jobs', job(file, { source: { file, format: 'jsonl' } }));
    expect(started.status).toBe(202);
    const id = started.body.id;
    const rollback = await t.call('POST', '/tables/products/rollback', { version: 1 });
    expect(rollback.status).toBe(409);
    expect(rollback.body.message).toMatch(new RegExp(`^job ${id} \\(running\\) is in progress on products`));
    const paused = await t.call('POST', `/jobs/${id}/pause`);
    expect(paused.body.status).toBe('pausing');
    await writeFile(join(t.db.dir, file), JSONL);
    const held = await t.until(`/jobs/${id}`, (b) => b.status === 'paused');
    expect(held.stage).toBe('load');
    const journal = (await t.call('GET', `/jobs/${id}/journal`)).body as Array<{ message: string }>;
    expect(journal.map((e) => e.message)).toContain('paused before type');
    expect((await t.call('POST', `/jobs/${id}/pause`)).status).toBe(409);
    expect((await t.call('POST', `/jobs/${id}/resume`)).body.status).toBe('running');
    const done = await t.until(`/jobs/${id}`, ended);
    expect(done.status, done.error).toBe('finished');
    expect(done.counts).toMatchObject({ read: 2, inserted: 1, updated: 1 });
    expect(await products()).toEqual([
      [10, 'Trail shoe', 120],
      [11, 'Novel', 15],
      [12, 'Headphones', 70],
      [14, 'Mug', 8],
    ]);
  });

  it('cancel before the next stage: the job ends cancelled and the table is unchanged', async () => {
    const before = await products();
    const version = (await t.call('GET', '/tables/products/versions')).body.current;
    const file = fifo('cancel.jsonl');
    const id = (await t.call('POST', '/jobs', job(file, { source: { file, format: 'jsonl' } }))).body.id;
    expect((await t.call('POST', `/jobs/${id}/cancel`)).body.status).toBe('cancelling');
    await writeFile(join(t.db.dir, file), '{"id":10,"name":"Gone","price":"1"}\n');
    const done = await t.until(`/jobs/${id}`, ended);
    expect(done.status).toBe('cancelled');
    expect(await products()).toEqual(before);
    expect((await t.call('GET', '/tables/products/versions')).body.current).toBe(version);
    const journal = (await t.call('GET', `/jobs/${id}/journal`)).body as Array<{ message: string }>;
    expect(journal.map((e) => e.message)).toContain('cancelled before type: the table is unchanged');
  });
});

describe('uploads on the local server', () => {
  const ticket = async (name: string, size: number) => t.call('POST', '/uploads', { name, size });
  const put = (url: string, body: string, headers: Record<string, string> = {}) =>
    fetch(new URL(url, t.server.url), { method: 'PUT', body, headers });

  it('over the limit: 413 before anything is sent', async () => {
    const r = await ticket('big.csv', LIMIT + 1);
    expect(r.status).toBe(413);
    expect(r.body.message).toBe(`the file is ${LIMIT + 1} bytes, more than the upload limit of ${LIMIT} bytes`);
  });

  it('names are kept inside the upload folder; an unusable name is refused', async () => {
    expect((await ticket('..', 3)).status).toBe(400);
    const r = await ticket('..\\..\\evil name.csv', 3);
    expect(r.body.file).toMatch(/^uploads\/[a-f0-9]{32}\/evil_name\.csv$/);
    // Another name than the ticket's (a traversal spelled in the path) finds no ticket.
    const id = r.body.file.split('/')[1];
    expect((await put(`/uploads/${id}/..%2F..%2Fevil`, 'abc')).status).toBe(404);
    expect((await put(r.body.url, 'abc')).status).toBe(201);
    // The ticket is used once.
    expect((await put(r.body.url, 'abc')).status).toBe(404);
    expect(readdirSync(join(t.db.dir, 'uploads', id))).toEqual(['evil_name.csv']);
  });

  it('a body of another size than the ticket is refused and leaves no file', async () => {
    const r = await ticket('short.csv', 10);
    const id = r.body.file.split('/')[1];
    const res = await put(r.body.url, 'abc');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe('the ticket is for 10 bytes, the request says 3');
    expect(existsSync(join(t.db.dir, 'uploads', id))).toBe(false);
  });

  it('a PUT from another site is refused (the local API has no authentication)', async () => {
    const r = await ticket('x.csv', 3);
    expect((await put(r.body.url, 'abc', { origin: 'http://evil.example' })).status).toBe(403);
  });
});

describe('a server shutting down with a job in progress', () => {
  it('the next start marks the job interrupted, the table unchanged', async () => {
    const db = await openTestDb('orca-jobs-stop-');
    try {
      await writeTinyData(db);
      const start = () => OrcaServer.start({ dataRoot: db.dir, catalog: tinyCatalog(), port: 0, guardProcess: false });
      const first = await start();
      mkdirSync(join(db.dir, 'uploads'), { recursive: true });
      execFileSync('mkfifo', [join(db.dir, 'uploads', 'stop.jsonl')]);
      const file = 'uploads/stop.jsonl';
      const { id, status } = await first.service.imports.start(
        job(file, { source: { file, format: 'jsonl' } }),
        'test',
      );
      expect(status).toBe('running');
      await first.close();
      // The pipe is written only now, to let the stage blocked on it end.
      await writeFile(join(db.dir, file), JSONL);
      const second = await start();
      try {
        expect((await second.imports.store.getJob(id))?.status).toBe('interrupted');
        expect((await second.imports.store.listJournal(id)).at(-1)?.message).toMatch(
          /^interrupted: the process running it ended during load; the table is unchanged/,
        );
        expect(await second.imports.store.getVersions('products')).toBeUndefined();
      } finally {
        await second.close();
      }
    } finally {
      db.close();
    }
  });
});
