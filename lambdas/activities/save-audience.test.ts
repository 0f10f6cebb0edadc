/** Save audience on the tiny fixture (test/fixtures/tiny.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Population } from '../../lambdas/sql/population.js';
import { openActivityHarness, RUN, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
let named: Population;
beforeAll(async () => {
  h = await openActivityHarness();
  named = await h.population(
    [
      { id: 1, first_name: 'Ann', email: 'ann@x.com' },
      { id: 5, first_name: "O'Neil", email: 'eve@x.com' },
    ],
    {
      columns: [
        { name: 'first_name', type: 'string' },
        { name: 'email', type: 'string' },
      ],
    },
  );
});
afterAll(() => h.close());

const save = (extra: Record<string, unknown> = {}) => ({
  id: 'save',
  type: 'saveAudience',
  audience: 'fr-gb',
  ...extra,
});

describe('saveAudience', () => {
  it('writes the population with all its columns to a new version of the audience', async () => {
    const r = await h.run(save(), { inputs: [named] });
    expect(r.plan.action).toMatchObject({
      type: 'query',
      location: 'audiences/fr-gb/RUN-save',
      saves: { audience: 'fr-gb' },
    });
    expect(r.outputs.main).toEqual([
      { id: 1, first_name: 'Ann', email: 'ann@x.com' },
      { id: 5, first_name: "O'Neil", email: 'eve@x.com' },
    ]);
    expect(r.plan.outputs.main).toEqual({ dimension: 'recipients', columns: named.columns });
  });

  it('each run writes its own version (the location names the run)', () => {
    const p = h.plan(save(), { inputs: [named], run: { ...RUN, id: 'R2' } });
    expect(p.plan.action).toMatchObject({ location: 'audiences/fr-gb/R2-save' });
  });

  it('columns: keeps the key and the listed columns only', async () => {
    const r = await h.run(save({ columns: ['email'] }), { inputs: [named] });
    expect(r.outputs.main).toEqual([
      { id: 1, email: 'ann@x.com' },
      { id: 5, email: 'eve@x.com' },
    ]);
  });

  it('test mode saves nothing: the population is forwarded', () => {
    const p = h.plan(save(), { inputs: [named], run: { id: 'T', testMode: true } });
    expect(p.errors).toEqual([]);
    expect(p.plan).toEqual({
      action: { type: 'atOnce', from: { main: 0 } },
      outputs: { main: { dimension: 'recipients', columns: named.columns } },
    });
  });

  it('reports an unknown column, data without a dimension and a missing inbound population', async () => {
    expect(h.plan(save({ columns: ['email', 'phone'] }), { inputs: [named] }).messages).toEqual([
      "columns[1]: 'phone' is not a column of the population; it has: first_name, email",
    ]);
    const file = await h.population([{ email: 'a@x.com' }], {
      dimension: null,
      columns: [{ name: 'email', type: 'string' }],
    });
    expect(h.plan(save(), { inputs: [file] }).messages).toEqual([
      'only a population with a targeting dimension can be saved as an audience; reconcile the file first',
    ]);
    expect(h.plan(save(), { inputs: [null] }).messages).toEqual([
      "transition 'in0' carries no population (it comes from src0, which has none)",
    ]);
  });
});
