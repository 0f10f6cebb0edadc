/**
 * Timestamp functions in expressions work in the campaign's time zone, as relative dates do
 * (README, "Queries"). A profile signed up at 2026-11-21 23:30 UTC, a campaign in Asia/Tokyo
 * (UTC+9, no daylight saving), a run at 2026-11-22 12:00 UTC (21:00 in Tokyo): in Tokyo the profile
 * signed up on Sunday 2026-11-22 at 08:30, day 326 of the year (304 days to the end of October, + 22);
 * in UTC it was Saturday the 21st at 23:30. "Today" in Tokyo is the 22nd, so the profile is "created
 * today" for `within today` and for `date(signed_up) = today()` alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDialect, DuckDbDialect } from '../sql/dialect.js';
import type { Population } from '../sql/population.js';
import { type ActivityHarness, openActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
let people: Population;
beforeAll(async () => {
  h = await openActivityHarness();
  people = await h.population([{ id: 1, signed_up: '2026-11-21 23:30:00' }], {
    columns: [{ name: 'signed_up', type: 'timestamp' }],
  });
});
afterAll(() => h.close());

const EXPRESSIONS = {
  d: 'day(signed_up)',
  h: 'hour(signed_up)',
  dow: 'dayOfWeek(signed_up)',
  doy: 'dayOfYear(signed_up)',
  m: 'month(signed_up)',
  y: 'year(signed_up)',
  on: 'date(signed_up)',
  as_date: 'toDate(signed_up)',
  today_by_date: 'date(signed_up) = today()',
};
const enrich = {
  id: 'e',
  type: 'enrichment',
  expressions: Object.entries(EXPRESSIONS).map(([as, expression]) => ({ expression, as })),
};

describe("timestamp functions in the campaign's time zone", () => {
  it('Asia/Tokyo: Sunday the 22nd at 8, created today', async () => {
    const r = await h.run(enrich, { inputs: [people], campaign: { timezone: 'Asia/Tokyo' } });
    expect(r.outputs.main).toEqual([
      {
        id: 1,
        signed_up: '2026-11-21 23:30:00',
        d: 22,
        h: 8,
        dow: 7,
        doy: 326,
        m: 11,
        y: 2026,
        on: '2026-11-22',
        as_date: '2026-11-22',
        today_by_date: true,
      },
    ]);
    // The same profile is "created today" for a relative date too.
    const within = await h.run(
      {
        id: 's',
        type: 'split',
        subsets: [
          { id: 'today', filter: { attribute: 'signed_up', operator: 'within', value: 'today' } },
          { id: 'same', filter: { expression: 'date(signed_up) = today()' } },
        ],
        overlap: true,
      },
      { inputs: [people], campaign: { timezone: 'Asia/Tokyo' } },
    );
    expect([within.ids('today'), within.ids('same')]).toEqual([[1], [1]]);
  });

  it('UTC: Saturday the 21st at 23, not today', async () => {
    const r = await h.run(enrich, { inputs: [people] });
    expect(r.outputs.main![0]).toMatchObject({
      d: 21,
      h: 23,
      dow: 6,
      doy: 325,
      on: '2026-11-21',
      today_by_date: false,
    });
  });

  it('both engines convert the same way (DuckDB ICU timezone(); Trino with_timezone, AT TIME ZONE)', () => {
    expect(new DuckDbDialect('/d').inTimeZone('w."t"', 'Asia/Tokyo')).toBe(
      `timezone('Asia/Tokyo', timezone('UTC', w."t"))`,
    );
    expect(new AthenaDialect({ database: 'orca' }).inTimeZone('w."t"', 'Asia/Tokyo')).toBe(
      `(with_timezone(w."t", 'UTC') AT TIME ZONE 'Asia/Tokyo')`,
    );
  });
});
