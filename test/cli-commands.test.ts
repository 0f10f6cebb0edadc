/**
 * The CLI commands over the API (duplicate, delete, archive, schedule, versions, tasks), in-process,
 * against the real router and service on fake ports behind a loopback HTTP server; times are shown
 * in the campaign's zone (schedule) and always labelled with it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle } from '../lambdas/api/router.js';
import { CampaignService } from '../lambdas/api/service.js';
import type { Platform } from '../lambdas/api/platform.js';
import { tinyCatalog } from './fixtures/tiny.js';
import { FixedClock, MemoryStore, RecordingEngine } from './helpers/fakes/index.js';
import { capture } from './helpers/capture.js';

/** `run/activity` of the channel activities waiting for a confirmation. */
const confirmable = new Set<string>();
const platform: Platform = {
  publish: async () => ({}),
  retire: async () => {},
  start: async () => undefined,
  wake: async () => {},
  confirm: async (runId, activityId) => confirmable.delete(`${runId}/${activityId}`),
  stop: async () => {},
};

// Sunday 22 November 2026, 13:00 in Paris (UTC+1).
const clock = new FixedClock('2026-11-22T12:00:00Z');
const store = new MemoryStore();
const service = new CampaignService({
  store,
  engine: new RecordingEngine(),
  catalog: tinyCatalog(),
  platform,
  dialect: new RecordingEngine().dialect,
  newRunId: () => 'RUN-1',
  clock: clock.now,
});
let server: Server;
let endpoint: string;

const weekly = {
  id: 'weekly',
  label: 'Weekly',
  dimension: 'recipients',
  timezone: 'Europe/Paris',
  trigger: { type: 'weekly', days: ['MON', 'THU'], at: '08:00' },
  activities: [{ id: 'q', type: 'buildAudience', query: { attribute: 'vip', operator: 'equal', value: true } }],
  transitions: [],
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const r = await handle(service, {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { 'content-type': req.headers['content-type'] },
        body: chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined,
      });
      res.writeHead(r.status, r.headers).end(r.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await service.create(weekly);
  await service.publish('weekly');
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const orca = (...args: string[]) => capture([...args, '--endpoint', endpoint]);

describe('CLI commands for what the API does', () => {
  it("schedule lists the next launches in the campaign's time zone, labelled", async () => {
    const r = await orca('schedule', 'weekly');
    expect(r.code, r.err).toBe(0);
    // Monday 23 and Thursday 26 November, 08:00 in Paris (07:00 UTC).
    expect(r.out).toContain('cron(0 8 ? * MON,THU *)');
    expect(r.out).toContain(
      '2026-11-23 08:00 Europe/Paris\n  2026-11-26 08:00 Europe/Paris\n  2026-11-30 08:00 Europe/Paris',
    );
    const json = JSON.parse((await orca('schedule', 'weekly', '--json')).out);
    expect(json.launches.slice(0, 2)).toEqual(['2026-11-23T07:00:00.000Z', '2026-11-26T07:00:00.000Z']);
  });

  it('versions lists the published versions', async () => {
    const r = await orca('versions', 'weekly', '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual([
      { version: 1, publishedAt: '2026-11-22T12:00:00.000Z', label: 'Weekly', current: true },
    ]);
    const text = await orca('versions', 'weekly');
    expect(text.out).toMatch(/1 \(current\) +2026-11-22 \d\d:\d\d \S+/);
  });

  it('one version with its definition (a run drawn as it ran); an unknown or malformed version is refused', async () => {
    const get = (version: string) =>
      handle(service, { method: 'GET', path: `/campaigns/weekly/versions/${version}`, query: {}, headers: {} });
    const one = await get('1');
    expect(one.status).toBe(200);
    const body = JSON.parse(one.body) as { version: number; definition: { id: string; activities: unknown[] } };
    expect(body.version).toBe(1);
    expect(body.definition.id).toBe('weekly');
    expect(body.definition.activities).toHaveLength(weekly.activities.length);
    expect((await get('2')).status).toBe(404);
    expect(JSON.parse((await get('2')).body).message).toBe('campaign weekly has no version 2');
    expect((await get('x')).status).toBe(400);
  });

  it('duplicate, then delete the copy', async () => {
    const dup = await orca('duplicate', 'weekly', '--as', 'weekly-two');
    expect(dup.code, dup.err).toBe(0);
    expect(dup.out).toContain('weekly copied as weekly-two (a draft)');
    expect((await store.getCampaign('weekly-two'))?.status).toBe('draft');
    const del = await orca('delete', 'weekly-two');
    expect(del.code, del.err).toBe(0);
    expect(await store.getCampaign('weekly-two')).toBeUndefined();
    const again = await orca('delete', 'weekly-two');
    expect(again.code).toBe(1);
    expect(again.err).toContain("no campaign 'weekly-two'");
  });

  it('confirm confirms the channel activity waiting; again, it says nothing waits', async () => {
    await store.createRun({
      runId: 'RUN-8',
      // Another campaign: a run in progress of 'weekly' would keep it from being archived below.
      campaignId: 'news',
      status: 'running',
      startedAt: '2026-11-22T12:00:00.000Z',
      testMode: false,
      variables: {},
    });
    confirmable.add('RUN-8/mail');
    const r = await orca('confirm', 'RUN-8', 'mail');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('RUN-8: mail confirmed, sending');
    expect((await store.listLogs('RUN-8')).map((l) => l.message)).toEqual(['confirmed by api: sending']);
    const again = await orca('confirm', 'RUN-8', 'mail');
    expect(again.code).toBe(1);
    expect(again.err).toContain("activity 'mail' of run RUN-8 is not waiting for a confirmation");
  });

  it("tasks lists a run's activity executions with labelled times", async () => {
    await store.createRun({
      runId: 'RUN-7',
      campaignId: 'weekly',
      campaignLabel: 'Weekly',
      version: 1,
      status: 'completed',
      startedAt: '2026-11-22T12:00:00.000Z',
      testMode: false,
      variables: {},
      trigger: 'api',
    });
    await store.putTask('RUN-7', {
      activityId: 'q',
      startedAt: '2026-11-22T12:00:01.000Z',
      endedAt: '2026-11-22T12:00:01.250Z',
      status: 'done',
      rows: 3,
    });
    const r = await orca('tasks', 'RUN-7');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/q +2026-11-22 \d\d:\d\d \S+ +done +3 +250 ms/);
    expect(JSON.parse((await orca('tasks', 'RUN-7', '--json')).out)).toHaveLength(1);
  });

  it('an archived campaign launches nothing, and the preview says why', async () => {
    const a = await orca('archive', 'weekly');
    expect(a.code, a.err).toBe(0);
    const r = await orca('schedule', 'weekly', '--json');
    const preview = JSON.parse(r.out);
    expect(preview.launches).toEqual([]);
    expect(preview.warning).toMatch(/archived/);
  });
});
