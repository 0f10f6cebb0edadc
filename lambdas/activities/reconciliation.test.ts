/** Reconciliation on the tiny fixture (test/fixtures/tiny.ts); expected rows worked out by hand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Population } from '../../lambdas/sql/population.js';
import { openActivityHarness, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
// A loaded file: ann@ twice (ranks 1 and 4), eve@, and nobody@, whom the fixture does not know.
let leads: Population;
beforeAll(async () => {
  h = await openActivityHarness();
  leads = await h.population(
    [
      { email: 'ann@x.com', name: 'A', rank: 1 },
      { email: 'eve@x.com', name: 'E', rank: 2 },
      { email: 'nobody@z.com', name: 'N', rank: 3 },
      { email: 'ann@x.com', name: 'A2', rank: 4 },
    ],
    {
      dimension: null,
      columns: [
        { name: 'email', type: 'string' },
        { name: 'name', type: 'string' },
        { name: 'rank', type: 'integer' },
      ],
    },
  );
});
afterAll(() => h.close());

const rec = (extra: Record<string, unknown>) => ({ id: 'rec', type: 'reconciliation', ...extra });
const byEmail = [{ source: 'email', destination: 'email' }];

describe('reconciliation', () => {
  it("by email: both of ann@'s lines are 1, eve@ is 5; nobody@ goes to the complement", async () => {
    // Every reconciled line is kept (a Deduplication after it chooses one per recipient).
    const r = await h.run(rec({ rules: byEmail, generateComplement: true }), { inputs: [leads] });
    expect(r.outputs.main).toEqual([
      { id: 1, email: 'ann@x.com', name: 'A', rank: 1 },
      { id: 1, email: 'ann@x.com', name: 'A2', rank: 4 },
      { id: 5, email: 'eve@x.com', name: 'E', rank: 2 },
    ]);
    expect(r.outputs.complement).toEqual([{ email: 'nobody@z.com', name: 'N', rank: 3 }]);
    expect(r.plan.outputs.main!.dimension).toBe('recipients');
    expect(r.plan.outputs.complement!.dimension).toBeNull();
  });

  it('keepUnreconciled keeps nobody@ in the main output, with an empty key', async () => {
    const r = await h.run(rec({ rules: byEmail, keepUnreconciled: true }), { inputs: [leads] });
    expect(r.ids()).toEqual([1, 1, 5, null]);
    expect(r.outputs.main![3]).toEqual({ id: null, email: 'nobody@z.com', name: 'N', rank: 3 });
  });

  it('by an advanced condition over data columns and attributes: ann and fay, but only ann is FR -> 1', async () => {
    const names = await h.population([{ who: 'ann' }, { who: 'fay' }], {
      dimension: null,
      columns: [{ name: 'who', type: 'string' }],
    });
    const r = await h.run(rec({ condition: "lower(first_name) = who AND country = 'FR'" }), { inputs: [names] });
    expect(r.outputs.main).toEqual([{ id: 1, who: 'ann' }]);
  });

  it('a source line matching several rows is linked to each: score 20 is Bob (2) and Fay (6)', async () => {
    const scores = await h.population([{ s: 20 }, { s: 99 }], {
      dimension: null,
      columns: [{ name: 's', type: 'integer' }],
    });
    const r = await h.run(rec({ rules: [{ source: 's', destination: 'score' }], generateComplement: true }), {
      inputs: [scores],
    });
    expect(r.outputs.main).toEqual([
      { id: 2, s: 20 },
      { id: 6, s: 20 },
    ]);
    expect(r.outputs.complement).toEqual([{ s: 99 }]);
  });

  it('reports missing rules, unknown columns and attributes, type mismatches and a key clash at their paths', async () => {
    const inputs = [leads];
    expect(h.plan(rec({}), { inputs }).messages).toEqual([
      'rules: give rules (source column = attribute) or a condition',
    ]);
    expect(h.plan(rec({ rules: [{ source: 'mail', destination: 'emial' }] }), { inputs }).messages).toEqual([
      "rules[0].source: 'mail' is not a column of the inbound data; it has: email, name, rank",
      "rules[0].destination: 'emial' is not an attribute of recipients. Did you mean 'email'?",
    ]);
    expect(h.plan(rec({ rules: [{ source: 'rank', destination: 'email' }] }), { inputs }).messages).toEqual([
      'rules[0]: cannot match rank (integer) with email (string)',
    ]);
    expect(h.plan(rec({ rules: byEmail, condition: 'TRUE' }), { inputs }).errors.map((e) => e.path)).toEqual([
      'condition',
    ]);
    expect(h.plan(rec({ condition: 'rank + 1' }), { inputs }).errors).toEqual([
      expect.objectContaining({ path: 'condition', message: expect.stringContaining('must be true or false') }),
    ]);
    const keyed = await h.population([{ id: 1 }], { dimension: null, columns: [{ name: 'id', type: 'integer' }] });
    expect(h.plan(rec({ rules: [{ source: 'id', destination: 'id' }] }), { inputs: [keyed] }).messages).toEqual([
      "the inbound data has a column 'id', the name of the key of recipients; rename it before reconciling",
    ]);
  });
});
