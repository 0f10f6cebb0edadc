/** Read audience on the tiny fixture (test/fixtures/tiny.ts); expected rows worked out by hand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openActivityHarness, RUN, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
beforeAll(async () => {
  h = await openActivityHarness();
});
afterAll(() => h.close());

const read = (extra: Record<string, unknown> = {}) => ({
  id: 'read',
  type: 'readAudience',
  audience: 'fr-gb',
  ...extra,
});

describe('readAudience', () => {
  it('reads back what Save audience wrote (1, 3, 5), with extra attributes from the dimension', async () => {
    const saved = await h.run(
      { id: 'save', type: 'saveAudience', audience: 'fr-gb' },
      { inputs: [await h.population([1, 3, 5])] },
    );
    const r = await h.run(read({ attributes: ['email', { attribute: 'first_name', as: 'name' }] }), {
      state: { audience: saved.population() },
    });
    expect(r.outputs.main).toEqual([
      { id: 1, email: 'ann@x.com', name: 'Ann' },
      { id: 3, email: null, name: 'Cleo' },
      { id: 5, email: 'eve@x.com', name: "O'Neil" },
    ]);
  });

  it('reads back the columns Save audience stored, with their types, before the extra attributes', async () => {
    const columns = [
      { name: 'segment', type: 'string' as const },
      { name: 'points', type: 'integer' as const },
      { name: 'spent', type: 'decimal' as const },
      { name: 'ratio', type: 'double' as const },
      { name: 'gold', type: 'boolean' as const },
      { name: 'since', type: 'date' as const },
      { name: 'seen_at', type: 'timestamp' as const },
    ];
    const rows = [
      {
        id: 1,
        segment: 'a',
        points: 7,
        spent: 12.5,
        ratio: 0.25,
        gold: true,
        since: '2026-01-02',
        seen_at: '2026-11-20 10:00:00',
      },
      { id: 5, segment: null, points: -3, spent: 0, ratio: 1.5, gold: false, since: null, seen_at: null },
    ];
    const saved = await h.run(
      { id: 'save', type: 'saveAudience', audience: 'fr-gb' },
      { inputs: [await h.population(rows, { columns })] },
    );
    const r = await h.run(read({ attributes: ['first_name'] }), { state: { audience: saved.population() } });
    expect(r.plan.outputs.main?.columns).toEqual([
      { name: 'id', type: 'integer' },
      ...columns,
      { name: 'first_name', type: 'string' },
    ]);
    expect(r.outputs.main).toEqual([
      { ...rows[0], first_name: 'Ann' },
      { ...rows[1], first_name: "O'Neil" },
    ]);
    // A stored column and an attribute of the same name clash.
    const clash = h.plan(read({ attributes: [{ attribute: 'first_name', as: 'segment' }] }), {
      state: { audience: saved.population() },
    });
    expect(clash.messages).toEqual([
      "attributes[0]: column 'segment' already exists in the population; choose another name with 'as'",
    ]);
  });

  it('is re-evaluated against the dimension: a key no longer in it (99) drops out, and each key comes once', async () => {
    const audience = await h.population([1, 1, 2, 99]);
    const r = await h.run(read(), { state: { audience } });
    expect(r.outputs.main).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('an audience of another dimension, read with that dimension', async () => {
    const audience = await h.population([100, 106], { dimension: 'purchases' });
    const r = await h.run(read({ dimension: 'purchases', attributes: ['amount'] }), { state: { audience } });
    expect(r.outputs.main).toEqual([
      { id: 100, amount: 120 },
      { id: 106, amount: 120 },
    ]);
  });

  it('when validating, reads a placeholder of the current version (no error)', () => {
    const p = h.plan(read());
    expect(p.errors).toEqual([]);
    expect(p.plan.action).toMatchObject({ type: 'query', sql: expect.stringContaining('audiences/fr-gb/CURRENT') });
  });

  it('reports an audience never saved, a dimension mismatch and an unknown attribute at their paths', async () => {
    expect(h.plan(read(), { run: RUN }).messages).toEqual([
      "audience: audience 'fr-gb' does not exist yet; run the campaign that saves it first",
    ]);
    const purchases = await h.population([100], { dimension: 'purchases' });
    expect(h.plan(read(), { state: { audience: purchases } }).messages).toEqual([
      "audience: audience 'fr-gb' holds purchases, not recipients; set 'dimension: purchases'",
    ]);
    expect(h.plan(read({ attributes: ['emial'] })).errors).toEqual([
      expect.objectContaining({ path: 'attributes[0]', message: expect.stringContaining("'email'") }),
    ]);
    expect(h.plan(read({ dimension: 'people' })).errors.map((e) => e.path)).toEqual(['dimension']);
  });
});
