/** Reports from counters, on a small scenario whose figures are worked out by hand. */
import { describe, expect, it } from 'vitest';
import { MemoryReportStore } from '../../test/helpers/fakes/reports.js';
import { campaignReport, runReport } from './report.js';

/**
 * Run R1, activity mail: 5 targeted, 1 without address and 1 duplicate excluded, 3 sent (m1, m2, m3).
 * m1 delivered and opened twice; m2 delivered and clicked; m3 bounced.
 * -> delivered 2, bounced 1, opened 1 (unique), clicked 1.
 * Run R2, activity mail: 2 targeted, 2 sent (n1, n2), both delivered and opened; activity text: 1 sent, delivered.
 */
async function scenario() {
  const reports = new MemoryReportStore();
  await reports.setCounters('news', 'R1', 'mail', {
    targeted: 5,
    'excluded.noAddress': 1,
    'excluded.duplicate': 1,
    sent: 3,
  });
  for (const id of ['m1', 'm2', 'm3']) reports.sent(id, { campaignId: 'news', runId: 'R1', activityId: 'mail' });
  await reports.recordEvent('m1', 'delivered', '2026-12-01T10:00:00Z');
  await reports.recordEvent('m1', 'opened', '2026-12-01T10:05:00Z');
  await reports.recordEvent('m1', 'opened', '2026-12-01T11:00:00Z');
  await reports.recordEvent('m2', 'delivered', '2026-12-01T10:00:00Z');
  await reports.recordEvent('m2', 'clicked', '2026-12-01T10:07:00Z');
  await reports.recordEvent('m3', 'bounced', '2026-12-01T10:00:01Z');

  await reports.setCounters('news', 'R2', 'mail', { targeted: 2, sent: 2 });
  await reports.setCounters('news', 'R2', 'text', { targeted: 1, sent: 1 });
  reports.sent('n1', { campaignId: 'news', runId: 'R2', activityId: 'mail' });
  reports.sent('n2', { campaignId: 'news', runId: 'R2', activityId: 'mail' });
  reports.sent('s1', { campaignId: 'news', runId: 'R2', activityId: 'text' });
  for (const id of ['n1', 'n2']) {
    await reports.recordEvent(id, 'delivered', '2026-12-08T10:00:00Z');
    await reports.recordEvent(id, 'opened', '2026-12-08T10:01:00Z');
  }
  await reports.recordEvent('s1', 'delivered', '2026-12-08T10:00:00Z');
  return reports;
}

describe('runReport', () => {
  it('counts each event once per message, with the rates over their denominators', async () => {
    const r = await runReport(await scenario(), 'news', 'R1');
    expect(r.activities).toHaveLength(1);
    expect(r.activities[0]).toEqual({
      activityId: 'mail',
      targeted: 5,
      excluded: {
        noAddress: 1,
        invalidAddress: 0,
        unsubscribed: 0,
        suppressed: 0,
        duplicate: 1,
        frequencyCap: 0,
        total: 2,
      },
      sent: 3,
      failed: 0,
      throttled: 0,
      renderError: 0,
      windowClosed: 0,
      unknown: 0,
      delivered: 2,
      bounced: 1,
      complained: 0,
      opened: 1,
      clicked: 1,
      unsubscribed: 0,
      rates: {
        deliveryRate: 0.6667, // 2 / 3 sent
        bounceRate: 0.3333, // 1 / 3 sent
        complaintRate: 0, // 0 / 2 delivered
        openRate: 0.5, // 1 / 2 delivered
        clickRate: 0.5, // 1 / 2 delivered
        clickToOpenRate: 1, // 1 / 1 opened
        unsubscribeRate: 0,
      },
    });
    const { activityId: _, ...mail } = r.activities[0]!;
    expect(r.total).toEqual(mail);
  });

  it('a run without counters has no activities and rates of null (nothing to divide by)', async () => {
    const r = await runReport(await scenario(), 'news', 'R9');
    expect(r.activities).toEqual([]);
    expect(r.total).toMatchObject({ targeted: 0, sent: 0, rates: { deliveryRate: null, openRate: null } });
  });
});

describe('campaignReport', () => {
  it('sums across runs, per run and per activity', async () => {
    const c = await campaignReport(await scenario(), 'news');
    expect(c.runs.map((r) => [r.runId, r.targeted, r.sent, r.delivered, r.opened])).toEqual([
      ['R1', 5, 3, 2, 1],
      ['R2', 3, 3, 3, 2],
    ]);
    expect(c.activities.map((a) => [a.activityId, a.sent, a.delivered, a.opened, a.clicked, a.bounced])).toEqual([
      ['mail', 5, 4, 3, 1, 1],
      ['text', 1, 1, 0, 0, 0],
    ]);
    // 8 targeted, 6 sent, 5 delivered, 3 opened, 1 clicked, 1 bounced.
    expect(c.total).toMatchObject({
      targeted: 8,
      sent: 6,
      delivered: 5,
      opened: 3,
      excluded: { total: 2 },
      rates: { deliveryRate: 0.8333, openRate: 0.6, clickRate: 0.2, clickToOpenRate: 0.3333, bounceRate: 0.1667 },
    });
  });
});
