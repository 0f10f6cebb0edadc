/**
 * `orca export --endpoint URL` and `orca job download ID` in-process (main()) against a fake orca
 * API on a loopback HTTP server, for what the local server does not show at will (a job seen
 * running, then finished; a presigned S3 GET past its expiry); the export end to end on the local
 * server is in test/cli-remote-jobs.test.ts. The fake answers as lambdas/api/import-routes.ts says: POST /exports 202 with
 * the job view (kind export), 422 naming the field; GET /jobs/{id} running then finished, its
 * journal; GET /jobs/{id}/download 200 with a ticket {file, method, url, expiresAt, bytes} whose
 * url is relative to the API's base (the local server streams the file) or absolute (a presigned
 * S3 GET, answered here past its expiry with S3's 403 "Request has expired"), 409 while the job
 * has not finished. The local file: written whole, never replaced without --force.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { orcaInProcess } from './helpers/cli.js';

const CSV = 'id,email\n1,a@x\n2,b@x\n';
let fake: Server;
let url: string;
let dir: string;
/** The requests the fake received: method, path and JSON body. */
let seen: Array<{ method: string; path: string; body?: unknown }>;
/** GETs of a job until it shows finished; the download ticket's url (relative or absolute). */
let polls: number;
let ticketUrl: (id: string) => string;

const view = (id: string, status: string) => ({
  id,
  name: 'people',
  table: 'people',
  status,
  kind: 'export',
  format: 'csv',
  file: `exports/people-${id}.csv`,
  createdAt: '2026-12-01T10:00:00.000Z',
  counts: status === 'finished' ? { rows: 2, bytes: CSV.length } : {},
  hasRejects: false,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orca-remote-export-'));
  fake = createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const path = req.url ?? '';
    seen.push({ method: req.method ?? '', path, ...(text ? { body: JSON.parse(text) } : {}) });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const job = /^\/jobs\/([a-z0-9-]+)(\/.*)?$/.exec(path);
    if (req.method === 'POST' && path === '/exports') {
      const d = JSON.parse(text) as { table?: string };
      if (d.table !== 'people')
        return json(422, {
          error: 'invalid_job',
          message: `export ${d.table} is not valid:\n  table: unknown table '${d.table}'. Did you mean 'people'?`,
        });
      return json(202, view('exp-1', 'running'));
    }
    if (job?.[1] === 'imp-1' && !job[2]) return json(200, { ...view('imp-1', 'finished'), kind: 'import' });
    if (job && !job[2]) return json(200, view(job[1]!, ++polls > 1 ? 'finished' : 'running'));
    if (job?.[2] === '/journal')
      return json(200, [
        { at: '2026-12-01T10:00:00.000Z', kind: 'action', message: 'created by cli' },
        ...(polls > 1
          ? [{ at: '2026-12-01T10:00:01.000Z', kind: 'stage', stage: 'finish', message: 'finish done', durationMs: 3 }]
          : []),
      ]);
    if (job?.[2] === '/download') {
      if (polls < 2) return json(409, { error: 'conflict', message: `job ${job[1]} is running: not finished` });
      return json(200, {
        file: `exports/people-${job[1]}.csv`,
        method: 'GET',
        url: ticketUrl(job[1]!),
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
        bytes: CSV.length,
      });
    }
    if (job?.[2] === '/download/file') {
      res.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(CSV.length) });
      return res.end(CSV);
    }
    if (path.startsWith('/bucket/')) {
      res.writeHead(403, { 'content-type': 'application/xml' });
      return res.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
    }
    json(404, { error: 'not_found', message: `no route ${path}` });
  });
  await new Promise<void>((res) => fake.listen(0, '127.0.0.1', res));
  url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((res) => fake.close(() => res()));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  seen = [];
  polls = 0;
  ticketUrl = (id) => `/jobs/${id}/download/file`;
});

const e = () => ['--endpoint', url];

describe('orca export --endpoint', () => {
  it('--out: starts the export, follows it to finished and streams its file there', async () => {
    const out = join(dir, 'people.csv');
    const r = await orcaInProcess(['export', 'people', '--columns', 'id, email', '--out', out, ...e()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`job exp-1: finished, 2 rows, 21 bytes: ${out}\n`);
    expect(r.stderr.replace(/in \d+\.\d s/, 'in … s')).toBe(
      [
        'job exp-1: people to exports/people-exp-1.csv (CSV)',
        '  created by cli',
        '  finish done (3 ms)',
        `downloaded people-exp-1.csv to ${out}: 21 bytes in … s`,
        '',
      ].join('\n'),
    );
    expect(readFileSync(out, 'utf8')).toBe(CSV);
    // Nothing left beside it (the temporary file renamed).
    expect(readdirSync(dir)).toEqual(['people.csv']);
    expect(seen[0]).toEqual({
      method: 'POST',
      path: '/exports',
      body: { table: 'people', format: 'csv', delimiter: ',', header: true, columns: ['id', 'email'] },
    });
    expect(seen.filter((s) => s.path === '/jobs/exp-1/download')).toHaveLength(1);
  });

  it('refuses to overwrite a local file before starting anything; --force replaces it', async () => {
    const out = join(dir, 'kept.csv');
    writeFileSync(out, 'mine\n');
    const r = await orcaInProcess(['export', 'people', '--out', out, ...e()]);
    expect([r.code, r.stderr]).toEqual([1, `orca: ${out} exists: pass --force to replace it, or --out another file\n`]);
    expect(seen).toEqual([]);
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
    const forced = await orcaInProcess(['export', 'people', '--out', out, '--force', '--json', ...e()]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ id: 'exp-1', status: 'finished', downloadedTo: out });
    expect(readFileSync(out, 'utf8')).toBe(CSV);
  });

  it('without --wait or --out: the job id and how to follow and fetch it; later, orca job download', async () => {
    const r = await orcaInProcess(['export', 'people', '--format', 'parquet', ...e()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `job exp-1: running, people to exports/people-exp-1.csv\n  follow it: orca job exp-1 --endpoint ${url}; then fetch the file: orca job download exp-1 --endpoint ${url}\n`,
    );
    expect(seen).toEqual([{ method: 'POST', path: '/exports', body: { table: 'people', format: 'parquet' } }]);
    const running = await orcaInProcess(['job', 'download', 'exp-1', '--out', join(dir, 'later.csv'), ...e()]);
    expect([running.code, running.stderr]).toEqual([
      1,
      `orca: job exp-1 is running: its file can be downloaded once it has finished (\`orca job exp-1 --endpoint ${url}\`)\n`,
    ]);
    const later = await orcaInProcess(['job', 'download', 'exp-1', '--out', join(dir, 'later.csv'), ...e()]);
    expect(later.code, later.stderr).toBe(0);
    expect(readFileSync(join(dir, 'later.csv'), 'utf8')).toBe(CSV);
    const imp = await orcaInProcess(['job', 'download', 'imp-1', ...e()]);
    expect([imp.code, imp.stderr]).toEqual([
      1,
      'orca: job imp-1 is an import job: only export jobs have a file to download\n',
    ]);
  });

  it('the API’s 422 names the field; an expired presigned GET says how to fetch again; no file left', async () => {
    const bad = await orcaInProcess(['export', 'peple', '--out', join(dir, 'bad.csv'), ...e()]);
    expect([bad.code, bad.stderr]).toEqual([
      1,
      "orca: export peple is not valid:\n  table: unknown table 'peple'. Did you mean 'people'?\n",
    ]);
    ticketUrl = () => `${url}/bucket/people.csv?X-Amz-Expires=900`;
    const out = join(dir, 'expired.csv');
    const r = await orcaInProcess(['export', 'people', '--out', out, ...e()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /\norca: the download ticket is no longer valid \(it expired at .+, or the server restarted\): run `orca job download exp-1 --endpoint http:\/\/127\.0\.0\.1:\d+` for a new one\n$/,
    );
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
