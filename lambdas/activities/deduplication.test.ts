/** Deduplication on the tiny fixture (test/fixtures/tiny.ts); expected rows worked out by hand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Population } from '../../lambdas/sql/population.js';
import { openActivityHarness, RUN, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
let everyone: Population;
beforeAll(async () => {
  h = await openActivityHarness();
  everyone = await h.population([1, 2, 3, 4, 5, 6]);
});
afterAll(() => h.close());

const dedup = (extra: Record<string, unknown>) => ({ id: 'd', type: 'deduplication', ...extra });
const byCountry = (method: unknown) => dedup({ fields: ['country'], method, generateComplement: true });

describe('deduplication', () => {
  // Groups by country: FR {1 (score 10, balance 100.50, email ann@), 3 (score null, balance 50.25, no email)};
  // DE {2}, US {4}, GB {5}; 6 has no country, so it is nobody's duplicate.
  it.each([
    ['highest score (nulls last) keeps 1', { type: 'expression', expression: 'score', order: 'highest' }, [3]],
    ['lowest balance keeps 3', { type: 'expression', expression: 'balance', order: 'lowest' }, [1]],
    ['most non-empty of email, score keeps 1', { type: 'nonEmpty', attributes: ['email', 'score'] }, [3]],
    [
      'preferred first names Cleo, then Ann, keeps 3',
      { type: 'preferredValues', attribute: 'first_name', values: ['Cleo', 'Ann'] },
      [1],
    ],
  ])('by country, %s', async (_name, method, removed) => {
    const r = await h.run(byCountry(method), { inputs: [everyone] });
    expect(r.ids('complement')).toEqual(removed);
    expect(r.ids()).toEqual([1, 2, 3, 4, 5, 6].filter((i) => !removed.includes(i)));
  });

  it('random keeps one row per group, the same one for the same run, and empty values are not duplicates', async () => {
    // On vip: true {1, 4, 6}, false {2, 5}, empty {3}.
    const def = dedup({ fields: ['vip'], method: { type: 'random' } });
    const kept = (await h.run(def, { inputs: [everyone] })).ids() as number[];
    expect(kept).toHaveLength(3);
    expect(kept.filter((i) => [1, 4, 6].includes(i))).toHaveLength(1);
    expect(kept.filter((i) => [2, 5].includes(i))).toHaveLength(1);
    expect(kept).toContain(3);
    expect((await h.run(def, { inputs: [everyone] })).ids()).toEqual(kept);
    // The pick is seeded by the run: over a few runs, more than one VIP is kept at some point.
    const vips = new Set<number | null>();
    for (const id of ['R1', 'R2', 'R3', 'R4', 'R5', 'R6']) {
      const r = await h.run(def, { inputs: [everyone], run: { ...RUN, id } });
      for (const i of r.ids()) if (i === 1 || i === 4 || i === 6) vips.add(i);
    }
    expect(vips.size).toBeGreaterThan(1);
  });

  it('keep 2 per group: two of the VIPs, and 2, 3, 5; keep 0 keeps everything', async () => {
    const two = (await h.run(dedup({ fields: ['vip'], keep: 2 }), { inputs: [everyone] })).ids() as number[];
    expect(two.filter((i) => [1, 4, 6].includes(i))).toHaveLength(2);
    expect(two).toEqual(expect.arrayContaining([2, 3, 5]));
    expect(two).toHaveLength(5);
    const all = await h.run(dedup({ fields: ['vip'], keep: 0, generateComplement: true }), { inputs: [everyone] });
    expect(all.ids()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all.counts.complement).toBe(0);
  });

  it('several fields: on country and vip, FR splits into vip 1 and empty 3, so nothing is removed', async () => {
    const r = await h.run(dedup({ fields: ['country', 'vip'], generateComplement: true }), { inputs: [everyone] });
    expect(r.ids()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps the columns of the population, and de-duplicates data from a file on its columns', async () => {
    const named = await h.population(
      [
        { id: 1, tag: 'x' },
        { id: 3, tag: 'y' },
      ],
      { columns: [{ name: 'tag', type: 'string' }] },
    );
    const r = await h.run(byCountry({ type: 'expression', expression: 'score' }), { inputs: [named] });
    expect(r.outputs).toEqual({ main: [{ id: 1, tag: 'x' }], complement: [{ id: 3, tag: 'y' }] });
    // A file: rows are told apart by their columns; the first in column order is kept.
    const file = await h.population(
      [
        { email: 'a@x.com', rank: 2 },
        { email: 'a@x.com', rank: 1 },
        { email: 'b@x.com', rank: 3 },
      ],
      {
        dimension: null,
        columns: [
          { name: 'email', type: 'string' },
          { name: 'rank', type: 'integer' },
        ],
      },
    );
    const f = await h.run(dedup({ fields: ['email'], generateComplement: true }), { inputs: [file] });
    expect(f.outputs).toEqual({
      main: [
        { email: 'a@x.com', rank: 1 },
        { email: 'b@x.com', rank: 3 },
      ],
      complement: [{ email: 'a@x.com', rank: 2 }],
    });
  });

  it('reports unknown fields, a bad expression and preferred values of the wrong type at their paths', () => {
    const inputs = [everyone];
    expect(h.plan(dedup({ fields: ['email', 'contry'] }), { inputs }).errors).toEqual([
      expect.objectContaining({ path: 'fields[1]', message: expect.stringContaining("'country'") }),
    ]);
    expect(
      h.plan(dedup({ fields: ['email'], method: { type: 'expression', expression: 'scor + 1' } }), { inputs }).errors,
    ).toEqual([expect.objectContaining({ path: 'method.expression' })]);
    expect(
      h.plan(
        dedup({ fields: ['email'], method: { type: 'preferredValues', attribute: 'score', values: [10, 'high'] } }),
        { inputs },
      ).errors,
    ).toEqual([expect.objectContaining({ path: 'method.values[1]', message: expect.stringContaining('integer') })]);
    expect(h.plan(dedup({ fields: ['email'] })).messages).toEqual([
      'needs an inbound transition carrying a population',
    ]);
  });

  it('a value of spaces only is empty, as in conditions: never a duplicate', async () => {
    // README "Queries": an empty value is NULL, '' or spaces only. 1 and 2 are empty; 3 and 4 share 'A'.
    const rows = [
      { id: 1, code: '  ' },
      { id: 2, code: '  ' },
      { id: 3, code: 'A' },
      { id: 4, code: 'A' },
    ];
    const input = await h.population(rows, { columns: [{ name: 'code', type: 'string' }] });
    const kept = (await h.run(dedup({ fields: ['code'] }), { inputs: [input] })).ids() as number[];
    expect(kept.filter((i) => i <= 2)).toEqual([1, 2]);
    expect(kept.filter((i) => i >= 3)).toHaveLength(1);
  });
});
