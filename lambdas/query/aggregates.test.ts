/**
 * Aggregates over no rows, one rule in queries and enrichments alike (README, "Queries"): the count
 * of nothing is 0; the sum, average, min and max of nothing are empty. On the tiny fixture
 * (test/fixtures/tiny.ts), by hand:
 *
 *   recipient  purchases (amount, category)                 running purchases
 *   1          120 running, 15 books                        120
 *   2          80 electronics, 80 electronics, 240 running  240
 *   3, 4       none                                         none
 *   5          30 books                                     none
 *   6          120 running                                  120
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Population } from '../sql/population.js';
import { type ActivityHarness, openActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
let everyone: Population;
beforeAll(async () => {
  h = await openActivityHarness();
  everyone = await h.population([1, 2, 3, 4, 5, 6]);
});
afterAll(() => h.close());

const running = { attribute: 'product.category', operator: 'equal', value: 'running' };
const query = async (rule: Record<string, unknown>) =>
  (await h.run({ id: 'q', type: 'buildAudience', query: rule })).ids();

describe('aggregates over no rows: a count is 0, the others are empty', () => {
  it('in a query', async () => {
    const count = { function: 'count', collection: 'purchases' };
    expect(await query({ aggregate: count, operator: 'equal', value: 0 })).toEqual([3, 4]);
    expect(await query({ aggregate: { ...count, where: running }, operator: 'equal', value: 0 })).toEqual([3, 4, 5]);
    const sum = { function: 'sum', collection: 'purchases', attribute: 'amount' };
    // Empty is not 0: 3 and 4 are not "at least 0", and 5 has no running sum to be "at most 120".
    expect(await query({ aggregate: sum, operator: 'greaterOrEqual', value: 0 })).toEqual([1, 2, 5, 6]);
    expect(await query({ aggregate: { ...sum, where: running }, operator: 'lessOrEqual', value: 120 })).toEqual([1, 6]);
  });

  it('isEmpty / isNotEmpty on an aggregate: the sum of nothing is empty; a count never is', async () => {
    const sum = { function: 'sum', collection: 'purchases', attribute: 'amount' };
    expect(await query({ aggregate: sum, operator: 'isEmpty' })).toEqual([3, 4]);
    expect(await query({ aggregate: { ...sum, where: running }, operator: 'isEmpty' })).toEqual([3, 4, 5]);
    expect(await query({ aggregate: { ...sum, where: running }, operator: 'isNotEmpty' })).toEqual([1, 2, 6]);
    const planned = h.plan({
      id: 'q',
      type: 'buildAudience',
      query: { aggregate: { function: 'count', collection: 'purchases' }, operator: 'isEmpty' },
    });
    expect(planned.errors).toEqual([]);
    expect(planned.warnings.map((w) => w.path)).toEqual(['query.operator']);
  });

  it('in an enrichment', async () => {
    const r = await h.run(
      {
        id: 'e',
        type: 'enrichment',
        aggregates: [
          { collection: 'purchases', function: 'count', where: running, as: 'n' },
          { collection: 'purchases', function: 'sum', attribute: 'amount', where: running, as: 'total' },
          { collection: 'purchases', function: 'avg', attribute: 'amount', where: running, as: 'average' },
          { collection: 'purchases', function: 'min', attribute: 'amount', where: running, as: 'low' },
          { collection: 'purchases', function: 'max', attribute: 'amount', where: running, as: 'high' },
        ],
      },
      { inputs: [everyone] },
    );
    const none = { total: null, average: null, low: null, high: null };
    expect(r.outputs.main!.map((x) => ({ ...x, average: x.average === null ? null : Number(x.average) }))).toEqual([
      { id: 1, n: 1, total: 120, average: 120, low: 120, high: 120 },
      { id: 2, n: 1, total: 240, average: 240, low: 240, high: 240 },
      { id: 3, n: 0, ...none },
      { id: 4, n: 0, ...none },
      { id: 5, n: 0, ...none },
      { id: 6, n: 1, total: 120, average: 120, low: 120, high: 120 },
    ]);
  });
});
