/** Test: branches on the inbound row count or on a campaign variable. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Population } from '../../lambdas/sql/population.js';
import { openActivityHarness, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
let fr: Population;
beforeAll(async () => {
  h = await openActivityHarness();
  fr = await h.population([1, 3]);
});
afterAll(() => h.close());

const test = (branches: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 't',
  type: 'test',
  branches,
  ...extra,
});
const variables = { mode: { type: 'string' as const, default: 'normal' }, limit: { type: 'integer' as const } };

describe('test', () => {
  it('a branch on the row count and one on a variable, in order, then default; each output carries the population', async () => {
    const def = test([
      { id: 'big', when: { population: 'greaterOrEqual', value: 3 } },
      { id: 'special', when: { variable: 'mode', operator: 'equal', value: 'special' } },
    ]);
    const options = { inputs: [fr], campaign: { variables } };
    const schema = { dimension: 'recipients', columns: [{ name: 'id', type: 'integer' }] };
    expect(h.plan(def, options).plan.outputs).toEqual({ big: schema, special: schema, default: schema });
    // fr has 2 rows: not big; mode is special: the second branch.
    const special = await h.act(def, { ...options, variables: { mode: 'special' } });
    expect(special.forward).toEqual({ special: 0 });
    expect(special.note).toBe("took branch 'special'");
    // Neither holds: the default branch.
    expect((await h.act(def, { ...options, variables: { mode: 'normal' } })).forward).toEqual({ default: 0 });
    // Both hold (3 rows, special): the first one listed wins.
    const three = await h.population([1, 2, 3]);
    const first = await h.act(def, { ...options, inputs: [three], variables: { mode: 'special' } });
    expect(first.forward).toEqual({ big: 0 });
  });

  it('default: false leaves no default output (the path stops when no branch holds); isEmpty takes no value', async () => {
    const def = test([{ id: 'none', when: { population: 'isEmpty' } }], { default: false });
    const r = h.plan(def, { inputs: [fr] });
    expect(r.errors).toEqual([]);
    expect(Object.keys(r.plan.outputs)).toEqual(['none']);
    const stops = await h.act(def, { inputs: [fr] });
    expect(stops.forward).toEqual({});
    expect(stops.note).toBe('no branch matched: the path stops here');
    const unset = test([{ id: 'unset', when: { variable: 'limit', operator: 'isEmpty' } }], { default: false });
    expect((await h.act(unset, { campaign: { variables }, variables: {} })).forward).toEqual({ unset: 0 });
    expect((await h.act(unset, { campaign: { variables }, variables: { limit: 5 } })).forward).toEqual({});
  });

  it('reports reserved and duplicate branch ids, and a comparison without a value', () => {
    const when = { population: 'greater', value: 1 };
    expect(
      h.plan(
        test([
          { id: 'default', when },
          { id: 'a', when },
          { id: 'a', when: { population: 'less' } },
        ]),
        {
          inputs: [fr],
        },
      ).messages,
    ).toEqual([
      "branches[0].id: 'default' is reserved for the default branch",
      "branches[2].id: duplicate branch id 'a'",
      'branches[2].when.value: this comparison needs a value',
    ]);
  });

  it('reports a population test without an inbound population', () => {
    const when = { population: 'greater', value: 1 };
    expect(h.plan(test([{ id: 'a', when }])).messages).toEqual([
      'branches[0].when: a test on the population needs an inbound transition',
    ]);
    expect(h.plan(test([{ id: 'a', when }]), { inputs: [null] }).messages).toEqual([
      "branches[0].when: transition 'in0' carries no population to count",
    ]);
  });

  it('reports an unknown variable (with a suggestion) and a value of the wrong type for the variable', () => {
    const campaign = { variables };
    expect(
      h.plan(test([{ id: 'a', when: { variable: 'mod', operator: 'equal', value: 'x' } }]), { campaign }).messages,
    ).toEqual([
      "branches[0].when.variable: unknown variable 'mod'; declare it under 'variables'. Did you mean 'mode'?",
    ]);
    expect(
      h.plan(test([{ id: 'a', when: { variable: 'limit', operator: 'greater', value: 'ten' } }]), { campaign }).errors,
    ).toEqual([
      expect.objectContaining({
        path: 'branches[0].when.value',
        message: expect.stringContaining("variable 'limit' is a integer"),
      }),
    ]);
  });
});
