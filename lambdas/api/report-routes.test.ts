/** GET /runs/{run}/report and /campaigns/{id}/report through the router, on fake ports. */
import { describe, expect, it } from 'vitest';
import { CampaignService } from './service.js';
import { handle } from './router.js';
import { DuckDbDialect } from '../sql/dialect.js';
import { tinyCatalog } from '../../test/fixtures/tiny.js';
import { DATA_ROOT, MemoryStore, RecordingEngine } from '../../test/helpers/fakes/index.js';
import { MemoryReportStore } from '../../test/helpers/fakes/reports.js';
import { NullPlatform } from '../../test/helpers/api-service.js';

async function api() {
  const store = new MemoryStore();
  const reports = new MemoryReportStore();
  const service = new CampaignService({
    store,
    engine: new RecordingEngine(),
    catalog: tinyCatalog(),
    platform: new NullPlatform(),
    dialect: new DuckDbDialect(DATA_ROOT),
    newRunId: () => 'run-1',
    reports,
  });
  await service.create({ id: 'news' });
  await store.createRun({
    runId: 'R1',
    campaignId: 'news',
    status: 'completed',
    startedAt: '2026-12-01T09:00:00.000Z',
    testMode: false,
    variables: {},
  });
  await reports.setCounters('news', 'R1', 'mail', { targeted: 4, 'excluded.invalidAddress': 1, sent: 3 });
  reports.sent('m1', { campaignId: 'news', runId: 'R1', activityId: 'mail' });
  await reports.recordEvent('m1', 'delivered', '2026-12-01T09:01:00.000Z');
  const get = async (path: string) => {
    const r = await handle(service, { method: 'GET', path, query: {}, headers: {} });
    return { status: r.status, body: JSON.parse(r.body) };
  };
  return { get };
}

describe('report routes', () => {
  it("a run's report, per activity", async () => {
    const { get } = await api();
    const r = await get('/runs/R1/report');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      campaignId: 'news',
      runId: 'R1',
      activities: [
        {
          activityId: 'mail',
          targeted: 4,
          excluded: { invalidAddress: 1, total: 1 },
          sent: 3,
          delivered: 1,
          rates: { deliveryRate: 0.3333, openRate: 0 },
        },
      ],
      total: { sent: 3 },
    });
  });

  it("a campaign's report across runs; unknown ids are 404, malformed ones 400", async () => {
    const { get } = await api();
    const c = await get('/campaigns/news/report');
    expect(c.status).toBe(200);
    expect(c.body.runs.map((r: { runId: string }) => r.runId)).toEqual(['R1']);
    expect(c.body.total).toMatchObject({ targeted: 4, delivered: 1 });
    expect((await get('/runs/nope/report')).status).toBe(404);
    expect((await get('/campaigns/nope/report')).status).toBe(404);
    expect((await get('/runs/bad%20id/report')).status).toBe(400);
  });
});
