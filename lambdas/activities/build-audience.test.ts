/** Build audience on the tiny fixture (test/fixtures/tiny.ts); expected rows worked out by hand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openActivityHarness, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
beforeAll(async () => {
  h = await openActivityHarness();
});
afterAll(() => h.close());

const build = (extra: Record<string, unknown> = {}) => ({ id: 'a', type: 'buildAudience', ...extra });

describe('buildAudience', () => {
  it('without a query selects every recipient (1..6), keys only', async () => {
    const r = await h.run(build());
    expect(r.ids()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.plan.outputs).toEqual({ main: { dimension: 'recipients', columns: [{ name: 'id', type: 'integer' }] } });
  });

  it('country in FR, GB: 1 and 3 (FR), 5 (GB)', async () => {
    const r = await h.run(build({ query: { attribute: 'country', operator: 'in', value: ['FR', 'GB'] } }));
    expect(r.ids()).toEqual([1, 3, 5]);
  });

  it('notEqual FR leaves out 6, who has no country: 2, 4, 5', async () => {
    const r = await h.run(build({ query: { attribute: 'country', operator: 'notEqual', value: 'FR' } }));
    expect(r.ids()).toEqual([2, 4, 5]);
  });

  it('an and of an exists and a relative date: bought in the last 30 days (1, 2, 6) and vip (1, 4, 6) -> 1, 6', async () => {
    // Purchases on or after 2026-10-24: 100 (r1), 102 and 104 (r2), 106 (r6).
    const r = await h.run(
      build({
        query: {
          and: [
            {
              exists: 'purchases',
              where: { attribute: 'purchased_at', operator: 'within', value: { last: 30, unit: 'days' } },
            },
            { attribute: 'vip', operator: 'equal', value: true },
          ],
        },
      }),
    );
    expect(r.ids()).toEqual([1, 6]);
  });

  it('another dimension: purchases of running shoes (product 10) are 100, 104, 106', async () => {
    const r = await h.run(
      build({ dimension: 'purchases', query: { attribute: 'product.category', operator: 'equal', value: 'running' } }),
    );
    expect(r.ids()).toEqual([100, 104, 106]);
    expect(r.plan.outputs.main!.dimension).toBe('purchases');
  });

  it('an empty result stops the branch, unless emitWhenEmpty', async () => {
    const q = { attribute: 'country', operator: 'equal', value: 'XX' };
    const r = await h.run(build({ query: q }));
    expect(r.counts).toEqual({ main: 0 });
    expect(r.settled).toEqual({ inactive: ['main'] });
    expect((await h.run(build({ query: q, emitWhenEmpty: true }))).settled).toEqual({});
  });

  it('reports an unknown attribute, an unknown table and a value of the wrong type at their paths', () => {
    expect(h.plan(build({ query: { attribute: 'contry', operator: 'equal', value: 'FR' } })).errors).toEqual([
      expect.objectContaining({ activity: 'a', path: 'query.attribute', message: expect.stringContaining('country') }),
    ]);
    const table = h.plan(build({ dimension: 'people' }));
    expect(table.messages).toEqual([expect.stringMatching(/^dimension: unknown table 'people'/)]);
    expect(table.plan.action).toEqual({ type: 'invalid' });
    expect(h.plan(build({ query: { attribute: 'score', operator: 'greater', value: 'high' } })).errors).toEqual([
      expect.objectContaining({ path: 'query.value' }),
    ]);
  });
});
