/** And-join: waits for every inbound branch and carries the primary one on. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Population } from '../../lambdas/sql/population.js';
import { andJoin } from './and-join.js';
import { openActivityHarness, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
let x: Population;
let y: Population;
beforeAll(async () => {
  h = await openActivityHarness();
  x = await h.population([1, 3, 5]);
  y = await h.population(
    [
      { id: 1, email: 'ann@x.com' },
      { id: 3, email: null },
    ],
    { columns: [{ name: 'email', type: 'string' }] },
  );
});
afterAll(() => h.close());

const inputs = () => [
  { transition: 'x-j', population: x },
  { transition: 'y-j', population: y },
];

describe('andJoin', () => {
  it('carries the first inbound population by default', () => {
    const r = h.plan({ id: 'j', type: 'andJoin' }, { inputs: inputs() });
    expect(r.plan).toEqual({
      action: { type: 'atOnce', from: { main: 0 } },
      outputs: { main: { dimension: 'recipients', columns: [{ name: 'id', type: 'integer' }] } },
    });
  });

  it('carries the primary transition, with its schema', () => {
    const r = h.plan({ id: 'j', type: 'andJoin', primary: 'y-j' }, { inputs: inputs() });
    expect(r.plan.action).toEqual({ type: 'atOnce', from: { main: 1 } });
    expect(r.plan.outputs.main!.columns.map((c) => c.name)).toEqual(['id', 'email']);
  });

  it('requires its primary transition to have run (the first inbound one by default)', () => {
    expect(andJoin.requires!({ id: 'j', type: 'andJoin', primary: 'y-j' }, ['x-j', 'y-j'])).toEqual(['y-j']);
    expect(andJoin.requires!({ id: 'j', type: 'andJoin' }, ['x-j', 'y-j'])).toEqual(['x-j']);
  });

  it('reports a primary that is not an inbound transition', () => {
    const r = h.plan({ id: 'j', type: 'andJoin', primary: 'z-j' }, { inputs: inputs() });
    expect(r.messages).toEqual(["primary: 'z-j' is not an inbound transition of this activity; inbound: x-j, y-j"]);
    expect(r.plan.action.type).toBe('invalid');
  });
});
