/** API contract tests: every endpoint, with malformed bodies, unknown ids and oversized inputs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitingCampaign, type TestServer } from './helpers/server.js';
import { registerCodeCampaign } from '../lambdas/api/code-campaigns.js';
import { request } from 'node:http';
import type { RunDetail } from '../lambdas/api/runs.js';
import type { LogEntry, TaskRecord } from '../lambdas/ports/store.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ waitMs: 0 });
});
afterAll(() => t.close());

const done = (b: { status?: string } | undefined) => ['completed', 'failed', 'stopped'].includes(b?.status ?? '');

describe('campaigns', () => {
  it('POST /campaigns creates a draft (201), even with validation errors; a second one with the same id is a conflict', async () => {
    const created = await t.call('POST', '/campaigns', waitingCampaign('api-one', 0));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'api-one',
      status: 'draft',
      version: 0,
      validation: { valid: true, errors: [] },
    });
    const again = await t.call('POST', '/campaigns', waitingCampaign('api-one', 0));
    expect(again).toMatchObject({
      status: 409,
      body: { error: 'conflict', message: expect.stringContaining("a campaign 'api-one' exists already") },
    });
    const broken = await t.call('POST', '/campaigns', {
      id: 'api-broken',
      label: 'Broken',
      dimension: 'recipients',
      activities: [{ id: 'a', type: 'nope' }],
    });
    expect(broken.status).toBe(201);
    expect(broken.body.validation.valid).toBe(false);
  });

  it('malformed bodies: not JSON, not an object, no id, a bad id, the wrong media type, too large', async () => {
    expect(await t.call('POST', '/campaigns', '{"id": ')).toMatchObject({
      status: 400,
      body: { error: 'bad_request', message: expect.stringContaining('not valid JSON') },
    });
    expect(await t.call('POST', '/campaigns', '[1, 2]')).toMatchObject({
      status: 400,
      body: { message: 'invalid body' },
    });
    expect(await t.call('POST', '/campaigns', { label: 'no id' })).toMatchObject({
      status: 400,
      body: { details: [expect.objectContaining({ in: 'body', path: 'id' })] },
    });
    expect((await t.call('POST', '/campaigns', { id: 'Bad Id!' })).status).toBe(400);
    expect(
      await t.call('POST', '/campaigns', 'id=x', { 'content-type': 'application/x-www-form-urlencoded' }),
    ).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
    const huge = JSON.stringify({ ...waitingCampaign('api-huge', 0), description: 'x'.repeat(2 * 1024 * 1024) });
    expect(await t.call('POST', '/campaigns', huge)).toMatchObject({
      status: 413,
      body: { error: 'payload_too_large' },
    });
    expect((await t.call('POST', '/campaigns')).status).toBe(400);
  });

  it('accepts YAML bodies', async () => {
    const yaml =
      'id: api-yaml\nlabel: From YAML\ndimension: recipients\nactivities:\n  - { id: a, type: buildAudience }\n  - { id: e, type: end }\ntransitions:\n  - { from: a, to: e }\n';
    const r = await t.call('POST', '/campaigns', yaml, { 'content-type': 'application/yaml' });
    expect(r).toMatchObject({ status: 201, body: { id: 'api-yaml', label: 'From YAML' } });
  });

  it('GET /campaigns lists with filters; GET /campaigns/{id} shows the working copy; unknown and malformed ids', async () => {
    const all = await t.call('GET', '/campaigns');
    expect(all.status).toBe(200);
    expect(all.body.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['api-one', 'api-yaml']));
    expect((await t.call('GET', '/campaigns?q=yaml')).body.map((c: { id: string }) => c.id)).toEqual(['api-yaml']);
    expect((await t.call('GET', '/campaigns?status=live')).body).toEqual([]);
    expect((await t.call('GET', '/campaigns?status=bogus')).status).toBe(400);
    const one = await t.call('GET', '/campaigns/api-one');
    expect(one.body).toMatchObject({ id: 'api-one', definition: { id: 'api-one' }, validation: { valid: true } });
    expect(await t.call('GET', '/campaigns/nope')).toMatchObject({
      status: 404,
      body: { error: 'not_found', message: "no campaign 'nope'" },
    });
    expect((await t.call('GET', '/campaigns/NOT%20VALID')).status).toBe(400);
  });

  it('PUT changes the working copy; the id cannot change', async () => {
    const r = await t.call('PUT', '/campaigns/api-one', { ...waitingCampaign('api-one', 0), label: 'Renamed' });
    expect(r).toMatchObject({ status: 200, body: { label: 'Renamed', changed: true } });
    expect(await t.call('PUT', '/campaigns/api-one', waitingCampaign('other', 0))).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('to rename, duplicate the campaign') },
    });
    expect((await t.call('PUT', '/campaigns/ghost', waitingCampaign('ghost', 0))).status).toBe(404);
  });

  it('publish: 422 with the validation errors; then a version, read-only, and edits make a new one', async () => {
    const refused = await t.call('POST', '/campaigns/api-broken/publish');
    expect(refused).toMatchObject({
      status: 422,
      body: {
        error: 'invalid_campaign',
        details: { errors: [expect.objectContaining({ activity: 'a', path: 'activities[0].type' })] },
      },
    });
    const published = await t.call('POST', '/campaigns/api-one/publish');
    expect(published).toMatchObject({ status: 200, body: { status: 'live', version: 1, changed: false } });
    await t.call('PUT', '/campaigns/api-one', { ...waitingCampaign('api-one', 0), label: 'Second' });
    expect((await t.call('GET', '/campaigns/api-one')).body).toMatchObject({
      version: 1,
      changed: true,
      status: 'live',
    });
    expect((await t.call('POST', '/campaigns/api-one/publish')).body).toMatchObject({ version: 2, changed: false });
  });

  it('the schedule preview lists the next 10 launches and warns about frequent schedules', async () => {
    await t.call('POST', '/campaigns', {
      ...waitingCampaign('api-sched', 0),
      trigger: { type: 'daily', hours: [6, 18], minute: 0 },
    });
    const p = await t.call('GET', '/campaigns/api-sched/schedule/preview');
    expect(p.body).toMatchObject({ expression: 'cron(0 6,18 * * ? *)', timezone: 'UTC' });
    expect(p.body.launches).toHaveLength(10);
    expect(p.body.launches.every((l: string) => /T(06|18):00:00\.000Z$/.test(l))).toBe(true);
    await t.call('PUT', '/campaigns/api-sched', {
      ...waitingCampaign('api-sched', 0),
      trigger: { type: 'interval', every: 5, unit: 'minutes' },
    });
    expect((await t.call('GET', '/campaigns/api-sched/schedule/preview')).body.warning).toContain(
      'more often than every 15 minutes',
    );
    expect((await t.call('GET', '/campaigns/api-one/schedule/preview')).body).toMatchObject({
      expression: null,
      launches: [],
      warning: expect.stringContaining('by hand'),
    });
    expect((await t.call('POST', '/campaigns/api-sched/publish')).body.status).toBe('scheduled');
  });

  it('duplicate, archive, delete', async () => {
    const copy = await t.call('POST', '/campaigns/api-one/duplicate');
    expect(copy).toMatchObject({ status: 201, body: { id: 'api-one-copy', status: 'draft', label: 'Second (copy)' } });
    expect((await t.call('POST', '/campaigns/api-one/duplicate', { id: 'api-named' })).body.id).toBe('api-named');
    expect((await t.call('POST', '/campaigns/api-one/duplicate', { id: 'api-named' })).status).toBe(409);
    const archived = await t.call('POST', '/campaigns/api-sched/archive');
    expect(archived.body.status).toBe('archived');
    expect((await t.call('POST', '/campaigns/api-sched/archive')).status).toBe(409);
    expect(await t.call('PUT', '/campaigns/api-sched', waitingCampaign('api-sched', 0))).toMatchObject({
      status: 409,
      body: { message: expect.stringContaining('archived') },
    });
    expect((await t.call('DELETE', '/campaigns/api-named')).status).toBe(204);
    expect((await t.call('GET', '/campaigns/api-named')).status).toBe(404);
  });

  it('a campaign deployed as code is started and watched, never changed, through the API', async () => {
    await registerCodeCampaign(t.server.runtime.store, {
      definition: waitingCampaign('api-code', 0),
      machine: 'arn:aws:states:eu-west-1:123456789012:stateMachine:orca-api-code',
    });
    expect((await t.call('GET', '/campaigns/api-code')).body).toMatchObject({
      source: 'code',
      status: 'live',
      version: 1,
    });
    const refusals = [
      await t.call('PUT', '/campaigns/api-code', { ...waitingCampaign('api-code', 0), label: 'Edited' }),
      await t.call('POST', '/campaigns/api-code/publish'),
      await t.call('POST', '/campaigns/api-code/archive'),
      await t.call('DELETE', '/campaigns/api-code'),
    ];
    for (const r of refusals)
      expect(r).toMatchObject({
        status: 409,
        body: { message: expect.stringContaining('deployed as code (cdk deploy)') },
      });
    expect((await t.call('GET', '/campaigns/api-code')).body).toMatchObject({ label: 'Campaign api-code', version: 1 });
    expect((await t.call('POST', '/campaigns/api-code/duplicate')).body).toMatchObject({
      id: 'api-code-copy',
      source: 'api',
      status: 'draft',
    });
    const run = await t.call('POST', '/campaigns/api-code/runs');
    expect(run).toMatchObject({ status: 202, body: { version: 1 } });
    expect((await t.until(`/runs/${run.body.runId}`, done)).status).toBe('completed');
  });
});

describe('runs', () => {
  let runId: string;

  it('a draft only runs in test mode; a run returns 202 with its id', async () => {
    expect(await t.call('POST', '/campaigns/api-one-copy/runs', {})).toMatchObject({
      status: 409,
      body: { message: expect.stringContaining('publish it first, or start it in test mode') },
    });
    const test = await t.call('POST', '/campaigns/api-one-copy/runs', { testMode: true });
    expect(test).toMatchObject({ status: 202, body: { runId: expect.any(String), testMode: true, version: 0 } });
    const r = await t.call('POST', '/campaigns/api-one/runs');
    expect(r).toMatchObject({ status: 202, body: { status: 'running', version: 2 } });
    runId = r.body.runId;
    const end = await t.until(`/runs/${runId}`, done);
    expect(end.status).toBe('completed');
  });

  it('bad run bodies and variables are refused with details', async () => {
    expect((await t.call('POST', '/campaigns/api-one/runs', { variables: { nope: 1 } })).body).toMatchObject({
      error: 'bad_request',
      details: [{ variable: 'nope', message: expect.stringContaining('unknown variable') }],
    });
    expect((await t.call('POST', '/campaigns/api-one/runs', { testMode: 'yes' })).status).toBe(400);
    expect((await t.call('POST', '/campaigns/api-one/runs', { extra: true })).status).toBe(400);
    expect((await t.call('POST', '/campaigns/api-sched/runs')).status).toBe(409);
    expect((await t.call('POST', '/campaigns/ghost/runs')).status).toBe(404);
  });

  it("GET /runs/{runId}: status, each activity's status and times, each transition's rows", async () => {
    const r = await t.call('GET', `/runs/${runId}`);
    expect(r.body).toMatchObject({ runId, campaignId: 'api-one', status: 'completed', version: 2 });
    expect(r.body.activities.find((a: RunDetail['activities'][number]) => a.id === 'people')).toMatchObject({
      status: 'done',
      rows: 3,
      startedAt: expect.any(String),
      endedAt: expect.any(String),
    });
    expect(
      r.body.transitions.find((x: RunDetail['transitions'][number]) => x.id === 'people-pause_here'),
    ).toMatchObject({ rows: 3, active: true });
    expect((await t.call('GET', '/runs/nope')).status).toBe(404);
    expect((await t.call('GET', '/campaigns/api-one/runs')).body.map((x: { runId: string }) => x.runId)).toContain(
      runId,
    );
    const recent = await t.call('GET', '/runs?limit=2');
    expect(recent.body).toHaveLength(2);
    expect(recent.body[0].startedAt >= recent.body[1].startedAt).toBe(true);
    expect(recent.body.map((x: { campaignId: string }) => x.campaignId)).toContain('api-one');
    expect((await t.call('GET', '/runs?limit=0')).status).toBe(400);
  });

  it("logs with filters, tasks, a transition's schema and rows", async () => {
    const logs = await t.call('GET', `/runs/${runId}/logs`);
    expect(logs.body[0].message).toBe('run started');
    const people = (await t.call('GET', `/runs/${runId}/logs?activity=people`)).body;
    expect(people.length).toBeGreaterThan(0);
    expect(people.length).toBeLessThan(logs.body.length);
    expect(people.every((l: LogEntry) => l.activity === 'people')).toBe(true);
    // Nothing went wrong in this run: info and above is everything but debug, warn and above is nothing.
    expect((await t.call('GET', `/runs/${runId}/logs?level=info`)).body).toEqual(
      logs.body.filter((l: LogEntry) => l.level !== 'debug'),
    );
    expect(logs.body.some((l: LogEntry) => l.level === 'info')).toBe(true);
    expect((await t.call('GET', `/runs/${runId}/logs?level=warn`)).body).toEqual([]);
    expect((await t.call('GET', `/runs/${runId}/logs?q=branch%20ended`)).body).toHaveLength(1);
    expect((await t.call('GET', `/runs/${runId}/logs?level=loud`)).status).toBe(400);
    const tasks = await t.call('GET', `/runs/${runId}/tasks`);
    expect(tasks.body.map((x: TaskRecord) => x.activityId)).toEqual([
      'people',
      'pause_here',
      'dedup',
      'enrich',
      'done',
    ]);
    const schema = await t.call('GET', `/runs/${runId}/transitions/enrich-done/schema`);
    expect(schema.body).toMatchObject({
      rows: 3,
      dimension: 'recipients',
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'email', type: 'string' },
      ],
    });
    const rows = await t.call('GET', `/runs/${runId}/transitions/people-pause_here/rows?limit=2&offset=1`);
    expect(rows.body).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect(rows.body.rows).toHaveLength(2);
    expect((await t.call('GET', `/runs/${runId}/transitions/people-pause_here/rows?limit=5000`)).status).toBe(400);
    expect((await t.call('GET', `/runs/${runId}/transitions/nope/schema`)).status).toBe(404);
  });

  it("commands not allowed in the run's state are conflicts", async () => {
    for (const command of ['pause', 'resume', 'stop']) {
      expect(await t.call('POST', `/runs/${runId}/${command}`)).toMatchObject({
        status: 409,
        body: { error: 'conflict', details: { status: 'completed', command } },
      });
    }
    const restarted = await t.call('POST', `/runs/${runId}/restart`);
    expect(restarted).toMatchObject({ status: 202, body: { runId: expect.any(String) } });
    expect((await t.until(`/runs/${restarted.body.runId}`, done)).status).toBe('completed');
  });
});

describe('the API itself', () => {
  it('unknown routes are 404, wrong methods 405 with Allow', async () => {
    expect((await t.call('GET', '/nothing')).status).toBe(404);
    const r = await t.call('PATCH', '/campaigns/api-one');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET, PUT, DELETE');
  });

  it('serves an OpenAPI document generated from the same schemas', async () => {
    const doc = (await t.call('GET', '/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/campaigns',
        '/campaigns/{id}',
        '/campaigns/{id}/publish',
        '/campaigns/{id}/schedule/preview',
        '/campaigns/{id}/runs',
        '/runs/{runId}',
        '/runs/{runId}/pause',
        '/runs/{runId}/logs',
        '/runs/{runId}/tasks',
        '/runs/{runId}/transitions/{transitionId}/schema',
        '/runs/{runId}/transitions/{transitionId}/rows',
      ]),
    );
    expect(doc.paths['/campaigns/{id}/publish'].post.responses).toHaveProperty('422');
    expect(Object.keys(doc.paths['/campaigns/{id}/runs'].get.responses).sort()).toEqual(['200', '400', '404']);
    expect(Object.keys(doc.paths['/campaigns/{id}/runs'].post.responses).sort()).toEqual([
      '202',
      '400',
      '404',
      '409',
      '413',
      '422',
    ]);
    expect(doc.paths['/runs/{runId}/restart'].post.responses).toHaveProperty('422');
    expect(doc.paths['/runs/{runId}/pause'].post.responses).not.toHaveProperty('422');
    expect(doc.paths['/campaigns/{id}/schedule/preview'].get.responses).toHaveProperty('422');
    expect(doc.paths['/campaigns'].get.responses).not.toHaveProperty('404');
    expect(doc.paths['/runs/{runId}/logs'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'runId',
      'activity',
      'level',
      'q',
      'after',
      'limit',
    ]);
  });

  it('malformed escapes in the path are 400; text/plain bodies are refused (415)', async () => {
    expect(await t.call('GET', '/campaigns/%E0%A4%A')).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('malformed escape') },
    });
    expect(
      (
        await t.call('POST', '/campaigns', JSON.stringify(waitingCampaign('plain', 0)), {
          'content-type': 'text/plain',
        })
      ).status,
    ).toBe(415);
  });

  it('on loopback, requests from a web page (Origin) or for another host name (DNS rebinding) are refused', async () => {
    const raw = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(t.server.url);
        request({ host: u.hostname, port: u.port, path: '/campaigns', method: 'GET', headers }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        })
          .on('error', reject)
          .end();
      });
    expect(await raw({})).toBe(200);
    expect(await raw({ origin: 'https://evil.example' })).toBe(403);
    expect(await raw({ host: 'evil.example:7777' })).toBe(403);
    expect(await raw({ host: `localhost:${new URL(t.server.url).port}` })).toBe(200);
  });
});
