/** Change dimension on the tiny fixture (test/fixtures/tiny.ts); expected rows worked out by hand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openActivityHarness, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
beforeAll(async () => {
  h = await openActivityHarness();
});
afterAll(() => h.close());

const change = (dimension: string, link: string, extra: Record<string, unknown> = {}) => ({
  id: 'c',
  type: 'changeDimension',
  dimension,
  link,
  ...extra,
});

describe('changeDimension', () => {
  it('purchases of running shoes (100, 104, 106) -> their buyers (1, 2, 6), each once', async () => {
    const running = await h.population([100, 104, 106], { dimension: 'purchases' });
    const r = await h.run(change('recipients', 'recipient'), { inputs: [running] });
    expect(r.ids()).toEqual([1, 2, 6]);
    expect(r.plan.outputs).toEqual({ main: { dimension: 'recipients', columns: [{ name: 'id', type: 'integer' }] } });
  });

  it('de-duplicates on the new key: purchases 102, 103, 104 all belong to 2', async () => {
    const r = await h.run(change('recipients', 'recipient'), {
      inputs: [await h.population([102, 103, 104], { dimension: 'purchases' })],
    });
    expect(r.outputs.main).toEqual([{ id: 2 }]);
  });

  it('recipients 3, 4, 5 -> their purchases (105); the complement keeps 3 and 4, who bought nothing', async () => {
    const people = await h.population([3, 4, 5]);
    const r = await h.run(change('purchases', 'purchases', { generateComplement: true }), { inputs: [people] });
    expect(r.ids()).toEqual([105]);
    expect(r.ids('complement')).toEqual([3, 4]);
    expect(r.plan.outputs.complement).toMatchObject({ dimension: 'recipients', columns: [{ name: 'id' }] });
  });

  it('the complement keeps the inbound columns; the main output only the new key', async () => {
    // 1 bought 100 and 101; 3 bought nothing.
    const people = await h.population(
      [
        { id: 1, first_name: 'Ann' },
        { id: 3, first_name: 'Cleo' },
      ],
      { columns: [{ name: 'first_name', type: 'string' }] },
    );
    const r = await h.run(change('purchases', 'purchases', { generateComplement: true }), { inputs: [people] });
    expect(r.outputs.main).toEqual([{ id: 100 }, { id: 101 }]);
    expect(r.outputs.complement).toEqual([{ id: 3, first_name: 'Cleo' }]);
  });

  it('follows a path of links: recipient 1 -> purchases 100, 101 -> products 10, 11', async () => {
    const r = await h.run(change('products', 'purchases.product'), { inputs: [await h.population([1])] });
    expect(r.ids()).toEqual([10, 11]);
    expect(r.plan.outputs.main!.dimension).toBe('products');
  });

  it('an empty inbound population gives empty outputs', async () => {
    const r = await h.run(change('purchases', 'purchases', { generateComplement: true }), {
      inputs: [await h.population([])],
    });
    expect(r.counts).toEqual({ main: 0, complement: 0 });
  });

  it('reports an unknown table, an unknown link, a path to another table and data without a dimension', async () => {
    const people = await h.population([1]);
    expect(h.plan(change('product', 'purchases.product'), { inputs: [people] }).messages).toEqual([
      "dimension: unknown table 'product'. Did you mean 'products'?",
    ]);
    expect(h.plan(change('purchases', 'purchase'), { inputs: [people] }).messages).toEqual([
      "link: recipients has no link 'purchase'. Did you mean 'purchases'?",
    ]);
    expect(h.plan(change('products', 'purchases'), { inputs: [people] }).messages).toEqual([
      "link: the path 'purchases' leads to purchases, not products",
    ]);
    const file = await h.population([{ email: 'a@x.com' }], {
      dimension: null,
      columns: [{ name: 'email', type: 'string' }],
    });
    const p = h.plan(change('purchases', 'purchases'), { inputs: [file] });
    expect(p.messages).toEqual([expect.stringContaining('has no dimension')]);
    expect(p.plan.action.type).toBe('invalid');
    expect(h.plan(change('purchases', 'purchases')).messages).toEqual([
      'needs an inbound transition carrying a population',
    ]);
  });
});
