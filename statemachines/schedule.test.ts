/** Triggers -> EventBridge Scheduler expressions, and the launch preview (times worked out by hand). */
import { describe, expect, it } from 'vitest';
import {
  isOneOff,
  minimumGapMinutes,
  nextLaunches,
  scheduleOf,
  scheduleParts,
  scheduleProblem,
  schedulerWindow,
} from './schedule.js';
import type { Trigger } from './campaign.js';

const iso = (ds: Date[]) => ds.map((d) => d.toISOString().replace('.000Z', 'Z'));

describe('schedules', () => {
  it.each<[Trigger, string]>([
    [{ type: 'daily', hours: [18, 9], minute: 30 }, 'cron(30 9,18 * * ? *)'],
    [{ type: 'weekly', days: ['MON', 'FRI'], at: '08:05' }, 'cron(5 8 ? * MON,FRI *)'],
    [{ type: 'monthly', days: [1, 15], at: '07:00' }, 'cron(0 7 1,15 * ? *)'],
    [{ type: 'monthly', days: ['last'], at: '23:45' }, 'cron(45 23 L * ? *)'],
    [{ type: 'interval', every: 30, unit: 'minutes' }, 'rate(30 minutes)'],
    [{ type: 'interval', every: 1, unit: 'hours' }, 'rate(1 hour)'],
    [{ type: 'once', at: '2026-12-24T09:00' }, 'at(2026-12-24T09:00:00)'],
  ])('%j -> %s', (trigger, expression) => {
    expect(scheduleOf(trigger, 'Europe/Paris')).toMatchObject({ expression, timezone: 'Europe/Paris' });
  });

  it('manual, asap and signal triggers have no schedule', () => {
    for (const t of [{ type: 'manual' }, { type: 'asap' }, { type: 'signal' }] as Trigger[])
      expect(scheduleOf(t, 'UTC')).toBeUndefined();
  });

  it('a daily 09:00 in Paris across the end of summer time (25 October 2026)', () => {
    const s = scheduleOf({ type: 'daily', hours: [9], minute: 0 }, 'Europe/Paris')!;
    expect(iso(nextLaunches(s, new Date('2026-10-23T12:00:00Z'), 4))).toEqual([
      '2026-10-24T07:00:00Z',
      '2026-10-25T08:00:00Z',
      '2026-10-26T08:00:00Z',
      '2026-10-27T08:00:00Z',
    ]);
  });

  it('weekly and monthly, in New York', () => {
    const weekly = scheduleOf({ type: 'weekly', days: ['MON', 'THU'], at: '10:00' }, 'America/New_York')!;
    // 2026-11-22 is a Sunday; EST is UTC-5.
    expect(iso(nextLaunches(weekly, new Date('2026-11-22T12:00:00Z'), 3))).toEqual([
      '2026-11-23T15:00:00Z',
      '2026-11-26T15:00:00Z',
      '2026-11-30T15:00:00Z',
    ]);
    const last = scheduleOf({ type: 'monthly', days: ['last'], at: '18:00' }, 'America/New_York')!;
    expect(iso(nextLaunches(last, new Date('2026-11-22T12:00:00Z'), 3))).toEqual([
      '2026-11-30T23:00:00Z',
      '2026-12-31T23:00:00Z',
      '2027-01-31T23:00:00Z',
    ]);
  });

  it("monthly 'last' with other days: two cron expressions (cron cannot list L with other days), one preview", () => {
    const s = scheduleOf({ type: 'monthly', days: [30, 15, 'last'], at: '09:00' }, 'UTC')!;
    // The L schedule leaves out the 30-day months (April, June, September, November): there the
    // 30th is the last day, a listed day already.
    expect(s).toMatchObject({ expression: 'cron(0 9 15,30 * ? *)', lastDay: 'cron(0 9 L 1,2,3,5,7,8,10,12 ? *)' });
    expect(scheduleParts('orca-pay', s)).toEqual([
      { name: 'orca-pay', expression: 'cron(0 9 15,30 * ? *)' },
      { name: 'orca-pay_last', expression: 'cron(0 9 L 1,2,3,5,7,8,10,12 ? *)' },
    ]);
    // November 2026 has 30 days, December 31, February 2027 28.
    expect(iso(nextLaunches(s, new Date('2026-11-22T12:00:00Z'), 10))).toEqual([
      '2026-11-30T09:00:00Z',
      '2026-12-15T09:00:00Z',
      '2026-12-30T09:00:00Z',
      '2026-12-31T09:00:00Z',
      '2027-01-15T09:00:00Z',
      '2027-01-30T09:00:00Z',
      '2027-01-31T09:00:00Z',
      '2027-02-15T09:00:00Z',
      '2027-02-28T09:00:00Z',
      '2027-03-15T09:00:00Z',
    ]);
    // 28 and last: in February 2027 (28 days) both fire at one instant, shown once.
    const feb = scheduleOf({ type: 'monthly', days: [28, 'last'], at: '06:30' }, 'UTC')!;
    expect(feb).toMatchObject({ expression: 'cron(30 6 28 * ? *)', lastDay: 'cron(30 6 L * ? *)' });
    expect(iso(nextLaunches(feb, new Date('2027-02-01T00:00:00Z'), 4))).toEqual([
      '2027-02-28T06:30:00Z',
      '2027-03-28T06:30:00Z',
      '2027-03-31T06:30:00Z',
      '2027-04-28T06:30:00Z',
    ]);
    // 31 and last: the L schedule runs in the months without a 31st only.
    expect(scheduleOf({ type: 'monthly', days: [31, 'last'], at: '06:30' }, 'UTC')).toMatchObject({
      lastDay: 'cron(30 6 L 2,4,6,9,11 ? *)',
    });
    // Every possible last day listed: 'last' adds nothing, one schedule.
    const all = scheduleOf({ type: 'monthly', days: [28, 29, 30, 31, 'last'], at: '06:30' }, 'UTC')!;
    expect(all.lastDay).toBeUndefined();
    expect(scheduleParts('orca-x', all)).toEqual([{ name: 'orca-x', expression: 'cron(30 6 28,29,30,31 * ? *)' }]);
  });

  it('the validity window bounds the launches; a rate starts at the window start', () => {
    const s = scheduleOf(
      { type: 'interval', every: 6, unit: 'hours', from: '2026-12-01', until: '2026-12-01' },
      'UTC',
    )!;
    expect(s.start!.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(iso(nextLaunches(s, new Date('2026-11-22T12:00:00Z'), 10))).toEqual([
      '2026-12-01T00:00:00Z',
      '2026-12-01T06:00:00Z',
      '2026-12-01T12:00:00Z',
      '2026-12-01T18:00:00Z',
    ]);
  });

  it('a one-off date-time in the past has no launch left', () => {
    const s = scheduleOf({ type: 'once', at: '2026-01-01T09:00' }, 'UTC')!;
    expect(nextLaunches(s, new Date('2026-11-22T00:00:00Z'))).toEqual([]);
    expect(
      iso(
        nextLaunches(
          scheduleOf({ type: 'once', at: '2027-01-01T09:00' }, 'Asia/Tokyo')!,
          new Date('2026-11-22T00:00:00Z'),
        ),
      ),
    ).toEqual(['2027-01-01T00:00:00Z']);
  });

  it('tells how often a schedule fires', () => {
    expect(minimumGapMinutes(scheduleOf({ type: 'interval', every: 5, unit: 'minutes' }, 'UTC')!)).toBe(5);
    expect(minimumGapMinutes(scheduleOf({ type: 'daily', hours: [9, 10], minute: 0 }, 'UTC')!)).toBe(60);
  });

  it('what the scheduler is given: no start date once the window is open, a problem when nothing is left to fire', () => {
    const now = new Date('2026-11-22T12:00:00Z');
    const window = {
      expression: 'cron(0 6 * * ? *)',
      timezone: 'UTC',
      start: new Date('2026-11-01T00:00:00Z'),
      end: new Date('2027-01-01T00:00:00Z'),
    };
    expect(schedulerWindow(window, now)).toEqual({ end: new Date('2027-01-01T00:00:00Z') });
    expect(schedulerWindow({ ...window, start: new Date('2026-12-01T00:00:00Z') }, now)).toEqual({
      start: new Date('2026-12-01T00:00:00Z'),
      end: new Date('2027-01-01T00:00:00Z'),
    });
    expect(scheduleProblem(window, now)).toBeUndefined();
    expect(scheduleProblem({ ...window, end: new Date('2026-11-20T00:00:00Z') }, now)).toMatch(/no launch after now/);
    expect(scheduleProblem({ expression: 'at(2026-01-01T09:00:00)', timezone: 'UTC' }, now)).toMatch(
      /no launch after now/,
    );
    expect(isOneOff({ expression: 'at(2027-01-01T09:00:00)', timezone: 'UTC' })).toBe(true);
    expect(isOneOff(window)).toBe(false);
  });
});
