/**
 * The job routes through the router on fake ports (an in-memory import store, a platform that runs
 * nothing): the list's status filter and order, a start refused with each field named, upload
 * tickets (names, limit), the OpenAPI document's paths, and 404 where a deployment has no jobs.
 * The same routes on the real local stack: test/jobs-api.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { inProcessApi } from '../../test/helpers/api-service.js';
import { CampaignService } from './service.js';
import { handle } from './router.js';
import { tinyCatalog } from '../../test/fixtures/tiny.js';
import { MemoryStore, RecordingEngine } from '../../test/helpers/fakes/index.js';
import { NullPlatform } from '../../test/helpers/api-service.js';

const job = (extra: Record<string, unknown> = {}) => ({
  table: 'products',
  key: 'id',
  source: { file: 'uploads/p.csv' },
  columns: [{ field: 'id', column: 'id' }],
  ...extra,
});
const body = (r: { body: string }) => JSON.parse(r.body);

describe('job routes on fake ports', () => {
  it('start, then list newest first and by status; a job is read back with its definition', async () => {
    const api = inProcessApi();
    expect((await api.call('POST', '/jobs', job({ name: 'first' }))).status).toBe(202);
    const second = await api.call('POST', '/jobs', job({ name: 'second' }));
    expect(body(second)).toMatchObject({ id: 'imp-2', name: 'second', status: 'running', hasRejects: false });
    await api.importStore.updateJob('imp-1', { status: 'finished', createdAt: '2026-11-22T11:00:00.000Z' });
    expect(body(await api.call('GET', '/jobs')).map((j: { id: string }) => j.id)).toEqual(['imp-2', 'imp-1']);
    expect(body(await api.call('GET', '/jobs', undefined, { query: { status: 'finished' } }))).toMatchObject([
      { id: 'imp-1', status: 'finished' },
    ]);
    expect(body(await api.call('GET', '/jobs', undefined, { query: { limit: '1' } })).length).toBe(1);
    expect((await api.call('GET', '/jobs', undefined, { query: { status: 'done' } })).status).toBe(400);
    expect(body(await api.call('GET', '/jobs/imp-2')).definition).toMatchObject({ name: 'second', key: 'id' });
    expect(body(await api.call('GET', '/jobs/imp-2/rejects'))).toEqual({
      jobId: 'imp-2',
      offset: 0,
      limit: 100,
      more: false,
      rows: [],
    });
    const csv = await api.call('GET', '/jobs/imp-2/rejects.csv');
    expect([csv.headers['content-type'], csv.body]).toEqual(['text/csv; charset=utf-8', 'line,column,value,reason\n']);
  });

  it('a definition in error: 422 naming the job and every field', async () => {
    const api = inProcessApi();
    const r = await api.call('POST', '/jobs', job({ name: 'bad', key: 'nope', operation: 'merge' }));
    expect(r.status).toBe(422);
    const b = body(r);
    expect(b.message.split('\n')[0]).toBe('import job bad is not valid:');
    expect(b.details.errors.map((e: { path: string }) => e.path)).toEqual(['operation']);
    const unknown = body(await api.call('POST', '/jobs', job({ name: 'bad', key: 'nope' })));
    expect(unknown.details.errors).toEqual([
      { activity: null, path: 'key', message: expect.stringMatching(/^'nope' is not a column of products/) },
    ]);
    expect(api.importStore.jobs.size).toBe(0);
  });

  it('upload tickets: the name made safe, refused when unusable or over the limit', async () => {
    const api = inProcessApi();
    const t = body(await api.call('POST', '/uploads', { name: '../a b.csv', size: 10, contentType: 'text/csv' }));
    expect(t).toMatchObject({ method: 'PUT', headers: { 'content-type': 'text/csv' } });
    expect(t.file).toMatch(/^uploads\/[a-f0-9]{32}\/a_b\.csv$/);
    expect(t.url).toBe(`/${t.file}`);
    expect((await api.call('POST', '/uploads', { name: '...', size: 10 })).status).toBe(400);
    const big = await api.call('POST', '/uploads', { name: 'x.csv', size: 1024 * 1024 + 1 });
    expect([big.status, body(big).error]).toEqual([413, 'payload_too_large']);
  });

  it('the OpenAPI document has every job route', async () => {
    const doc = body(await inProcessApi().call('GET', '/openapi.json'));
    for (const [path, method] of [
      ['/jobs', 'get'],
      ['/jobs', 'post'],
      ['/jobs/{jobId}', 'get'],
      ['/jobs/{jobId}/journal', 'get'],
      ['/jobs/{jobId}/rejects', 'get'],
      ['/jobs/{jobId}/rejects.csv', 'get'],
      ['/jobs/{jobId}/pause', 'post'],
      ['/jobs/{jobId}/resume', 'post'],
      ['/jobs/{jobId}/cancel', 'post'],
      ['/tables/{table}/versions', 'get'],
      ['/tables/{table}/rollback', 'post'],
      ['/uploads', 'post'],
    ])
      expect(doc.paths[path!]?.[method!], `${method} ${path}`).toBeDefined();
    expect(Object.keys(doc.paths['/jobs/{jobId}/cancel'].post.responses)).toContain('409');
  });

  it('a deployment without import jobs answers 404 with a reason', async () => {
    const service = new CampaignService({
      store: new MemoryStore(),
      engine: new RecordingEngine(),
      catalog: tinyCatalog(),
      platform: new NullPlatform(),
      dialect: new RecordingEngine().dialect,
      newRunId: () => 'r',
    });
    const r = await handle(service, { method: 'GET', path: '/jobs', query: {}, headers: {} });
    expect([r.status, JSON.parse(r.body).message]).toEqual([404, 'import jobs are not available in this deployment']);
  });
});
