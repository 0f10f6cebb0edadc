/** Split on the tiny fixture (test/fixtures/tiny.ts); expected rows worked out by hand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Population } from '../../lambdas/sql/population.js';
import { openActivityHarness, type ActivityHarness } from '../../test/helpers/activity-harness.js';
import { DuckDbEngine } from '../adapters/duckdb-engine.js';
import { split as splitModule, splitSchema } from './split.js';

let h: ActivityHarness;
let everyone: Population;
beforeAll(async () => {
  h = await openActivityHarness();
  everyone = await h.population([1, 2, 3, 4, 5, 6]);
});
afterAll(() => h.close());

const split = (subsets: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 's',
  type: 'split',
  subsets,
  ...extra,
});
const fr = { id: 'fr', filter: { attribute: 'country', operator: 'equal', value: 'FR' } };
const vips = { id: 'vips', filter: { attribute: 'vip', operator: 'equal', value: true } };

describe('split', () => {
  it('ordered subsets: FR (1, 3), then the top VIP by score among the others (6, not 4), then the rest (2, 4, 5)', async () => {
    // VIPs left after FR took 1: 4 (score 5) and 6 (score 20); the limit of 1 takes 6, 4 goes on to the rest.
    const r = await h.run(
      split([fr, { ...vips, limit: { count: 1 }, sort: [{ expression: 'score', order: 'highest' }] }, { id: 'rest' }], {
        generateComplement: true,
      }),
      { inputs: [everyone] },
    );
    expect(r.ids('fr')).toEqual([1, 3]);
    expect(r.ids('vips')).toEqual([6]);
    expect(r.ids('rest')).toEqual([2, 4, 5]);
    expect(r.counts.complement).toBe(0);
  });

  it('rows no subset takes go to the complement, or nowhere without one', async () => {
    const r = await h.run(split([fr], { generateComplement: true }), { inputs: [everyone] });
    expect(r.ids('fr')).toEqual([1, 3]);
    expect(r.ids('complement')).toEqual([2, 4, 5, 6]);
    const without = await h.run(split([fr]), { inputs: [everyone] });
    expect(without.counts).toEqual({ fr: 2 });
  });

  it('a percentage with a sort: the 50% with the lowest balance (2, 6, 3); 4 has none, so it sorts last', async () => {
    // Balances: 2: 0.00, 6: 10.00, 3: 50.25, 1: 100.50, 5: 999.99, 4: NULL; 50% of 6 rows is 3.
    const r = await h.run(
      split([{ id: 'low', limit: { percent: 50 }, sort: [{ expression: 'balance', order: 'lowest' }] }], {
        generateComplement: true,
      }),
      { inputs: [everyone] },
    );
    expect(r.ids('low')).toEqual([2, 3, 6]);
    expect(r.ids('complement')).toEqual([1, 4, 5]);
  });

  it('a limit without a sort is a random pick seeded by the run: 2 of the 6, the same two each time', async () => {
    const def = split([{ id: 'two', limit: { count: 2 } }], { generateComplement: true });
    const r = await h.run(def, { inputs: [everyone] });
    expect(r.counts).toEqual({ two: 2, complement: 4 });
    expect([...r.ids('two'), ...r.ids('complement')].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await h.run(def, { inputs: [everyone] })).ids('two')).toEqual(r.ids('two'));
  });

  it('overlap: VIPs (1, 4, 6) and FR (1, 3) both get 1; the complement is 2, 5', async () => {
    const r = await h.run(split([vips, fr], { overlap: true, generateComplement: true }), { inputs: [everyone] });
    expect(r.ids('vips')).toEqual([1, 4, 6]);
    expect(r.ids('fr')).toEqual([1, 3]);
    expect(r.ids('complement')).toEqual([2, 5]);
  });

  it('one output with a segment column: fr for 1 and 3, other for the rest', async () => {
    const r = await h.run(split([fr, { id: 'other' }], { segmentColumn: 'segment' }), { inputs: [everyone] });
    expect(r.outputs.main).toEqual(
      [1, 2, 3, 4, 5, 6].map((id) => ({ id, segment: id === 1 || id === 3 ? 'fr' : 'other' })),
    );
    expect(r.plan.outputs.main!.columns).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'segment', type: 'string' },
    ]);
  });

  it('skip if empty: an empty subset does not continue; the others do', async () => {
    const r = await h.run(
      split([
        { id: 'none', filter: { attribute: 'country', operator: 'equal', value: 'XX' }, skipIfEmpty: true },
        { id: 'all' },
      ]),
      { inputs: [everyone] },
    );
    expect(r.counts).toEqual({ none: 0, all: 6 });
    expect(r.settled).toEqual({ inactive: ['none'] });
  });

  it('reports reserved and duplicate ids, an unknown attribute, a column clash, and warns of a sort without limit', () => {
    const inputs = [everyone];
    expect(h.plan(split([{ id: 'complement' }, { id: 'a' }, { id: 'a' }]), { inputs }).messages).toEqual([
      "subsets[0].id: 'complement' is reserved; choose another subset id",
      "subsets[2].id: duplicate subset id 'a'",
    ]);
    expect(
      h.plan(split([{ id: 'a', filter: { attribute: 'contry', operator: 'equal', value: 'FR' } }]), { inputs }).errors,
    ).toEqual([expect.objectContaining({ path: 'subsets[0].filter.attribute' })]);
    expect(h.plan(split([{ id: 'a' }], { segmentColumn: 'id' }), { inputs }).errors.map((e) => e.path)).toEqual([
      'segmentColumn',
    ]);
    const sorted = h.plan(split([{ id: 'a', sort: [{ expression: 'score' }] }]), { inputs });
    expect(sorted.errors).toEqual([]);
    expect(sorted.warnings).toEqual([expect.objectContaining({ path: 'subsets[0].sort' })]);
  });
});

describe('subset names are plain data', () => {
  it("subsets named 'toString' and 'constructor' hold rows and row counts like any other", async () => {
    // FR: 1, 3; VIPs among the others: 4, 6; the rest: 2, 5.
    const def = split(
      [
        { id: 'toString', filter: fr.filter },
        { id: 'constructor', filter: vips.filter },
      ],
      { generateComplement: true },
    );
    const r = await h.run(def, { inputs: [everyone] });
    expect(r.ids('toString')).toEqual([1, 3]);
    expect(r.ids('constructor')).toEqual([4, 6]);
    // The engine counts the rows it wrote per output: numbers, never a function's text.
    const engine = await DuckDbEngine.open(h.db.dir, { threads: 1 });
    try {
      const target = { location: 'work/proto/RUN/s', table: 't' };
      await engine.prepareTarget(target);
      const done = await engine.execute(engine.materialize(r.sql, target));
      expect(done.rows).toEqual({ toString: 2, constructor: 2, complement: 2 });
    } finally {
      engine.close();
    }
  });

  it("'skip if empty' on a subset named 'constructor' with no rows counted", () => {
    const a = splitSchema.parse(
      split([
        { id: 'constructor', skipIfEmpty: true },
        { id: 'toString', skipIfEmpty: true },
      ]),
    );
    expect(splitModule.settle?.(a, {})).toEqual({ inactive: ['constructor', 'toString'] });
  });
});
