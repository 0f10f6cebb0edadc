/**
 * `orca import JOB --endpoint URL` in-process (main()) against a local server in the test's
 * process (dynalite, DuckDB, the local Step Functions runner, the upload route), with a 4 KB upload
 * limit: a local file uploaded and the job followed to its end (the table as expected), an earlier
 * upload reused with --remote-file, the table exported and downloaded (orca export --endpoint), the refusals (422 naming the field, 413 naming the limit). A
 * small fake API stands for S3's answers: a ticket expired before its PUT, and S3's 403 "Request
 * has expired".
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedCatalog } from '../lambdas/orchestrator/import-versions.js';
import { orcaInProcess } from './helpers/cli.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const LIMIT = 4096;
let t: TestServer;
let dir: string;
beforeAll(async () => {
  t = await startTestServer({ uploadLimit: LIMIT });
  dir = mkdtempSync(join(tmpdir(), 'orca-remote-jobs-'));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A job file in the test's folder; source.file as given. */
function jobFile(name: string, file: string, columns = ['id', 'name', 'price']): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    `table: products\nkey: id\noperation: insertOrUpdate\nsource:\n  file: ${file}\ncolumns:\n${columns.map((c) => `  - { field: ${c}, column: ${c} }\n`).join('')}`,
  );
  return path;
}

function local(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The products campaigns would read now (the table's current version), by id. */
async function products() {
  const c = await pinnedCatalog(t.server.runtime.options.catalog, t.server.imports.store);
  const rel = t.server.runtime.engine.dialect.catalogTable(c.table('products')!);
  const rows = await t.server.runtime.engine.query(`SELECT id, name, price FROM ${rel} ORDER BY id`);
  return rows.map((r) => [Number(r.id), r.name, Number(r.price)]);
}

const uploads = () => (existsSync(join(t.db.dir, 'uploads')) ? readdirSync(join(t.db.dir, 'uploads')) : []);

describe('orca import --endpoint', () => {
  let uploaded: string;

  it('uploads the local file, starts the job and follows it to finished: the table changed', async () => {
    // 10 updated, 13 inserted: 48 bytes.
    const csv = local('prices.csv', 'id,name,price\n10,Trail shoe,99.50\n13,Lamp,25.00\n');
    const job = jobFile('new-prices', 'not-used.csv');
    const r = await orcaInProcess(['import', job, '--file', csv, '--endpoint', t.server.url, '--wait']);
    expect(r.code, r.stderr).toBe(0);
    const id = /^job (imp-\S+): finished, products at version 1\n$/.exec(r.stdout)?.[1];
    expect(id, r.stdout).toBeDefined();
    const file = /^uploaded prices\.csv to (uploads\/[a-f0-9]{32}\/prices\.csv): 48 bytes in \d+\.\d s\n/.exec(
      r.stderr,
    );
    expect(file, r.stderr).not.toBeNull();
    uploaded = file![1]!;
    // The journal as it grew: each stage with its message (times vary).
    expect(r.stderr.replace(/\(\d+ ms\)/g, '(… ms)').replace(/in \d+\.\d s/, 'in … s')).toBe(
      [
        `uploaded prices.csv to ${uploaded}: 48 bytes in … s`,
        `job ${id}: insertOrUpdate ${uploaded} into products`,
        '  created by local',
        '  started by local',
        `  load: read 2 record(s) of ${uploaded} (… ms)`,
        '  type done (… ms)',
        '  doubles: no doubles (… ms)',
        '  match done (… ms)',
        `  apply: wrote the next version to versions/products/${id} (… ms)`,
        '  swap: products is now at version 1 (… ms)',
        '',
      ].join('\n'),
    );
    expect(readFileSync(join(t.db.dir, uploaded), 'utf8')).toBe(readFileSync(csv, 'utf8'));
    expect(await products()).toEqual([
      [10, 'Trail shoe', 99.5],
      [11, 'Novel', 15],
      [12, 'Headphones', 80],
      [13, 'Lamp', 25],
    ]);
    const view = (await t.call('GET', `/jobs/${id}`)).body;
    expect(view).toMatchObject({ name: 'new_prices', status: 'finished', counts: { inserted: 1, updated: 1 } });
  });

  it('--remote-file reuses an upload: nothing uploaded; without --wait it prints the job and how to follow it', async () => {
    const before = uploads();
    // The job's source.file names no file here either way; --remote-file says so explicitly.
    const r = await orcaInProcess([
      'import',
      jobFile('again', 'x.csv'),
      '--remote-file',
      uploaded,
      '--endpoint',
      t.server.url,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const id = /^job (imp-\S+):/.exec(r.stdout)?.[1];
    expect(r.stdout).toBe(
      `job ${id}: running, insertOrUpdate ${uploaded} into products\n  follow it: orca job ${id} --endpoint ${t.server.url} (or run this with --wait)\n`,
    );
    const done = await t.until(`/jobs/${id}`, (b) => b.status === 'finished');
    // The same two lines again: both unchanged, the table keeps its version.
    expect(done.counts).toMatchObject({ read: 2, unchanged: 2, inserted: 0, updated: 0 });
    expect(uploads()).toEqual(before);
  });

  it('orca export --endpoint --out: the table as the import left it, downloaded to a local file', async () => {
    const out = join(dir, 'products.csv');
    const r = await orcaInProcess([
      'export',
      'products',
      '--columns',
      'id,name,price',
      '--out',
      out,
      '--endpoint',
      t.server.url,
    ]);
    expect(r.code, r.stderr).toBe(0);
    // The rows of the first test's import (10 updated, 13 inserted), DECIMAL(18,2) prices, by key.
    const csv = 'id,name,price\n10,Trail shoe,99.50\n11,Novel,15.00\n12,Headphones,80.00\n13,Lamp,25.00\n';
    expect(readFileSync(out, 'utf8')).toBe(csv);
    expect(r.stdout).toMatch(new RegExp(`^job exp-\\S+: finished, 4 rows, ${csv.length} bytes: ${out}\\n$`));
    expect(r.stderr).toMatch(
      new RegExp(`\\ndownloaded products-exp-\\S+\\.csv to ${out}: ${csv.length} bytes in \\d+\\.\\d s\\n$`),
    );
  });

  it('a job the API refuses (422): the field errors, exit 1', async () => {
    const r = await orcaInProcess([
      'import',
      jobFile('bad', 'x.csv', ['id', 'cost']),
      '--remote-file',
      uploaded,
      '--endpoint',
      t.server.url,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^orca: import job bad is not valid:\n {2}columns\[1\]\.column: 'cost' is not a column of products/,
    );
    expect(r.stdout).toBe('');
  });

  it('a job the API refuses, with a file to upload: refused by POST /jobs/check before anything is sent', async () => {
    const file = local('never-sent.csv', 'id,name,price\n10,x,1\n');
    const uploads = readdirSync(join(t.db.dir, 'uploads')).length;
    const r = await orcaInProcess(['import', jobFile('bad2', file, ['id', 'cost']), '--endpoint', t.server.url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^orca: import job bad2 is not valid:\n {2}columns\[1\]\.column: 'cost' is not a column/);
    expect(r.stderr).not.toMatch(/uploaded/);
    expect(readdirSync(join(t.db.dir, 'uploads')).length).toBe(uploads);
  });

  it('a file over the server’s upload limit (413): the limit named, nothing started', async () => {
    const big = local('big.csv', `id,name,price\n${'10,x,1\n'.repeat(700)}`);
    const jobs = (await t.call('GET', '/jobs')).body.length;
    const r = await orcaInProcess(['import', jobFile('big', big), '--endpoint', t.server.url]);
    expect([r.code, r.stderr]).toEqual([
      1,
      `orca: cannot upload ${big}: the file is 4914 bytes, more than the upload limit of ${LIMIT} bytes\n`,
    ]);
    expect((await t.call('GET', '/jobs')).body.length).toBe(jobs);
  });

  it('usage errors: --file with --remote-file, --data with --endpoint, a missing --file, --remote-file locally', async () => {
    const job = jobFile('usage', 'x.csv');
    const e = ['--endpoint', t.server.url];
    const both = await orcaInProcess(['import', job, '--file', job, '--remote-file', 'uploads/x', ...e]);
    expect([both.code, both.stderr]).toEqual([
      2,
      'orca: pass --file (a file here, uploaded) or --remote-file (already on the server), not both\n',
    ]);
    const data = await orcaInProcess(['import', job, '--data', dir, ...e]);
    expect([data.code, data.stderr]).toEqual([
      2,
      'orca: --endpoint runs the job on that API, with its own data and catalog: drop --data\n',
    ]);
    const missing = await orcaInProcess(['import', job, '--file', join(dir, 'nope.csv'), ...e]);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      `orca: --file: ${join(dir, 'nope.csv')} is not a file on this machine\n`,
    ]);
    const locally = await orcaInProcess(['import', job, '--remote-file', 'uploads/x', '--data', dir]);
    expect([locally.code, locally.stderr]).toEqual([
      2,
      'orca: --remote-file names a file on an orca API: use it with --endpoint\n',
    ]);
  });
});

describe('orca import --endpoint, the transfer refused', () => {
  let fake: Server;
  let url: string;
  let expiresAt: string;
  const puts: string[] = [];
  beforeAll(async () => {
    // POST /uploads answers a ticket to PUT on this same server, which answers like S3 past a
    // presigned URL's expiry (Amazon S3 User Guide, "Sharing objects with presigned URLs").
    fake = createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/uploads') {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            file: 'uploads/f/p.csv',
            method: 'PUT',
            url: `${url}/bucket/p.csv`,
            headers: {},
            expiresAt,
          }),
        );
        return;
      }
      // A server older than POST /jobs/check: the definition is checked when the job starts.
      if (req.method === 'POST' && req.url === '/jobs/check') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'not_found', message: 'no route POST /jobs/check' }));
        return;
      }
      puts.push(`${req.method} ${req.url} ${req.headers['content-length']}`);
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
    });
    await new Promise<void>((res) => fake.listen(0, '127.0.0.1', res));
    url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((res) => fake.close(() => res())));

  it('a ticket expired before the PUT is not sent; S3’s 403 "Request has expired" says to run again', async () => {
    const csv = local('p.csv', 'id,name,price\n1,a,1\n');
    const job = jobFile('p', csv);
    expiresAt = new Date(Date.now() - 1000).toISOString();
    const before = await orcaInProcess(['import', job, '--endpoint', url]);
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(
      /^orca: the upload ticket is no longer valid \(it expired at .+, or the server restarted\): run the command again for a new one\n$/,
    );
    expect(puts).toEqual([]);
    expiresAt = new Date(Date.now() + 60_000).toISOString();
    const s3 = await orcaInProcess(['import', job, '--endpoint', url]);
    expect(s3.code).toBe(1);
    expect(s3.stderr).toMatch(/^orca: the upload ticket is no longer valid/);
    // The PUT sent its Content-Length (S3 refuses chunked uploads): the file's 20 bytes.
    expect(puts).toEqual(['PUT /bucket/p.csv 20']);
  });

  it('an endpoint where nothing answers: one line, exit 2', async () => {
    const closed = createServer();
    await new Promise<void>((res) => closed.listen(0, '127.0.0.1', res));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((res) => closed.close(() => res()));
    const r = await orcaInProcess(['import', jobFile('p', 'x.csv'), '--endpoint', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `x.csv is not a file here: the server reads it from its data folder (bucket)\norca: no orca server answers at http://127.0.0.1:${port} (ECONNREFUSED); start one with \`npx orca serve\`, or pass --endpoint\n`,
    );
  });
});
