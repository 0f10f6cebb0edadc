/** Enrichment on the tiny fixture (test/fixtures/tiny.ts); expected rows worked out by hand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Population } from '../../lambdas/sql/population.js';
import { openActivityHarness, type ActivityHarness, type Row } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
// Recipients with an email (1, 2, 5, 6) and Dan (4), who bought nothing.
let people: Population;
beforeAll(async () => {
  h = await openActivityHarness();
  people = await h.population([1, 2, 4, 5, 6]);
});
afterAll(() => h.close());

const enrich = (extra: Record<string, unknown>) => ({ id: 'x', type: 'enrichment', ...extra });
const pick = (rows: Row[], ...cols: string[]) => rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c]])));

describe('enrichment', () => {
  it('attributes (renamed with as) and expressions', async () => {
    const r = await h.run(
      enrich({
        attributes: ['first_name', { attribute: 'email', as: 'mail' }],
        expressions: [{ expression: 'coalesce(score, 0) * 2', as: 'double_score' }],
      }),
      { inputs: [people] },
    );
    expect(r.outputs.main).toEqual([
      { id: 1, first_name: 'Ann', mail: 'ann@x.com', double_score: 20 },
      { id: 2, first_name: 'Bob', mail: 'bob@y.org', double_score: 40 },
      { id: 4, first_name: 'Dan', mail: '', double_score: 10 },
      { id: 5, first_name: "O'Neil", mail: 'eve@x.com', double_score: 60 },
      { id: 6, first_name: 'Fay', mail: 'fay_100%@z.net', double_score: 40 },
    ]);
    expect(r.plan.outputs.main!.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:integer',
      'first_name:string',
      'mail:string',
      'double_score:integer',
    ]);
  });

  it('aggregates of a collection, one filtered; no purchase (or none that matches) gives 0 for a count, empty for the others', async () => {
    // 1: 100 (120, running), 101 (15).  2: 102 (80), 103 (80), 104 (240, running).  5: 105 (30).  6: 106 (120, running).
    const r = await h.run(
      enrich({
        aggregates: [
          { collection: 'purchases', function: 'count', as: 'n' },
          {
            collection: 'purchases',
            function: 'sum',
            attribute: 'amount',
            where: { attribute: 'product.category', operator: 'equal', value: 'running' },
            as: 'running',
          },
          { collection: 'purchases', function: 'max', attribute: 'purchased_at', as: 'last' },
          { collection: 'purchases', function: 'avg', attribute: 'amount', as: 'average' },
        ],
      }),
      { inputs: [people] },
    );
    expect(
      r.outputs.main!.map((x) => ({ ...x, average: x.average === null ? null : Math.round(Number(x.average) * 100) })),
    ).toEqual([
      { id: 1, n: 2, running: 120, last: '2026-11-10 10:00:00', average: 6750 },
      { id: 2, n: 3, running: 240, last: '2026-11-21 18:00:00', average: 13333 },
      { id: 4, n: 0, running: null, last: null, average: null },
      { id: 5, n: 1, running: null, last: '2023-12-01 10:00:00', average: 3000 },
      { id: 6, n: 1, running: 120, last: '2026-11-22 09:00:00', average: 12000 },
    ]);
  });

  it('the first N lines of a collection, sorted: the two latest purchases with their category', async () => {
    const r = await h.run(
      enrich({
        lines: [
          {
            collection: 'purchases',
            count: 2,
            attributes: ['amount', { attribute: 'product.category', as: 'category' }],
            sort: { expression: 'purchased_at', order: 'highest' },
            as: 'recent',
          },
          // One attribute: the columns follow the same documented pattern, <as>_<n>_<attribute>. The cheapest first.
          {
            collection: 'purchases',
            count: 1,
            attributes: ['amount'],
            sort: { expression: 'amount', order: 'lowest' },
            as: 'cheapest',
          },
        ],
      }),
      { inputs: [people] },
    );
    expect(r.outputs.main).toEqual([
      {
        id: 1,
        recent_1_amount: 120,
        recent_1_category: 'running',
        recent_2_amount: 15,
        recent_2_category: 'books',
        cheapest_1_amount: 15,
      },
      {
        id: 2,
        recent_1_amount: 80,
        recent_1_category: 'electronics',
        recent_2_amount: 240,
        recent_2_category: 'running',
        cheapest_1_amount: 80,
      },
      {
        id: 4,
        recent_1_amount: null,
        recent_1_category: null,
        recent_2_amount: null,
        recent_2_category: null,
        cheapest_1_amount: null,
      },
      {
        id: 5,
        recent_1_amount: 30,
        recent_1_category: 'books',
        recent_2_amount: null,
        recent_2_category: null,
        cheapest_1_amount: 30,
      },
      {
        id: 6,
        recent_1_amount: 120,
        recent_1_category: 'running',
        recent_2_amount: null,
        recent_2_category: null,
        cheapest_1_amount: 120,
      },
    ]);
  });

  it('attributes through N-1 links, on purchases 100 and 101 (both Ann): product_category, recipient_email', async () => {
    const ann = await h.population([100, 101], { dimension: 'purchases' });
    const r = await h.run(enrich({ attributes: ['product.category', 'recipient.email'] }), { inputs: [ann] });
    expect(r.outputs.main).toEqual([
      { id: 100, product_category: 'running', recipient_email: 'ann@x.com' },
      { id: 101, product_category: 'books', recipient_email: 'ann@x.com' },
    ]);
  });

  it('data from a second inbound transition, joined on a key pair, one row per key (never multiplied)', async () => {
    // Big purchases (amount > 100) with their buyer: 100 (r1, 120), 104 (r2, 240), 106 (r6, 120).
    const columns = [
      { name: 'recipient_id', type: 'integer' as const },
      { name: 'amount', type: 'decimal' as const },
    ];
    const big = await h.population(
      [
        { id: 100, recipient_id: 1, amount: 120 },
        { id: 104, recipient_id: 2, amount: 240 },
        { id: 106, recipient_id: 6, amount: 120 },
      ],
      { dimension: 'purchases', columns },
    );
    const def = enrich({
      joins: [
        {
          transition: 'buyer-x',
          on: [{ left: 'id', right: 'recipient_id' }],
          columns: [{ column: 'amount', as: 'big_amount' }],
        },
      ],
    });
    const inputs = (p: Population) => [
      { transition: 'people-x', population: people },
      { transition: 'buyer-x', population: p },
    ];
    const r = await h.run(def, { inputs: inputs(big) });
    expect(pick(r.outputs.main!, 'id', 'big_amount')).toEqual([
      { id: 1, big_amount: 120 },
      { id: 2, big_amount: 240 },
      { id: 4, big_amount: null },
      { id: 5, big_amount: null },
      { id: 6, big_amount: 120 },
    ]);
    // Two rows for recipient 2 on the other side: still one row for 2, with one of the amounts.
    const twice = await h.population(
      [
        { id: 103, recipient_id: 2, amount: 80 },
        { id: 104, recipient_id: 2, amount: 240 },
      ],
      { dimension: 'purchases', columns },
    );
    const t = await h.run(def, { inputs: inputs(twice) });
    expect(t.ids()).toEqual([1, 2, 4, 5, 6]);
    expect([80, 240]).toContain(t.outputs.main![1]!.big_amount);
  });

  it('reports unknown attributes, name clashes, bad aggregates and bad joins at their paths', () => {
    const inputs = [people];
    const paths = (def: Record<string, unknown>, opts = { inputs }) => h.plan(def, opts).errors.map((e) => e.path);
    expect(h.plan(enrich({ attributes: ['frist_name'] }), { inputs }).errors).toEqual([
      expect.objectContaining({ path: 'attributes[0]', message: expect.stringContaining("'first_name'") }),
    ]);
    expect(h.plan(enrich({ attributes: ['id'] }), { inputs }).messages).toEqual([
      "attributes[0]: column 'id' already exists in the population; choose another name with 'as'",
    ]);
    expect(paths(enrich({ expressions: [{ expression: 'score', as: 'orca_score' }] }))).toEqual(['expressions[0].as']);
    expect(
      paths(enrich({ aggregates: [{ collection: 'purchases', function: 'sum', attribute: 'purchased_at', as: 's' }] })),
    ).toEqual(['aggregates[0].attribute']);
    expect(paths(enrich({ aggregates: [{ collection: 'purchase', function: 'count', as: 'n' }] }))).toEqual([
      'aggregates[0].collection',
    ]);
    expect(
      paths(enrich({ joins: [{ transition: 'nope', on: [{ left: 'id', right: 'id' }], columns: ['id'] }] })),
    ).toEqual(['joins[0].transition']);
    const two = { inputs: [people, people] };
    expect(h.plan(enrich({ attributes: ['email'] }), two).messages).toEqual([
      "primary: several inbound transitions could be the population to enrich; name it with 'primary'",
    ]);
    expect(
      paths(
        enrich({
          primary: 'in0',
          joins: [{ transition: 'in1', on: [{ left: 'id', right: 'key' }], columns: ['email'] }],
        }),
        two,
      ),
    ).toEqual(['joins[0].on[0].right', 'joins[0].columns[0]']);
  });
});
