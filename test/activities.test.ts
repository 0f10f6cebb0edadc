/**
 * Every activity type, run for real through the embedded stack (compiled state machine, local Step
 * Functions, DuckDB, Parquet, dynalite) on the tiny hand-made dataset of test/fixtures/tiny.ts.
 * Expected rows are worked out by hand from the fixture, in the comments.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from './helpers/duckdb.js';
import { tinyCatalog, writeTinyData } from './fixtures/tiny.js';
import { chain, openRuntime, runCampaign } from './helpers/runtime.js';
import { EXAMPLES_DIR } from './fixtures/examples.js';
import { loadCatalog } from '../lambdas/catalog/catalog.js';
import { readDocument } from '../lambdas/util/files.js';
import { generateSampleData } from '../sampledata/generate.js';
import type { LocalRuntime } from '../runtime/local-runtime.js';

const catalog = tinyCatalog();
let db: TestDb;
let rt: LocalRuntime;
let close: () => Promise<void>;

beforeAll(async () => {
  db = await openTestDb();
  await writeTinyData(db);
  ({ rt, close } = await openRuntime(catalog, db.dir));
});
afterAll(async () => {
  await close();
  db.close();
});

const run = (doc: Record<string, unknown>, options = {}) => runCampaign(rt, catalog, doc, options);
const build = (id: string, query?: unknown, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'buildAudience',
  ...(query ? { query } : {}),
  ...extra,
});
const pick = (rows: Record<string, unknown>[], ...cols: string[]) =>
  rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c]])));

function csv(name: string, text: string): string {
  mkdirSync(join(db.dir, 'incoming'), { recursive: true });
  writeFileSync(join(db.dir, 'incoming', name), text);
  return `incoming/${name}`;
}

describe('Build audience', () => {
  it('selects the matching rows (country in FR, GB: 1, 3, 5)', async () => {
    const r = await run(chain(build('a', { attribute: 'country', operator: 'in', value: ['FR', 'GB'] })));
    expect(r.run.status).toBe('completed');
    expect(await r.ids('a')).toEqual([1, 3, 5]);
    expect(r.transition('a')!.population!.columns).toEqual([{ name: 'id', type: 'integer' }]);
  });

  it('an empty result stops the branch, unless emitWhenEmpty', async () => {
    const q = { attribute: 'country', operator: 'equal', value: 'XX' };
    const r = await run(chain(build('a', q), { id: 'd', type: 'deduplication', fields: ['email'] }));
    expect(r.transition('a')!.active).toBe(false);
    expect((await r.activity('d')).status).toBe('skipped');
    expect((await r.activity('the_end')).status).toBe('skipped');
    const r2 = await run(
      chain(build('a', q, { emitWhenEmpty: true }), { id: 'd', type: 'deduplication', fields: ['email'] }),
    );
    expect(r2.transition('a')).toMatchObject({ active: true, population: { rows: 0 } });
    expect((await r2.activity('d')).status).toBe('done');
  });
});

describe('Change dimension', () => {
  it('purchases of running shoes (100, 104, 106) -> their buyers (1, 2, 6), de-duplicated', async () => {
    const r = await run({
      dimension: 'purchases',
      ...chain(build('p', { attribute: 'product.category', operator: 'equal', value: 'running' }), {
        id: 'c',
        type: 'changeDimension',
        dimension: 'recipients',
        link: 'recipient',
      }),
    });
    expect(await r.ids('p')).toEqual([100, 104, 106]);
    expect(await r.ids('c')).toEqual([1, 2, 6]);
  });

  it('recipients 3, 4, 5 -> their purchases (105); the complement keeps 3 and 4, who bought nothing', async () => {
    const doc = chain(build('r', { attribute: 'id', operator: 'in', value: [3, 4, 5] }), {
      id: 'c',
      type: 'changeDimension',
      dimension: 'purchases',
      link: 'purchases',
      generateComplement: true,
    });
    doc.activities.push({ id: 'end2', type: 'end' });
    doc.transitions.push({ from: 'c', output: 'complement', to: 'end2' });
    const r = await run(doc);
    expect(await r.ids('c')).toEqual([105]);
    expect(await r.ids('c', 'complement')).toEqual([3, 4]);
    expect(r.transition('c', 'complement')!.population!.dimension).toBe('recipients');
  });
});

describe('Combine', () => {
  // A: country in FR, DE -> 1, 2, 3.  B: vip -> 1, 4, 6.
  const sets = (operation: string, extra: Record<string, unknown> = {}) => ({
    activities: [
      build('a', { attribute: 'country', operator: 'in', value: ['FR', 'DE'] }),
      build('b', { attribute: 'vip', operator: 'equal', value: true }),
      { id: 'c', type: 'combine', operation, primary: 'a-c', ...extra },
      { id: 'e', type: 'end' },
    ],
    transitions: [
      { id: 'a-c', from: 'a', to: 'c' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'e' },
      ...(extra.generateComplement ? [{ from: 'c', output: 'complement', to: 'e' }] : []),
    ],
  });

  it('union: 1, 2, 3, 4, 6', async () => {
    expect(await (await run(sets('union'))).ids('c')).toEqual([1, 2, 3, 4, 6]);
  });

  it('intersection: 1; complement: 2, 3, 4, 6', async () => {
    const r = await run(sets('intersection', { generateComplement: true }));
    expect(await r.ids('c')).toEqual([1]);
    expect(await r.ids('c', 'complement')).toEqual([2, 3, 4, 6]);
  });

  it('exclusion: 2, 3; complement: 1', async () => {
    const r = await run(sets('exclusion', { generateComplement: true }));
    expect(await r.ids('c')).toEqual([2, 3]);
    expect(await r.ids('c', 'complement')).toEqual([1]);
  });

  it('exclusion on a chosen attribute: people with an email (1, 2, 5, 6) minus the countries of FR people (FR) -> 2, 5, 6', async () => {
    const r = await run({
      activities: [
        build('a', { attribute: 'email', operator: 'isNotEmpty' }),
        build('b', { attribute: 'id', operator: 'equal', value: 3 }),
        { id: 'c', type: 'combine', operation: 'exclusion', primary: 'a-c', on: ['country'] },
        { id: 'e', type: 'end' },
      ],
      transitions: [
        { id: 'a-c', from: 'a', to: 'c' },
        { from: 'b', to: 'c' },
        { from: 'c', to: 'e' },
      ],
    });
    expect(await r.ids('c')).toEqual([2, 5, 6]);
  });
});

describe('Deduplication', () => {
  // Groups by country: FR {1 (score 10, balance 100.50, email ann@), 3 (score null, balance 50.25, no email)};
  // DE {2}, US {4}, GB {5}; 6 has no country, so it is nobody's duplicate.
  const dedup = (method: unknown, extra: Record<string, unknown> = {}) => {
    const doc = chain(build('a'), {
      id: 'd',
      type: 'deduplication',
      fields: ['country'],
      method,
      generateComplement: true,
      ...extra,
    });
    doc.activities.push({ id: 'e2', type: 'end' });
    doc.transitions.push({ from: 'd', output: 'complement', to: 'e2' });
    return doc;
  };

  it.each([
    [
      'expression, highest score (nulls last)',
      { type: 'expression', expression: 'score', order: 'highest' },
      [1, 2, 4, 5, 6],
      [3],
    ],
    [
      'expression, lowest balance',
      { type: 'expression', expression: 'balance', order: 'lowest' },
      [2, 3, 4, 5, 6],
      [1],
    ],
    ['most non-empty values', { type: 'nonEmpty', attributes: ['email', 'score'] }, [1, 2, 4, 5, 6], [3]],
    [
      'preferred values',
      { type: 'preferredValues', attribute: 'first_name', values: ['Cleo', 'Ann'] },
      [2, 3, 4, 5, 6],
      [1],
    ],
  ])('%s', async (_name, method, main, complement) => {
    const r = await run(dedup(method));
    expect(await r.ids('d')).toEqual(main);
    expect(await r.ids('d', 'complement')).toEqual(complement);
  });

  it('random keeps one row of each group, and empty values are not duplicates', async () => {
    // On vip: true {1, 4, 6}, false {2, 5}, empty {3}.
    const r = await run(
      chain(build('a'), { id: 'd', type: 'deduplication', fields: ['vip'], method: { type: 'random' } }),
    );
    const kept = await r.ids('d');
    expect(kept).toHaveLength(3);
    expect(kept.filter((i) => [1, 4, 6].includes(i))).toHaveLength(1);
    expect(kept.filter((i) => [2, 5].includes(i))).toHaveLength(1);
    expect(kept).toContain(3);
  });

  it('keep 2 per group; keep 0 keeps everything', async () => {
    const two = await run(chain(build('a'), { id: 'd', type: 'deduplication', fields: ['vip'], keep: 2 }));
    expect((await two.ids('d')).filter((i) => [1, 4, 6].includes(i))).toHaveLength(2);
    expect(await two.ids('d')).toEqual(expect.arrayContaining([2, 5, 3]));
    const all = await run(chain(build('a'), { id: 'd', type: 'deduplication', fields: ['vip'], keep: 0 }));
    expect(await all.ids('d')).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('Enrichment', () => {
  it('attributes, expressions, filtered aggregates and the first N lines of a collection', async () => {
    const r = await run(
      chain(build('a', { attribute: 'email', operator: 'isNotEmpty' }), {
        id: 'x',
        type: 'enrichment',
        attributes: ['first_name', { attribute: 'email', as: 'mail' }],
        expressions: [{ expression: 'coalesce(score, 0) * 2', as: 'double_score' }],
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
        lines: [
          {
            collection: 'purchases',
            count: 2,
            attributes: ['amount', { attribute: 'product.category', as: 'category' }],
            sort: { expression: 'purchased_at', order: 'highest' },
            as: 'recent',
          },
        ],
      }),
    );
    const rows = await r.rows('x');
    expect(pick(rows, 'id', 'first_name', 'mail', 'double_score', 'n', 'running')).toEqual([
      { id: 1, first_name: 'Ann', mail: 'ann@x.com', double_score: 20, n: 2, running: 120 },
      { id: 2, first_name: 'Bob', mail: 'bob@y.org', double_score: 40, n: 3, running: 240 },
      { id: 5, first_name: "O'Neil", mail: 'eve@x.com', double_score: 60, n: 1, running: null },
      { id: 6, first_name: 'Fay', mail: 'fay_100%@z.net', double_score: 40, n: 1, running: 120 },
    ]);
    expect(rows.map((x) => String(x.last))).toEqual([
      '2026-11-10 10:00:00',
      '2026-11-21 18:00:00',
      '2023-12-01 10:00:00',
      '2026-11-22 09:00:00',
    ]);
    expect(rows.map((x) => Math.round(Number(x.average) * 100) / 100)).toEqual([67.5, 133.33, 30, 120]);
    expect(pick(rows, 'id', 'recent_1_amount', 'recent_1_category', 'recent_2_amount', 'recent_2_category')).toEqual([
      { id: 1, recent_1_amount: 120, recent_1_category: 'running', recent_2_amount: 15, recent_2_category: 'books' },
      {
        id: 2,
        recent_1_amount: 80,
        recent_1_category: 'electronics',
        recent_2_amount: 240,
        recent_2_category: 'running',
      },
      { id: 5, recent_1_amount: 30, recent_1_category: 'books', recent_2_amount: null, recent_2_category: null },
      { id: 6, recent_1_amount: 120, recent_1_category: 'running', recent_2_amount: null, recent_2_category: null },
    ]);
  });

  it('attributes through N-1 links', async () => {
    const r = await run({
      dimension: 'purchases',
      ...chain(build('p', { attribute: 'recipient.id', operator: 'equal', value: 1 }), {
        id: 'x',
        type: 'enrichment',
        attributes: ['product.category', 'recipient.email'],
      }),
    });
    expect(pick(await r.rows('x'), 'id', 'product_category', 'recipient_email')).toEqual([
      { id: 100, product_category: 'running', recipient_email: 'ann@x.com' },
      { id: 101, product_category: 'books', recipient_email: 'ann@x.com' },
    ]);
  });

  it('data from a second inbound transition, joined on a key pair', async () => {
    // Big purchases (amount > 100): 100 (r1, 120), 104 (r2, 240), 106 (r6, 120), with their recipient.
    const r = await run({
      activities: [
        build('people', { attribute: 'email', operator: 'isNotEmpty' }),
        build('big', { attribute: 'amount', operator: 'greater', value: 100 }, { dimension: 'purchases' }),
        { id: 'buyer', type: 'enrichment', attributes: ['recipient_id', 'amount'] },
        {
          id: 'x',
          type: 'enrichment',
          joins: [
            {
              transition: 'buyer-x',
              on: [{ left: 'id', right: 'recipient_id' }],
              columns: [{ column: 'amount', as: 'big_amount' }],
            },
          ],
        },
        { id: 'e', type: 'end' },
      ],
      transitions: [
        { from: 'people', to: 'x' },
        { from: 'big', to: 'buyer' },
        { id: 'buyer-x', from: 'buyer', to: 'x' },
        { from: 'x', to: 'e' },
      ],
    });
    expect(pick(await r.rows('x'), 'id', 'big_amount')).toEqual([
      { id: 1, big_amount: 120 },
      { id: 2, big_amount: 240 },
      { id: 5, big_amount: null },
      { id: 6, big_amount: 120 },
    ]);
  });
});

describe('Split', () => {
  it('ordered subsets: FR (1, 3), the top VIP by score (6), the rest (2, 4, 5); 4 went past the VIP limit', async () => {
    const doc = chain(build('a'), {
      id: 's',
      type: 'split',
      subsets: [
        { id: 'fr', filter: { attribute: 'country', operator: 'equal', value: 'FR' } },
        {
          id: 'vips',
          filter: { attribute: 'vip', operator: 'equal', value: true },
          limit: { count: 1 },
          sort: [{ expression: 'score', order: 'highest' }],
        },
        { id: 'rest' },
      ],
      generateComplement: true,
    });
    doc.activities.push({ id: 'e2', type: 'end' });
    doc.transitions = [
      { from: 'a', to: 's' },
      { from: 's', output: 'fr', to: 'the_end' },
      { from: 's', output: 'vips', to: 'the_end' },
      { from: 's', output: 'rest', to: 'e2' },
      { from: 's', output: 'complement', to: 'e2' },
    ];
    const r = await run(doc);
    expect(await r.ids('s', 'fr')).toEqual([1, 3]);
    expect(await r.ids('s', 'vips')).toEqual([6]);
    expect(await r.ids('s', 'rest')).toEqual([2, 4, 5]);
    expect(await r.ids('s', 'complement')).toEqual([]);
  });

  it('a percentage with a sort: the 50% with the lowest balance (2, 6, 3); the others in the complement', async () => {
    const doc = chain(build('a'), {
      id: 's',
      type: 'split',
      subsets: [{ id: 'low', limit: { percent: 50 }, sort: [{ expression: 'balance', order: 'lowest' }] }],
      generateComplement: true,
    });
    doc.transitions = [
      { from: 'a', to: 's' },
      { from: 's', output: 'low', to: 'the_end' },
      { from: 's', output: 'complement', to: 'the_end' },
    ];
    const r = await run(doc);
    expect(await r.ids('s', 'low')).toEqual([2, 3, 6]);
    expect(await r.ids('s', 'complement')).toEqual([1, 4, 5]);
  });

  it('overlap: VIPs (1, 4, 6) and FR (1, 3) both get 1; the complement is 2, 5', async () => {
    const doc = chain(build('a'), {
      id: 's',
      type: 'split',
      overlap: true,
      subsets: [
        { id: 'vips', filter: { attribute: 'vip', operator: 'equal', value: true } },
        { id: 'fr', filter: { attribute: 'country', operator: 'equal', value: 'FR' } },
      ],
      generateComplement: true,
    });
    doc.transitions = [
      { from: 'a', to: 's' },
      { from: 's', output: 'vips', to: 'the_end' },
      { from: 's', output: 'fr', to: 'the_end' },
      { from: 's', output: 'complement', to: 'the_end' },
    ];
    const r = await run(doc);
    expect(await r.ids('s', 'vips')).toEqual([1, 4, 6]);
    expect(await r.ids('s', 'fr')).toEqual([1, 3]);
    expect(await r.ids('s', 'complement')).toEqual([2, 5]);
  });

  it('one output with a segment column', async () => {
    const r = await run(
      chain(build('a'), {
        id: 's',
        type: 'split',
        subsets: [{ id: 'fr', filter: { attribute: 'country', operator: 'equal', value: 'FR' } }, { id: 'other' }],
        segmentColumn: 'segment',
      }),
    );
    expect(pick(await r.rows('s'), 'id', 'segment')).toEqual(
      [1, 2, 3, 4, 5, 6].map((id) => ({ id, segment: id === 1 || id === 3 ? 'fr' : 'other' })),
    );
  });

  it('skip if empty: an empty subset does not continue', async () => {
    const doc = chain(build('a'), {
      id: 's',
      type: 'split',
      subsets: [
        { id: 'none', filter: { attribute: 'country', operator: 'equal', value: 'XX' }, skipIfEmpty: true },
        { id: 'all' },
      ],
    });
    doc.activities.push({ id: 'after', type: 'deduplication', fields: ['email'] });
    doc.transitions = [
      { from: 'a', to: 's' },
      { from: 's', output: 'none', to: 'after' },
      { from: 'after', to: 'the_end' },
      { from: 's', output: 'all', to: 'the_end' },
    ];
    const r = await run(doc);
    expect(r.transition('s', 'none')!.active).toBe(false);
    expect((await r.activity('after')).status).toBe('skipped');
    expect(await r.ids('s', 'all')).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('Load file and Reconciliation', () => {
  it('typed columns; bad lines rejected with their line and reason; defaults', async () => {
    const file = csv(
      'people.csv',
      'email,signup,score\na@x.com,2026-01-05,10\nb@x.com,not-a-date,20\nc@x.com,2026-02-30,x\n,2026-01-01,5\nd@x.com,,oops\n',
    );
    const doc = chain({
      id: 'load',
      type: 'loadFile',
      file,
      columns: [
        { name: 'email', required: true },
        { name: 'signup', type: 'date' },
        { name: 'score', type: 'integer', onError: 'default', default: 0 },
      ],
      maxRejects: 5,
    });
    doc.transitions.push({ from: 'load', output: 'rejects', to: 'the_end' });
    const r = await run(doc);
    expect(r.run.status).toBe('completed');
    expect(
      (await r.rows('load', 'main', 'email')).map((x) => ({
        ...x,
        signup: x.signup === null ? null : String(x.signup),
      })),
    ).toEqual([
      { email: 'a@x.com', signup: '2026-01-05', score: 10 },
      { email: 'd@x.com', signup: null, score: 0 },
    ]);
    expect(await r.rows('load', 'rejects', 'reject_line')).toEqual([
      { reject_line: 3, reject_reason: 'signup: not a valid date: not-a-date', reject_record: 'b@x.com,not-a-date,20' },
      { reject_line: 4, reject_reason: 'signup: not a valid date: 2026-02-30', reject_record: 'c@x.com,2026-02-30,x' },
      { reject_line: 5, reject_reason: 'email: a value is required', reject_record: ',2026-01-01,5' },
    ]);
  });

  it('more rejects than the limit fail the activity and the run, with the reason in the store and the log', async () => {
    const file = csv('bad.csv', 'email,score\na,1\nb,x\nc,y\n');
    const doc = chain({
      id: 'load',
      type: 'loadFile',
      file,
      columns: [{ name: 'email' }, { name: 'score', type: 'integer' }],
      maxRejects: 1,
    });
    doc.transitions.push({ from: 'load', output: 'rejects', to: 'the_end' });
    const r = await run(doc);
    expect(r.run.status).toBe('failed');
    expect(r.run.error).toContain('2 line(s) of incoming/bad.csv were rejected, more than the limit of 1');
    expect(await r.activity('load')).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('more than the limit of 1'),
    });
    const logs = await rt.store.listLogs(r.run.runId);
    expect(
      logs.some((l) => l.level === 'error' && l.activity === 'load' && l.message.includes('more than the limit')),
    ).toBe(true);
  });

  it('a missing file is a clear error', async () => {
    const doc = chain({ id: 'load', type: 'loadFile', file: 'incoming/nope.csv', columns: [{ name: 'email' }] });
    doc.transitions.push({ from: 'load', output: 'rejects', to: 'the_end' });
    const r = await run(doc);
    expect(r.run.status).toBe('failed');
    expect((await r.activity('load')).error).toMatch(
      /the file incoming\/nope\.csv does not exist under the data folder/,
    );
  });

  it('a file that is a link out of the data folder (to /etc/passwd) is refused, and nothing of it is read', async () => {
    mkdirSync(join(db.dir, 'incoming'), { recursive: true });
    symlinkSync('/etc/passwd', join(db.dir, 'incoming', 'passwd.csv'));
    const doc = chain({ id: 'load', type: 'loadFile', file: 'incoming/passwd.csv', columns: [{ name: 'line' }] });
    doc.transitions.push({ from: 'load', output: 'rejects', to: 'the_end' });
    const r = await run(doc);
    expect(r.run.status).toBe('failed');
    expect((await r.activity('load')).error).toMatch(
      /^file: incoming\/passwd\.csv leads to \/etc\/passwd, outside the data folder .*; Load file reads only files inside it$/,
    );
    expect(r.transitions.filter((t) => t.active)).toEqual([]);
  });

  it('reconciliation by email: ann@ (both lines) and eve@ are known (1, 1, 5), nobody@ goes to the complement', async () => {
    const file = csv('leads.csv', 'email,name,rank\nann@x.com,A,1\neve@x.com,E,2\nnobody@z.com,N,3\nann@x.com,A2,4\n');
    const doc = {
      activities: [
        {
          id: 'load',
          type: 'loadFile',
          file,
          columns: [{ name: 'email' }, { name: 'name' }, { name: 'rank', type: 'integer' }],
        },
        {
          id: 'rec',
          type: 'reconciliation',
          rules: [{ source: 'email', destination: 'email' }],
          generateComplement: true,
        },
        { id: 'e', type: 'end' },
      ],
      transitions: [
        { from: 'load', to: 'rec' },
        { from: 'load', output: 'rejects', to: 'e' },
        { from: 'rec', to: 'e' },
        { from: 'rec', output: 'complement', to: 'e' },
      ],
    };
    const r = await run(doc);
    expect((await r.rows('rec')).sort((a, b) => Number(a.rank) - Number(b.rank))).toEqual([
      { id: 1, email: 'ann@x.com', name: 'A', rank: 1 },
      { id: 5, email: 'eve@x.com', name: 'E', rank: 2 },
      { id: 1, email: 'ann@x.com', name: 'A2', rank: 4 },
    ]);
    expect(await r.rows('rec', 'complement', 'rank')).toEqual([{ email: 'nobody@z.com', name: 'N', rank: 3 }]);
    // keepUnreconciled keeps it in the main output, without a key.
    (doc.activities[1] as Record<string, unknown>).keepUnreconciled = true;
    (doc.activities[1] as Record<string, unknown>).generateComplement = false;
    doc.transitions = doc.transitions.filter((t) => t.output !== 'complement');
    const kept = await run(doc);
    expect((await kept.rows('rec', 'main', 'rank')).map((x) => x.id)).toEqual([1, 5, null, 1]);
  });

  it('reconciliation by an advanced condition', async () => {
    const file = csv('names.csv', 'who\nann\nfay\n');
    const r = await run({
      activities: [
        { id: 'load', type: 'loadFile', file, columns: [{ name: 'who' }] },
        { id: 'rec', type: 'reconciliation', condition: "lower(first_name) = who AND country = 'FR'" },
        { id: 'e', type: 'end' },
      ],
      transitions: [
        { from: 'load', to: 'rec' },
        { from: 'load', output: 'rejects', to: 'e' },
        { from: 'rec', to: 'e' },
      ],
    });
    expect(await r.ids('rec')).toEqual([1]);
  });
});

describe('Save audience and Read audience', () => {
  it('saves, then reads back with extra attributes; a new run moves the audience to its new version', async () => {
    const doc = chain(
      build('a', { attribute: 'country', operator: 'in', value: ['FR', 'GB'] }),
      { id: 'x', type: 'enrichment', attributes: ['first_name'] },
      { id: 'save', type: 'saveAudience', audience: 'fr-gb' },
      { id: 'read', type: 'readAudience', audience: 'fr-gb', attributes: ['email'] },
    );
    const r1 = await run(doc);
    expect(pick(await r1.rows('read'), 'id', 'email')).toEqual([
      { id: 1, email: 'ann@x.com' },
      { id: 3, email: null },
      { id: 5, email: 'eve@x.com' },
    ]);
    const v1 = await rt.store.getAudience('fr-gb');
    expect(v1).toMatchObject({
      runId: r1.run.runId,
      population: { rows: 3, dimension: 'recipients', columns: [{ name: 'id' }, { name: 'first_name' }] },
    });
    const r2 = await run(doc);
    const v2 = await rt.store.getAudience('fr-gb');
    expect(v2!.runId).toBe(r2.run.runId);
    expect(v2!.population.location).not.toBe(v1!.population.location);
    // The earlier version stays whole for anyone still reading it.
    expect(
      (
        await db.column(
          `SELECT count(*) FROM read_parquet('${join(db.dir, v1!.population.location)}/orca_output=main/*.parquet')`,
        )
      ).map(Number),
    ).toEqual([3]);
  });

  it('test mode skips saving: the audience is not written', async () => {
    const r = await run(chain(build('a'), { id: 'save', type: 'saveAudience', audience: 'test-only' }), {
      testMode: true,
    });
    expect(r.run.status).toBe('completed');
    expect(await rt.store.getAudience('test-only')).toBeUndefined();
  });

  it('reading an audience that was never saved fails with a clear error', async () => {
    const r = await run(chain({ id: 'read', type: 'readAudience', audience: 'never-saved' }));
    expect(r.run.status).toBe('failed');
    expect((await r.activity('read')).error).toContain("audience 'never-saved' does not exist yet");
  });
});

describe('Incremental query', () => {
  it('outputs new keys only: FR/DE people (1, 2, 3) the first time, nothing the second time (the branch stops)', async () => {
    const doc = {
      id: 'incr',
      ...chain(
        { id: 'i', type: 'incrementalQuery', query: { attribute: 'country', operator: 'in', value: ['FR', 'DE'] } },
        { id: 'd', type: 'deduplication', fields: ['email'] },
      ),
    };
    const first = await run(doc);
    expect(await first.ids('i')).toEqual([1, 2, 3]);
    const second = await run(doc);
    expect(second.transition('i')).toMatchObject({ active: false });
    expect((await second.activity('d')).status).toBe('skipped');
    // A wider query later outputs only what is new: GB (5).
    (doc.activities[0] as Record<string, unknown>).query = {
      attribute: 'country',
      operator: 'in',
      value: ['FR', 'DE', 'GB'],
    };
    expect(await (await run(doc)).ids('i')).toEqual([5]);
  });

  it('rows newer than the last run, by a date field', async () => {
    const doc = {
      id: 'incr-date',
      ...chain({ id: 'i', type: 'incrementalQuery', mode: { type: 'newerThanLastRun', field: 'created_at' } }),
    };
    expect(await (await run(doc)).ids('i')).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await run(doc)).transition('i')!.active).toBe(false);
  });
});

describe('Test mode changes nothing a later run reads', () => {
  it('a real run after a test run outputs what a real run alone outputs: incremental keys, watermark, audience', async () => {
    const campaign = (id: string) => ({
      id,
      activities: [
        { id: 'keys', type: 'incrementalQuery', query: { attribute: 'country', operator: 'in', value: ['FR', 'DE'] } },
        { id: 'newer', type: 'incrementalQuery', mode: { type: 'newerThanLastRun', field: 'created_at' } },
        { id: 'save', type: 'saveAudience', audience: `aud-${id}` },
        { id: 'e', type: 'end' },
      ],
      transitions: [
        { from: 'keys', to: 'save' },
        { from: 'save', to: 'e' },
        { from: 'newer', to: 'e' },
      ],
    });
    // Alone: FR/DE people (1, 2, 3) are new; every recipient is newer than a last run there never was.
    const alone = await run(campaign('alone'));
    expect(await alone.ids('keys')).toEqual([1, 2, 3]);
    expect(await alone.ids('newer')).toEqual([1, 2, 3, 4, 5, 6]);
    // After a test run of the same campaign, the real run outputs the same rows.
    const test = await run(campaign('after-test'), { testMode: true });
    expect(test.run.status).toBe('completed');
    expect(await test.ids('keys')).toEqual([1, 2, 3]);
    expect(await rt.store.getHistory('after-test', 'keys')).toEqual({ entries: [] });
    expect(await rt.store.getHistory('after-test', 'newer')).toEqual({ entries: [] });
    expect(await rt.store.getAudience('aud-after-test')).toBeUndefined();
    expect(existsSync(join(db.dir, 'state', 'after-test'))).toBe(false);
    expect(existsSync(join(db.dir, 'audiences', 'aud-after-test'))).toBe(false);
    const real = await run(campaign('after-test'));
    expect(await real.ids('keys')).toEqual(await alone.ids('keys'));
    expect(await real.ids('newer')).toEqual(await alone.ids('newer'));
    expect((await rt.store.getAudience('aud-after-test'))?.population.rows).toBe(3);
  });
});

describe('Flow control', () => {
  it('fork runs branches in parallel; an and-join waits for both and carries its primary set', async () => {
    const r = await run({
      activities: [
        build('a', { attribute: 'country', operator: 'in', value: ['FR', 'GB'] }),
        { id: 'f', type: 'fork' },
        { id: 'x', type: 'deduplication', fields: ['vip'] },
        { id: 'y', type: 'enrichment', attributes: ['email'] },
        { id: 'j', type: 'andJoin', primary: 'y-j' },
        { id: 'e', type: 'end' },
      ],
      transitions: [
        { from: 'a', to: 'f' },
        { from: 'f', to: 'x' },
        { from: 'f', to: 'y' },
        { from: 'x', to: 'j' },
        { id: 'y-j', from: 'y', to: 'j' },
        { from: 'j', to: 'e' },
      ],
    });
    expect(await r.ids('f')).toEqual([1, 3, 5]);
    expect(pick(await r.rows('j'), 'id', 'email')).toEqual([
      { id: 1, email: 'ann@x.com' },
      { id: 3, email: null },
      { id: 5, email: 'eve@x.com' },
    ]);
    const acts = await rt.store.listActivities(r.run.runId);
    const x = acts.find((a) => a.activityId === 'x')!;
    const y = acts.find((a) => a.activityId === 'y')!;
    const j = acts.find((a) => a.activityId === 'j')!;
    expect(Date.parse(j.startedAt!)).toBeGreaterThanOrEqual(Math.max(Date.parse(x.endedAt!), Date.parse(y.endedAt!)));
  });

  it('test on the population count and on a variable; wait; alert; end', async () => {
    const doc = {
      variables: { mode: { type: 'string', default: 'normal' } },
      activities: [
        build('a', { attribute: 'country', operator: 'equal', value: 'FR' }),
        {
          id: 't',
          type: 'test',
          branches: [
            { id: 'big', when: { population: 'greaterOrEqual', value: 3 } },
            { id: 'special', when: { variable: 'mode', operator: 'equal', value: 'special' } },
          ],
        },
        { id: 'w', type: 'wait', duration: { value: 1, unit: 'seconds' } },
        { id: 'al', type: 'alert', title: 'Special', message: 'special mode', severity: 'warning' },
        { id: 'e', type: 'end' },
      ],
      transitions: [
        { from: 'a', to: 't' },
        { from: 't', output: 'big', to: 'e' },
        { from: 't', output: 'special', to: 'al' },
        { from: 't', output: 'default', to: 'w' },
        { from: 'w', to: 'e' },
        { from: 'al', to: 'e' },
      ],
    };
    const normal = await run(doc);
    expect(normal.transition('t', 'default')).toMatchObject({ active: true, population: { rows: 2 } });
    expect(normal.transition('t', 'big')!.active).toBe(false);
    expect((await normal.activity('w')).status).toBe('done');
    expect(await normal.ids('w')).toEqual([1, 3]);
    expect((await normal.activity('al')).status).toBe('skipped');
    const alerts = rt.notifier.alerts.length;
    const special = await run(doc, { variables: { mode: 'special' } });
    expect(special.transition('t', 'special')).toMatchObject({ active: true, population: { rows: 2 } });
    expect((await special.activity('w')).status).toBe('skipped');
    expect(rt.notifier.alerts.slice(alerts)).toEqual([
      expect.objectContaining({ title: 'Special', message: 'special mode', severity: 'warning', activityId: 'al' }),
    ]);
  });

  it('a data activity after a Test branch reads the population the branch carries (FR: 1, 3)', async () => {
    const r = await run({
      activities: [
        build('a', { attribute: 'country', operator: 'equal', value: 'FR' }),
        { id: 't', type: 'test', branches: [{ id: 'some', when: { population: 'greater', value: 0 } }] },
        { id: 'x', type: 'enrichment', attributes: ['email'] },
        { id: 'e', type: 'end' },
      ],
      transitions: [
        { from: 'a', to: 't' },
        { from: 't', output: 'some', to: 'x' },
        { from: 't', output: 'default', to: 'e' },
        { from: 'x', to: 'e' },
      ],
    });
    expect(r.run.status).toBe('completed');
    // The branch's transition points at the rows Build audience wrote (its main partition).
    expect(r.transition('t', 'some')!.population).toMatchObject({ output: 'main', rows: 2 });
    expect(await r.ids('x')).toEqual([1, 3]);
  });

  it('a disabled activity does not run, nor what follows on its path', async () => {
    const r = await run({
      activities: [
        build('a'),
        { id: 'd', type: 'deduplication', fields: ['email'], disabled: true },
        { id: 'x', type: 'enrichment', attributes: ['email'] },
        build('b'),
        { id: 'e', type: 'end' },
      ],
      transitions: [
        { from: 'a', to: 'd' },
        { from: 'd', to: 'x' },
        { from: 'x', to: 'e' },
        { from: 'b', to: 'e' },
      ],
    });
    expect(r.run.status).toBe('completed');
    expect((await r.activity('d')).status).toBe('skipped');
    expect((await r.activity('x')).status).toBe('skipped');
    expect(await r.ids('b')).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('runs', () => {
  it('a failing activity fails the run: what already ran keeps its results, nothing new starts', async () => {
    // b finishes right away; load fails after a 1 s wait; x was due after a 3 s wait.
    const file = csv('fail.csv', 'n\nx\ny\n');
    const r = await run(
      {
        activities: [
          { id: 'pre', type: 'wait', duration: { value: 1, unit: 'seconds' } },
          { id: 'load', type: 'loadFile', file, columns: [{ name: 'n', type: 'integer' }], maxRejects: 0 },
          build('b', { attribute: 'vip', operator: 'equal', value: true }),
          { id: 'later', type: 'wait', duration: { value: 3, unit: 'seconds' } },
          { id: 'x', type: 'enrichment', attributes: ['email'] },
          { id: 'e', type: 'end' },
        ],
        transitions: [
          { from: 'pre', to: 'load' },
          { from: 'load', to: 'e' },
          { from: 'load', output: 'rejects', to: 'e' },
          { from: 'b', to: 'later' },
          { from: 'later', to: 'x' },
          { from: 'x', to: 'e' },
        ],
      },
      { realWaits: true },
    );
    expect(r.run.status).toBe('failed');
    expect(r.run.error).toMatch(/^load failed: 2 line\(s\) of incoming\/fail\.csv were rejected/);
    expect(await r.activity('load')).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('more than the limit of 0'),
    });
    expect(await r.ids('b')).toEqual([1, 4, 6]);
    expect((await r.activity('later')).status).toBe('done');
    expect((await r.activity('x')).status).toBe('notRun');
    const logs = await rt.store.listLogs(r.run.runId);
    expect(logs.some((l) => l.level === 'error' && l.message.startsWith('the run is failing: load failed'))).toBe(true);
  });

  it("two runs are two runs, and the second never touches the first one's work tables", async () => {
    const doc = { id: 'twice', ...chain(build('a', { attribute: 'country', operator: 'equal', value: 'FR' })) };
    const one = await run(doc);
    const loc = one.transition('a')!.population!.location;
    const files = () =>
      readdirSync(join(db.dir, loc), { recursive: true })
        .map((f) => `${f}:${statSync(join(db.dir, loc, String(f))).mtimeMs}`)
        .sort();
    const before = files();
    const two = await run(doc);
    expect(two.run.runId).not.toBe(one.run.runId);
    expect(two.transition('a')!.population!.location).not.toBe(loc);
    expect(files()).toEqual(before);
    expect(await one.ids('a')).toEqual([1, 3]);
    const runs = await rt.store.listRuns('twice');
    expect(runs.map((x) => x.runId)).toEqual([two.run.runId, one.run.runId]);
  });

  it('records statuses, tasks, transitions with their schema, and a log with each query', async () => {
    const r = await run(
      chain(build('a', { attribute: 'country', operator: 'equal', value: 'FR' }), {
        id: 'x',
        type: 'enrichment',
        attributes: ['email'],
      }),
    );
    const acts = await rt.store.listActivities(r.run.runId);
    expect(acts.map((a) => [a.activityId, a.status, a.tasks]).sort()).toEqual([
      ['a', 'done', 1],
      ['the_end', 'done', 1],
      ['x', 'done', 1],
    ]);
    expect(r.transition('x')!.population).toMatchObject({
      rows: 2,
      dimension: 'recipients',
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'email', type: 'string' },
      ],
    });
    const logs = await rt.store.listLogs(r.run.runId);
    expect(logs[0]!.message).toBe('run started');
    expect(logs.at(-1)!.message).toMatch(/^run completed in/);
    const query = logs.find((l) => l.activity === 'x' && l.sql)!;
    expect(query.sql).toContain('"email"');
    expect(query.durationMs).toBeGreaterThanOrEqual(0);
    expect((await rt.store.listTasks(r.run.runId)).map((t) => t.activityId).sort()).toEqual(['a', 'the_end', 'x']);
  });
});

describe('examples/leads.yaml on the sample data', () => {
  it('"best score" keeps each known lead once, with their best score: the counts of a hand-written query', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orca-leads-'));
    const examples = loadCatalog(join(EXAMPLES_DIR, 'catalog.yaml'));
    await generateSampleData({ dataRoot: dir, profiles: 500, seed: 7 });
    const leads = await openRuntime(examples, dir);
    try {
      const r = await runCampaign(
        leads.rt,
        examples,
        readDocument(join(EXAMPLES_DIR, 'leads.yaml')) as Record<string, unknown>,
      );
      expect(r.run.status).toBe('completed');
      // By hand, from the file's text: a line is kept when its email is there, its date empty or YYYY-MM-DD
      // (a real day) and its score empty or an integer (lambdas/activities/load-file.ts's rule); each known
      // recipient (email equal) once, with the highest score of their lines.
      const expected = await db.db.runAndReadAll(`
        WITH f AS (
          SELECT NULLIF(trim(email), '') AS email, NULLIF(trim(signup_date), '') AS d, NULLIF(trim(score), '') AS s
          FROM read_csv('${join(dir, 'incoming/leads/leads.csv')}', all_varchar = true, header = true)
        ), good AS (
          SELECT email, CAST(s AS BIGINT) AS score FROM f
          WHERE email IS NOT NULL
            AND (d IS NULL OR (regexp_full_match(d, '[0-9]{4}-[0-9]{2}-[0-9]{2}') AND TRY_CAST(d AS DATE) IS NOT NULL))
            AND (s IS NULL OR regexp_full_match(s, '[+-]?[0-9]+'))
        )
        SELECT t.id, max(g.score) AS best
        FROM good AS g JOIN read_parquet('${join(dir, 'catalog/recipients/*.parquet')}') AS t ON t.email = g.email
        GROUP BY t.id ORDER BY t.id`);
      const best = expected
        .getRowObjectsJson()
        .map((x) => ({ id: Number(x.id), score: x.best === null ? null : Number(x.best) }));
      const known = await r.rows('known');
      expect(known.length).toBeGreaterThan(best.length); // some recipients have several lines: all are kept
      const kept = (await r.rows('best_score')).map((x) => ({
        id: Number(x.id),
        score: x.score === null ? null : Number(x.score),
      }));
      expect(kept).toEqual(best);
      expect(r.transition('best_score')!.population!.rows).toBe(best.length);
    } finally {
      await leads.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
