/**
 * `orca report RUN|CAMPAIGN` in-process against the real router and service (fake ports, an
 * in-memory report store) behind a loopback HTTP server: the table, --json, and an unknown id.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle } from '../lambdas/api/router.js';
import { CampaignService } from '../lambdas/api/service.js';
import { tinyCatalog } from './fixtures/tiny.js';
import { MemoryStore, RecordingEngine } from './helpers/fakes/index.js';
import { MemoryReportStore } from './helpers/fakes/reports.js';
import { NullPlatform } from './helpers/api-service.js';
import { orcaInProcess as orca } from './helpers/cli.js';

const store = new MemoryStore();
const reports = new MemoryReportStore();
const service = new CampaignService({
  store,
  engine: new RecordingEngine(),
  catalog: tinyCatalog(),
  platform: new NullPlatform(),
  dialect: new RecordingEngine().dialect,
  newRunId: () => 'RUN-1',
  reports,
});
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    void handle(service, { method: req.method ?? 'GET', path: url.pathname, query: {}, headers: {} }).then((r) =>
      res.writeHead(r.status, r.headers).end(r.body),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await service.create({ id: 'news' });
  await store.createRun({
    runId: '20261201T090000000Z-abcdef',
    campaignId: 'news',
    status: 'completed',
    startedAt: '2026-12-01T09:00:00.000Z',
    testMode: false,
    variables: {},
  });
  await reports.setCounters('news', '20261201T090000000Z-abcdef', 'mail', {
    targeted: 1200,
    'excluded.unsubscribed': 200,
    sent: 1000,
  });
  for (let i = 0; i < 4; i++)
    reports.sent(`m${i}`, { campaignId: 'news', runId: '20261201T090000000Z-abcdef', activityId: 'mail' });
  for (let i = 0; i < 4; i++) await reports.recordEvent(`m${i}`, 'delivered', '2026-12-01T09:01:00Z');
  await reports.recordEvent('m0', 'opened', '2026-12-01T09:02:00Z');
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('orca report', () => {
  it("prints a run's report: figures, rates and exclusions by reason", async () => {
    const r = await orca(['report', '20261201T090000000Z-abcdef', '--endpoint', endpoint]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('run 20261201T090000000Z-abcdef (campaign news)');
    // 1,200 targeted, 200 excluded, 1,000 sent, 4 delivered (0.4 %), 1 opened of 4 delivered (25 %).
    expect(r.stdout).toMatch(/mail\s+1,200\s+200\s+1,000\s+0\s+4\s+0\s+0\s+1\s+0\s+0\s+0\.4 %\s+25\.0 %\s+0\.0 %/);
    expect(r.stdout).toContain('mail: excluded unsubscribed 200');
  });

  it("prints a campaign's report across runs, and JSON with --json", async () => {
    const r = await orca(['report', 'news', '--endpoint', endpoint, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.runs).toHaveLength(1);
    expect(body.total).toMatchObject({ targeted: 1200, sent: 1000, delivered: 4, opened: 1 });
    expect(body.total.rates).toMatchObject({ deliveryRate: 0.004, openRate: 0.25 });
    const text = await orca(['report', 'news', '--endpoint', endpoint]);
    expect(text.stdout).toContain('campaign news: 1 run(s) with channel activities');
    expect(text.stdout).toMatch(/^total\s+1,200/m);
  });

  it('an unknown id exits 2 naming it; a malformed one too, before asking', async () => {
    const r = await orca(['report', 'nothing-here', '--endpoint', endpoint]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no run or campaign 'nothing-here'");
    expect((await orca(['report', 'bad id!', '--endpoint', endpoint])).code).toBe(2);
  });
});
