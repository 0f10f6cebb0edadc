/**
 * What `orca serve` gives the web console: its files at `/` (index.html for every app route, hashed
 * assets cached for good, the security headers), its own origin accepted and every other refused,
 * and the fields and routes the console reads (the list's last failure and counts, an activity's SQL).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitingCampaign, type TestServer } from '../test/helpers/server.js';

let t: TestServer;
let dir: string;
const INDEX =
  '<!doctype html><html><body><div id="root"></div><script type="module" src="/ui/assets/app-1a2b.js"></script></body></html>';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orca-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'not served');
  t = await startTestServer({ waitMs: 0, consoleDir: dir });
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

function raw(method: string, path: string, headers: Record<string, string> = {}) {
  const u = new URL(t.server.url);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const r = request({ host: u.hostname, port: u.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    r.on('error', reject);
    r.end(method === 'POST' ? '{}' : undefined);
  });
}

describe("the console's files", () => {
  it('/ and every app route under /ui/ answer index.html (deep links), without caching, with the security headers', async () => {
    for (const path of ['/', '/ui', '/ui/campaigns/welcome/runs/r1/transitions/a-b']) {
      const r = await raw('GET', path);
      expect(r.status, path).toBe(200);
      expect(r.body).toBe(INDEX);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['cache-control']).toBe('no-cache');
      // CSP: scripts from the origin only (no 'unsafe-inline' for scripts), never framed.
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('a hashed asset is cached for a year; an unknown one, a traversal or a file beside index.html is a 404', async () => {
    const js = await raw('GET', '/ui/assets/app-1a2b.js');
    expect(js).toMatchObject({ status: 200, body: 'console.log(1)' });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await raw('GET', '/ui/assets/missing.js')).status).toBe(404);
    expect((await raw('GET', '/ui/assets/..%2Fsecret.txt')).status).toBe(404);
    expect((await raw('GET', '/ui/assets/../secret.txt')).body).not.toContain('not served');
  });

  it('the API keeps its routes: JSON, not the page', async () => {
    const r = await raw('GET', '/campaigns');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(r.body)).toBeInstanceOf(Array);
  });
});

describe('the Origin check on loopback', () => {
  it("accepts the server's own origin (127.0.0.1 and localhost on its port) and refuses every other", async () => {
    const port = new URL(t.server.url).port;
    expect((await raw('GET', '/campaigns', { origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect((await raw('GET', '/campaigns', { origin: `http://localhost:${port}` })).status).toBe(200);
    expect((await raw('POST', '/campaigns/none/duplicate', { origin: `http://localhost:${port}` })).status).toBe(404);
    for (const origin of [
      'https://evil.example',
      `http://127.0.0.1:${Number(port) + 1}`,
      `https://127.0.0.1:${port}`,
      `http://localhost.evil.example:${port}`,
      'null',
    ]) {
      const r = await raw('POST', '/campaigns/none/duplicate', { origin });
      expect(r.status, origin).toBe(403);
      expect(JSON.parse(r.body).message).toMatch(/cross-origin requests are refused/);
    }
    // The page itself is not served to another origin either.
    expect((await raw('GET', '/', { origin: 'https://evil.example' })).status).toBe(403);
  });
});

describe('what the console reads', () => {
  it("the list gives the zone, the dimension, the last run's counts and the activity that last failed", async () => {
    const broken = waitingCampaign('broken', 0, { timezone: 'Europe/Paris' });
    expect((await t.call('POST', '/campaigns', broken)).status).toBe(201);
    // An earlier run that failed on 'dedup', as the orchestrator records one.
    const store = t.server.runtime.store;
    await store.createRun({
      runId: 'failed-1',
      campaignId: 'broken',
      status: 'failed',
      startedAt: '2026-01-01T08:00:00.000Z',
      endedAt: '2026-01-01T08:00:05.000Z',
      testMode: true,
      variables: {},
    });
    await store.putActivities('failed-1', [
      { activityId: 'people', type: 'buildAudience', status: 'done' },
      { activityId: 'dedup', type: 'deduplication', status: 'failed', error: 'boom' },
      { activityId: 'enrich', type: 'enrichment', status: 'notRun' },
    ]);
    const before = (await t.call('GET', '/campaigns?q=broken')).body[0];
    expect(before.lastRun).toMatchObject({ runId: 'failed-1', counts: { activities: 3, done: 1, failed: 1 } });
    expect(before.lastFailure).toEqual({ runId: 'failed-1', at: '2026-01-01T08:00:05.000Z', activity: 'dedup' });
    const started = await t.call('POST', '/campaigns/broken/runs', { testMode: true });
    expect(started.status).toBe(202);
    await t.until(`/runs/${started.body.runId}`, (r) => r.status === 'completed');
    const [view] = (await t.call('GET', '/campaigns?q=broken')).body;
    expect(view).toMatchObject({
      id: 'broken',
      dimension: 'recipients',
      timezone: 'Europe/Paris',
      // Five activities, all done (a completed run).
      lastRun: { runId: started.body.runId, status: 'completed', counts: { activities: 5, done: 5, failed: 0 } },
    });
    // The last run completed; the failure is still the earlier run's.
    expect(view.lastFailure).toEqual({ runId: 'failed-1', at: '2026-01-01T08:00:05.000Z', activity: 'dedup' });
  });

  it("an activity's SQL: its query, null for one that runs none, 404 naming the activities for another id", async () => {
    await t.call('POST', '/campaigns', waitingCampaign('coded', 0));
    const people = await t.call('GET', '/campaigns/coded/activities/people/sql');
    expect(people.status).toBe(200);
    expect(people.body).toMatchObject({ activity: 'people', type: 'buildAudience', runIdPlaceholder: 'RUN' });
    expect(people.body.sql).toMatch(/^SELECT/i);
    expect(people.body.sql).toContain("'FR'");
    expect((await t.call('GET', '/campaigns/coded/activities/pause_here/sql')).body).toMatchObject({
      type: 'wait',
      sql: null,
    });
    const missing = await t.call('GET', '/campaigns/coded/activities/nope/sql');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe(
      "campaign 'coded' has no activity 'nope'; activities: people, pause_here, dedup, enrich, done",
    );
  });

  it('an activity with errors: 422 with its errors', async () => {
    const bad = waitingCampaign('bad-sql', 0);
    (bad.activities[0] as { query: unknown }).query = { attribute: 'no_such_column', operator: 'equal', value: 1 };
    await t.call('POST', '/campaigns', bad);
    const r = await t.call('GET', '/campaigns/bad-sql/activities/people/sql');
    expect(r.status).toBe(422);
    expect(r.body.message).toBe("the SQL of activity 'people' cannot be shown while it has errors");
    expect(r.body.details.errors[0]).toMatchObject({ activity: 'people' });
  });
});
