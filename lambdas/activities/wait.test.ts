/** Wait: a duration or an until date-time; the population passes through. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitSchema } from './wait.js';
import { openActivityHarness, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
beforeAll(async () => {
  h = await openActivityHarness();
});
afterAll(() => h.close());

const wait = (extra: Record<string, unknown>) => ({ id: 'w', type: 'wait', ...extra });

describe('wait', () => {
  it('a duration in seconds, forwarding the inbound population', async () => {
    const p = await h.population([1, 3]);
    const r = h.plan(wait({ duration: { value: 90, unit: 'minutes' } }), { inputs: [p] });
    expect(r.errors).toEqual([]);
    expect(r.plan).toEqual({
      action: { type: 'wait', seconds: 5400, from: { main: 0 } },
      outputs: { main: { dimension: 'recipients', columns: [{ name: 'id', type: 'integer' }] } },
    });
    expect(h.plan(wait({ duration: { value: 2, unit: 'days' } })).plan.action).toMatchObject({ seconds: 172800 });
  });

  it('until a date-time, normalised to UTC; without inbound, main carries no population', () => {
    const r = h.plan(wait({ until: '2026-12-24T09:00:00+01:00' }));
    expect(r.plan).toEqual({
      action: { type: 'wait', until: '2026-12-24T08:00:00Z', from: { main: 0 } },
      outputs: { main: null },
    });
  });

  it('reports both a duration and an until, or neither', () => {
    expect(h.plan(wait({ duration: { value: 1, unit: 'seconds' }, until: '2026-12-24T09:00:00Z' })).messages).toEqual([
      'until: give either a duration or an until date-time',
    ]);
    expect(h.plan(wait({})).messages).toEqual(['give either a duration or an until date-time']);
  });

  it('reports a wait longer than a year (366 days)', () => {
    expect(h.plan(wait({ duration: { value: 366, unit: 'days' } })).messages).toEqual([
      'duration: a wait cannot exceed one year (a Step Functions execution lasts at most one year)',
    ]);
    expect(h.plan(wait({ duration: { value: 365, unit: 'days' } })).errors).toEqual([]);
  });

  it('the settings reject an until without an offset and a negative duration', () => {
    const paths = (x: unknown) => waitSchema.safeParse(x).error?.issues.map((i) => i.path.join('.'));
    expect(paths(wait({ until: '2026-12-24T09:00:00' }))).toEqual(['until']);
    expect(paths(wait({ duration: { value: -1, unit: 'seconds' } }))).toEqual(['duration.value']);
  });
});
