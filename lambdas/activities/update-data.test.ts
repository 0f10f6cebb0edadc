/**
 * Update data on the tiny fixture (test/fixtures/tiny.ts): the next version of recipients and the
 * counts of each change, against rows worked out by hand; validation errors naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Population } from '../../lambdas/sql/population.js';
import { openActivityHarness, RUN, type ActivityHarness } from '../../test/helpers/activity-harness.js';

let h: ActivityHarness;
/** A loaded file: id, mail, points (no dimension). */
let file: Population;
beforeAll(async () => {
  h = await openActivityHarness();
  file = await h.population(
    [
      { id: 1, mail: 'ann@x.com', points: 10 },
      { id: 2, mail: 'bob@new.org', points: 20 },
      { id: 7, mail: 'gus@x.com', points: 3 },
      { id: 2, mail: 'bob@z.org', points: 25 },
    ],
    {
      dimension: null,
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'mail', type: 'string' },
        { name: 'points', type: 'integer' },
      ],
    },
  );
});
afterAll(() => h.close());

const MAPPING = [{ field: 'id' }, { field: 'mail', column: 'email' }, { field: 'points', column: 'score' }];
const update = (extra: Record<string, unknown> = {}) => ({
  id: 'apply',
  type: 'updateData',
  table: 'recipients',
  key: 'id',
  columns: MAPPING,
  ...extra,
});

/** The fixture's recipients as (id, email, first_name, score). */
const BEFORE = [
  [1, 'ann@x.com', 'Ann', 10],
  [2, 'bob@y.org', 'Bob', 20],
  [3, null, 'Cleo', null],
  [4, '', 'Dan', 5],
  [5, 'eve@x.com', "O'Neil", 30],
  [6, 'fay_100%@z.net', 'Fay', 20],
];
const short = (rows: Record<string, unknown>[]) => rows.map((r) => [r.id, r.email, r.first_name, r.score]);
const counts = (c: Record<string, number>) => Object.fromEntries(Object.entries(c).filter(([o]) => o !== 'main'));

describe('updateData', () => {
  it('insertOrUpdate: 1 unchanged, 2 updated by its last double, 7 inserted; unmapped columns kept', async () => {
    const r = await h.run(update(), { inputs: [file] });
    expect(r.plan.action).toMatchObject({
      type: 'query',
      location: 'versions/recipients/RUN-apply',
      saves: { table: 'recipients', keep: 5 },
    });
    // Lines in the order of their values: (2, bob@new.org, 20) then (2, bob@z.org, 25), the last one wins.
    expect(short(r.outputs.version!)).toEqual([
      BEFORE[0],
      [2, 'bob@z.org', 'Bob', 25],
      ...BEFORE.slice(2),
      [7, 'gus@x.com', null, 3],
    ]);
    expect(r.outputs.version![1]).toMatchObject({ country: 'DE', vip: false, birth_date: '1985-11-22' });
    expect(counts(r.counts)).toEqual({
      version: 7,
      inserted: 1,
      updated: 1,
      unchanged: 1,
      deleted: 0,
      notFound: 0,
      exists: 0,
      doubles: 1,
      rejected: 0,
    });
    // The inbound population goes on as it came.
    expect(r.outputs.main).toHaveLength(4);
    expect(r.outputs.main![0]).toEqual({ id: 1, mail: 'ann@x.com', points: 10 });
  });

  it('doubles: ignore applies the first of them, reject none of them', async () => {
    const first = await h.run(update({ doubles: 'ignore' }), { inputs: [file] });
    expect(short(first.outputs.version!)[1]).toEqual([2, 'bob@new.org', 'Bob', 20]);
    const none = await h.run(update({ doubles: 'reject' }), { inputs: [file] });
    expect(short(none.outputs.version!)[1]).toEqual(BEFORE[1]);
    expect(none.counts).toMatchObject({ rejected: 2, updated: 0, inserted: 1, unchanged: 1 });
  });

  it('insert: existing keys are counted as exists and left as they are', async () => {
    const r = await h.run(update({ operation: 'insert' }), { inputs: [file] });
    expect(short(r.outputs.version!)).toEqual([...BEFORE, [7, 'gus@x.com', null, 3]]);
    expect(r.counts).toMatchObject({ inserted: 1, exists: 2, doubles: 1 });
  });

  it('delete: a population of recipients removes its rows; an unknown key is not found', async () => {
    const keys = await h.population([3, 5, 9]);
    const r = await h.run(
      { id: 'drop', type: 'updateData', table: 'recipients', key: 'id', operation: 'delete' },
      {
        inputs: [keys],
      },
    );
    expect(r.ids('version')).toEqual([1, 2, 4, 6]);
    expect(r.counts).toMatchObject({ deleted: 2, notFound: 1, inserted: 0 });
  });

  it('update with a second key: a row without id matches on email; other columns are left alone', async () => {
    const p = await h.population(
      [
        { id: null, email: 'eve@x.com', vip: true },
        { id: 9, email: 'nobody@x.com', vip: true },
      ],
      {
        dimension: null,
        columns: [
          { name: 'id', type: 'integer' },
          { name: 'email', type: 'string' },
          { name: 'vip', type: 'boolean' },
        ],
      },
    );
    const r = await h.run(
      { id: 'vip', type: 'updateData', table: 'recipients', operation: 'update', key: 'id', secondKey: 'email' },
      { inputs: [p] },
    );
    expect(r.outputs.version!.map((x) => [x.id, x.email, x.vip])).toEqual([
      [1, 'ann@x.com', true],
      [2, 'bob@y.org', false],
      [3, null, null],
      [4, '', true],
      [5, 'eve@x.com', true],
      [6, 'fay_100%@z.net', true],
    ]);
    expect(r.counts).toMatchObject({ updated: 1, notFound: 1, inserted: 0 });
  });

  it('test mode counts the changes and writes no version, in the run folder', async () => {
    const r = await h.run(update(), { inputs: [file], run: { ...RUN, testMode: true } });
    expect(r.plan.action).toMatchObject({ type: 'query', location: 'work/test/RUN/apply' });
    expect(r.plan.action).not.toHaveProperty('saves');
    expect(r.plan.outputs).not.toHaveProperty('version');
    expect(r.counts).toMatchObject({ inserted: 1, updated: 1, unchanged: 1, doubles: 1 });
  });

  it('bad settings: each error names its field', async () => {
    const errors = (def: Record<string, unknown>) => h.plan(def, { inputs: [file] }).messages;
    expect(errors(update({ table: 'recipient' }))).toEqual([
      "table: unknown table 'recipient'. Did you mean 'recipients'?",
    ]);
    expect(errors(update({ columns: [{ field: 'id' }, { field: 'mial', column: 'email' }] }))).toEqual([
      "columns[1].field: 'mial' is not a column of the inbound population. Did you mean 'mail'? It has: id, mail, points",
    ]);
    expect(errors(update({ columns: [{ field: 'id' }, { field: 'mail', column: 'emial' }] }))).toEqual([
      "columns[1].column: 'emial' is not a column of recipients. Did you mean 'email'?",
    ]);
    expect(errors(update({ columns: [{ field: 'id' }, { field: 'mail', column: 'score' }] }))).toEqual([
      "columns[1].field: 'mail' is a string and recipients.score an integer: convert it first (an enrichment expression)",
    ]);
    expect(errors(update({ key: 'email', columns: [{ field: 'id' }] }))).toEqual([
      "key: the key column 'email' is not filled by any column of the population",
    ]);
    expect(errors(update({ key: 'email', columns: [{ field: 'mail', column: 'email' }] }))).toEqual([
      "columns: insertOrUpdate adds rows, which need recipients's primary key 'id': map a column of the population to it",
    ]);
    expect(errors(update({ columns: [{ field: 'id' }, { field: 'id' }] }))).toEqual([
      "columns[1].column: column 'id' is already filled by columns[0]",
    ]);
  });
});
