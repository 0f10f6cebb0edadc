/** The embedded scheduler: a scheduled campaign starts at its next launch, then re-arms. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalPlatform } from './local-platform.js';

describe('local scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-22T08:59:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  function platform(status: string, trigger: Record<string, unknown> = { type: 'daily', hours: [9, 21], minute: 0 }) {
    const definition = { id: 'daily', timezone: 'UTC', trigger };
    const store = {
      getCampaign: async () => ({ id: 'daily', status, version: 1 }),
      getVersion: async () => ({ definition }),
      listCampaigns: async () => [{ id: 'daily', status }],
    };
    const p = new LocalPlatform({ store } as never);
    const started: string[] = [];
    p.service = { startRun: async (id: string) => void started.push(`${id}@${new Date().toISOString()}`) } as never;
    return { p, started };
  }

  it('starts the run at 09:00 and 21:00 UTC', async () => {
    const { p, started } = platform('scheduled');
    await p.refreshAll();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(started).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(started).toEqual(['daily@2026-11-22T09:00:00.000Z']);
    await vi.advanceTimersByTimeAsync(12 * 3600_000);
    expect(started).toEqual(['daily@2026-11-22T09:00:00.000Z', 'daily@2026-11-22T21:00:00.000Z']);
    p.close();
  });

  it('an archived (or live) campaign is not scheduled; retire disarms', async () => {
    const { p, started } = platform('archived');
    await p.refreshAll();
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(started).toEqual([]);
    const s = platform('scheduled');
    await s.p.refreshSchedule('daily');
    await s.p.retire('daily');
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(s.started).toEqual([]);
  });

  it('publish arms the new schedule itself, whatever the store says yet; a schedule-less publication disarms', async () => {
    const { p, started } = platform('draft');
    await p.publish('daily', 1, {}, { expression: 'cron(30 9 * * ? *)', timezone: 'UTC' });
    await vi.advanceTimersByTimeAsync(31 * 60_000);
    expect(started).toEqual(['daily@2026-11-22T09:30:00.000Z']);
    await p.publish('daily', 2, {}, undefined);
    await vi.advanceTimersByTimeAsync(48 * 3600_000);
    expect(started).toHaveLength(1);
    p.close();
  });

  it("a monthly trigger listing 'last' with other days: the listed days and the last day, the 30th of November once", async () => {
    const { p, started } = platform('scheduled', { type: 'monthly', days: [30, 'last'], at: '09:00' });
    await p.refreshAll();
    // From 2026-11-22 to 2027-01-01: November has 30 days, December 31.
    await vi.advanceTimersByTimeAsync(Date.parse('2027-01-01T00:00:00Z') - Date.now());
    expect(started).toEqual([
      'daily@2026-11-30T09:00:00.000Z',
      'daily@2026-12-30T09:00:00.000Z',
      'daily@2026-12-31T09:00:00.000Z',
    ]);
    p.close();
  });
});
