/** Incremental query on the tiny fixture (test/fixtures/tiny.ts); expected rows worked out by hand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openActivityHarness, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
beforeAll(async () => {
  h = await openActivityHarness();
});
afterAll(() => h.close());

const incr = (extra: Record<string, unknown> = {}) => ({ id: 'i', type: 'incrementalQuery', ...extra });
const frDe = { attribute: 'country', operator: 'in', value: ['FR', 'DE'] };

describe('incrementalQuery', () => {
  it('new keys: the first run outputs every match (1, 2, 3) and saves them to its history', async () => {
    const r = await h.run(incr({ query: frDe }), { state: { history: [] } });
    expect(r.ids()).toEqual([1, 2, 3]);
    expect(r.plan.action).toMatchObject({ type: 'query', location: 'state/test/i/RUN', saves: { history: true } });
    expect(r.settled).toEqual({});
  });

  it('new keys: the next run outputs nothing (the branch stops); a wider query only what is new (GB: 5)', async () => {
    const first = await h.run(incr({ query: frDe }), { state: { history: [] }, run: { id: 'R1', testMode: false } });
    const history = [first.population()];
    const second = await h.run(incr({ query: frDe }), { state: { history }, run: { id: 'R2', testMode: false } });
    expect(second.counts).toEqual({ main: 0 });
    expect(second.settled).toEqual({ inactive: ['main'] });
    const wider = { attribute: 'country', operator: 'in', value: ['FR', 'DE', 'GB'] };
    expect((await h.run(incr({ query: wider }), { state: { history } })).ids()).toEqual([5]);
  });

  it('new keys: the history of several runs is excluded together', async () => {
    const history = [await h.population([1]), await h.population([2, 4]), await h.population([])];
    expect((await h.run(incr(), { state: { history } })).ids()).toEqual([3, 5, 6]);
  });

  it('newer than the last run: recipients created after 2026-11-15 (1 on 11-20, 4 on 11-22)', async () => {
    const mode = { type: 'newerThanLastRun', field: 'created_at' };
    const r = await h.run(incr({ mode }), { state: { lastRunAt: '2026-11-15 00:00:00' } });
    expect(r.ids()).toEqual([1, 4]);
    expect(r.plan.action).toMatchObject({ location: 'work/test/RUN/i', saves: { watermark: true } });
    // The first run has no watermark: every row.
    expect((await h.run(incr({ mode }))).ids()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a test run reads the history but saves nothing: no memory, no watermark, its rows in its own work folder', async () => {
    const test = { id: 'T1', testMode: true };
    const history = [await h.population([1])];
    const keys = await h.run(incr({ query: frDe }), { state: { history }, run: test });
    expect(keys.ids()).toEqual([2, 3]);
    expect(keys.plan.action).toMatchObject({ type: 'query', location: 'work/test/T1/i' });
    expect(keys.plan.action).not.toHaveProperty('saves');
    const mode = { type: 'newerThanLastRun', field: 'created_at' };
    const newer = await h.run(incr({ mode }), { state: { lastRunAt: '2026-11-15 00:00:00' }, run: test });
    expect(newer.ids()).toEqual([1, 4]);
    expect(newer.plan.action).not.toHaveProperty('saves');
  });

  it('when validating, the history is a placeholder of the activity state folder', () => {
    const p = h.plan(incr());
    expect(p.errors).toEqual([]);
    expect(p.plan.action).toMatchObject({ sql: expect.stringContaining('state/test/i/RUN') });
  });

  it('reports a field that is not a date, an unknown field and an unknown attribute at their paths', () => {
    expect(h.plan(incr({ mode: { type: 'newerThanLastRun', field: 'score' } })).messages).toEqual([
      "mode.field: 'score' is a integer; a date or timestamp is needed",
    ]);
    expect(h.plan(incr({ mode: { type: 'newerThanLastRun', field: 'created' } })).errors.map((e) => e.path)).toEqual([
      'mode.field',
    ]);
    expect(
      h.plan(incr({ query: { attribute: 'contry', operator: 'equal', value: 'FR' } })).errors.map((e) => e.path),
    ).toEqual(['query.attribute']);
  });
});
