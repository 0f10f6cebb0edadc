/** Combine on the tiny fixture (test/fixtures/tiny.ts); expected rows worked out by hand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Population } from '../../lambdas/sql/population.js';
import { openActivityHarness, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
// A: country in FR, DE -> 1, 2, 3.  B: vip -> 1, 4, 6.
let a: Population;
let b: Population;
beforeAll(async () => {
  h = await openActivityHarness();
  a = await h.population([1, 2, 3]);
  b = await h.population([1, 4, 6]);
});
afterAll(() => h.close());

const combine = (operation: string, extra: Record<string, unknown> = {}) => ({
  id: 'c',
  type: 'combine',
  operation,
  ...extra,
});
const ab = () => [
  { transition: 'a-c', population: a },
  { transition: 'b-c', population: b },
];

describe('combine', () => {
  it('union: 1, 2, 3, 4, 6 (1 once)', async () => {
    const r = await h.run(combine('union'), { inputs: ab() });
    expect(r.outputs.main).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }, { id: 6 }]);
  });

  it('intersection: 1; the complement holds the rows of either set not in both: 2, 3, 4, 6', async () => {
    const r = await h.run(combine('intersection', { generateComplement: true }), { inputs: ab() });
    expect(r.ids()).toEqual([1]);
    expect(r.ids('complement')).toEqual([2, 3, 4, 6]);
  });

  it('exclusion removes the others from the primary set: A - B = 2, 3 (complement 1); B - A = 4, 6', async () => {
    const r = await h.run(combine('exclusion', { primary: 'a-c', generateComplement: true }), { inputs: ab() });
    expect(r.ids()).toEqual([2, 3]);
    expect(r.ids('complement')).toEqual([1]);
    expect((await h.run(combine('exclusion', { primary: 'b-c' }), { inputs: ab() })).ids()).toEqual([4, 6]);
  });

  it('three sets: the intersection of A, B and {1, 2} is 1; their union 1, 2, 3, 4, 6', async () => {
    const c = await h.population([1, 2]);
    const inputs = [...ab(), { transition: 'x-c', population: c }];
    expect((await h.run(combine('intersection'), { inputs })).ids()).toEqual([1]);
    expect((await h.run(combine('union'), { inputs })).ids()).toEqual([1, 2, 3, 4, 6]);
  });

  it('a union keeps the columns all sets have, and the primary set wins for a key in both', async () => {
    const name = [{ name: 'first_name', type: 'string' as const }];
    const p = await h.population(
      [
        { id: 1, first_name: 'from a' },
        { id: 2, first_name: 'only a' },
      ],
      { columns: name },
    );
    const q = await h.population(
      [
        { id: 1, first_name: 'from b' },
        { id: 4, first_name: 'only b' },
      ],
      { columns: name },
    );
    const inputs = [
      { transition: 'q-c', population: q },
      { transition: 'p-c', population: p },
    ];
    const r = await h.run(combine('union', { primary: 'p-c' }), { inputs });
    expect(r.outputs.main).toEqual([
      { id: 1, first_name: 'from a' },
      { id: 2, first_name: 'only a' },
      { id: 4, first_name: 'only b' },
    ]);
    // With a set lacking the column, the primary set's column stays, empty on that set's rows.
    expect(
      (await h.run(combine('union', { primary: 'p-c' }), { inputs: [...inputs, { transition: 'b-c', population: b }] }))
        .outputs.main,
    ).toEqual([
      { id: 1, first_name: 'from a' },
      { id: 2, first_name: 'only a' },
      { id: 4, first_name: 'only b' },
      { id: 6, first_name: null },
    ]);
  });

  it("a union keeps the primary set's rows and columns; columns another set lacks are empty on its rows", async () => {
    // Primary P: (1, score 10, tag x), (2, 20, y). Q: (2, tag 'q2', extra 'drop me'), (5, 'q5', ...). R: keys 6, 1.
    const p = await h.population(
      [
        { id: 1, score: 10, tag: 'x' },
        { id: 2, score: 20, tag: 'y' },
      ],
      {
        columns: [
          { name: 'score', type: 'integer' },
          { name: 'tag', type: 'string' },
        ],
      },
    );
    const q = await h.population(
      [
        { id: 2, tag: 'q2', extra: 'drop me' },
        { id: 5, tag: 'q5', extra: 'drop me' },
      ],
      {
        columns: [
          { name: 'tag', type: 'string' },
          { name: 'extra', type: 'string' },
        ],
      },
    );
    const r6 = await h.population([6, 1]);
    const inputs = [
      { transition: 'q-c', population: q },
      { transition: 'p-c', population: p },
      { transition: 'r-c', population: r6 },
    ];
    const r = await h.run(combine('union', { primary: 'p-c' }), { inputs });
    expect(r.plan.outputs.main?.columns.map((c) => c.name)).toEqual(['id', 'score', 'tag']);
    expect(r.outputs.main).toEqual([
      { id: 1, score: 10, tag: 'x' },
      { id: 2, score: 20, tag: 'y' },
      { id: 5, score: null, tag: 'q5' },
      { id: 6, score: null, tag: null },
    ]);
    // The same on an attribute (country): one row per country, the primary's first; 5 (GB) and 6 (no country) added.
    const on = await h.run(combine('union', { primary: 'p-c', on: ['country'] }), { inputs });
    expect(on.ids()).toEqual([1, 2, 5, 6]);
    // A column of the same name and another type cannot be carried.
    const clash = await h.population([{ id: 3, score: 'high' }], { columns: [{ name: 'score', type: 'string' }] });
    expect(
      h.plan(combine('union', { primary: 'p-c' }), { inputs: [...inputs, { transition: 's-c', population: clash }] })
        .messages,
    ).toEqual(["column 'score' has type integer in 'p-c' and string in 's-c'; rename one of them"]);
  });

  it('exclusion on an attribute: people with an email (1, 2, 5, 6) minus the countries of 3 (FR) -> 2, 5, 6', async () => {
    // 6 has no country: an empty value matches nothing, so 6 stays.
    const withEmail = await h.population([1, 2, 5, 6]);
    const cleo = await h.population([3]);
    const r = await h.run(combine('exclusion', { primary: 'e-c', on: ['country'] }), {
      inputs: [
        { transition: 'e-c', population: withEmail },
        { transition: 'x-c', population: cleo },
      ],
    });
    expect(r.ids()).toEqual([2, 5, 6]);
  });

  it('reports an exclusion without primary, a union complement, an unknown primary and mixed dimensions', async () => {
    expect(h.plan(combine('exclusion'), { inputs: ab() }).messages).toEqual([
      'primary: an exclusion needs its primary set: the inbound transition the others are removed from',
    ]);
    expect(h.plan(combine('union', { generateComplement: true }), { inputs: ab() }).messages).toEqual([
      'generateComplement: a union has no complement',
    ]);
    expect(h.plan(combine('intersection', { primary: 'z-c' }), { inputs: ab() }).messages).toEqual([
      "primary: 'z-c' is not an inbound transition of this activity; inbound: a-c, b-c",
    ]);
    const purchases = await h.population([100], { dimension: 'purchases' });
    const mixed = h.plan(combine('union'), { inputs: [a, purchases] });
    expect(mixed.messages).toEqual([expect.stringContaining('inbound populations have different dimensions')]);
    expect(mixed.plan.action.type).toBe('invalid');
    expect(
      h.plan(combine('exclusion', { primary: 'a-c', on: ['contry'] }), { inputs: ab() }).errors.map((e) => e.path),
    ).toEqual(['on[0]', 'on[0]']);
  });
});
