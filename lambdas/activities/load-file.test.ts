/** Load file: hand-written CSV files under the fixture's data folder. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openActivityHarness, type ActivityHarness } from '../../test/helpers/activity-harness.js';
import { planActivity } from '../planner.js';
import { loadFileSchema } from './load-file.js';
import { AthenaDialect, DuckDbDialect } from '../sql/dialect.js';
import { Findings } from '../util/issues.js';
import { TODAY, tinyCatalog } from '../../test/fixtures/tiny.js';

let h: ActivityHarness;
beforeAll(async () => {
  h = await openActivityHarness();
});
afterAll(() => h.close());

const load = (file: string, columns: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 'load',
  type: 'loadFile',
  file,
  columns,
  ...extra,
});

describe('loadFile', () => {
  it('typed columns; bad lines rejected with their line number and reason; defaults', async () => {
    // Line 1 is the header. Line 3: bad date. Line 4: impossible date (score x is defaulted, but the date rejects first).
    // Line 5: no email. Line 6: an empty date stays empty, score oops becomes the default 0.
    const file = h.file(
      'people.csv',
      'email,signup,score\na@x.com,2026-01-05,10\nb@x.com,not-a-date,20\nc@x.com,2026-02-30,x\n,2026-01-01,5\nd@x.com,,oops\n',
    );
    const r = await h.run(
      load(
        file,
        [
          { name: 'email', required: true },
          { name: 'signup', type: 'date' },
          { name: 'score', type: 'integer', onError: 'default', default: 0 },
        ],
        { maxRejects: 5 },
      ),
    );
    expect(r.outputs.main).toEqual([
      { email: 'a@x.com', signup: '2026-01-05', score: 10 },
      { email: 'd@x.com', signup: null, score: 0 },
    ]);
    expect(r.outputs.rejects).toEqual([
      { reject_line: 3, reject_reason: 'signup: not a valid date: not-a-date', reject_record: 'b@x.com,not-a-date,20' },
      { reject_line: 4, reject_reason: 'signup: not a valid date: 2026-02-30', reject_record: 'c@x.com,2026-02-30,x' },
      { reject_line: 5, reject_reason: 'email: a value is required', reject_record: ',2026-01-01,5' },
    ]);
    expect(r.settled).toEqual({});
    expect(r.plan.outputs.main).toEqual({
      dimension: null,
      columns: [
        { name: 'email', type: 'string' },
        { name: 'signup', type: 'date' },
        { name: 'score', type: 'integer' },
      ],
    });
  });

  it('onError ignore keeps the line with an empty value; values are trimmed', async () => {
    const file = h.file('ignore.csv', 'n,amount\n a ,1.50\nb,lots\n');
    const r = await h.run(load(file, [{ name: 'n' }, { name: 'amount', type: 'decimal', onError: 'ignore' }]));
    expect(r.outputs).toEqual({
      main: [
        { n: 'a', amount: 1.5 },
        { n: 'b', amount: null },
      ],
      rejects: [],
    });
  });

  it('numbers parse strictly, the same rule for both engines: a sign and digits, one point, an exponent for doubles', async () => {
    // Worked by hand from the rule: an integer is [+-]digits; a decimal may have one point; a double an exponent.
    // Line 2: all good. 3: 12.5 is no integer (DuckDB's cast would round it to 13). 4: 0x1F (DuckDB: 31).
    // 5: a space inside. 6: 1_000 (DuckDB reads 1000). 7: two points. 8: 1e3 is no decimal, but a double.
    // 9: empty cells stay empty. 10: signs and stray spaces around.
    const file = h.file(
      'numbers.csv',
      [
        'i,d,f',
        '12,12.50,1.5',
        '12.5,1,1',
        '0x1F,1,1',
        '1 2,1,1',
        '1_000,1,1',
        '1,1.2.3,1',
        '1,1e3,1e3',
        ',,',
        ' -7 , +.5 , -2.5E-1 ',
      ].join('\n'),
    );
    const r = await h.run(
      load(
        file,
        [
          { name: 'i', type: 'integer' },
          { name: 'd', type: 'decimal' },
          { name: 'f', type: 'double' },
        ],
        { maxRejects: 10 },
      ),
    );
    expect(r.outputs.main).toEqual([
      { i: -7, d: 0.5, f: -0.25 },
      { i: 12, d: 12.5, f: 1.5 },
      { i: null, d: null, f: null },
    ]);
    expect(r.outputs.rejects?.map((x) => [x.reject_line, x.reject_reason])).toEqual([
      [3, 'i: not a valid integer: 12.5'],
      [4, 'i: not a valid integer: 0x1F'],
      [5, 'i: not a valid integer: 1 2'],
      [6, 'i: not a valid integer: 1_000'],
      [7, 'd: not a valid decimal: 1.2.3'],
      [8, 'd: not a valid decimal: 1e3'],
    ]);
  });

  it('onError default replaces a value that does not convert; an empty cell stays empty unless required', async () => {
    const file = h.file('defaults.csv', 'k,n,m\na,12.5,\nb,,7\nc,0x1F,\n');
    const r = await h.run(
      load(file, [
        { name: 'k' },
        { name: 'n', type: 'integer', onError: 'default', default: -1 },
        { name: 'm', type: 'integer', onError: 'default', default: 0, required: true },
      ]),
    );
    expect(r.outputs.main).toEqual([{ k: 'b', n: null, m: 7 }]);
    expect(r.outputs.rejects?.map((x) => [x.reject_line, x.reject_reason])).toEqual([
      [2, 'm: a value is required'],
      [4, 'm: a value is required'],
    ]);
    const ignored = await h.run(
      load(file, [{ name: 'k' }, { name: 'n', type: 'integer', onError: 'default', default: -1 }]),
    );
    expect(ignored.outputs.main).toEqual([
      { k: 'a', n: -1 },
      { k: 'b', n: null },
      { k: 'c', n: -1 },
    ]);
  });

  it('another delimiter and no header line: every line is data, numbered from 1', async () => {
    const file = h.file('semi.csv', 'x;1\ny;two\n');
    const r = await h.run(
      load(file, [{ name: 'k' }, { name: 'v', type: 'integer' }], { delimiter: ';', header: false }),
    );
    expect(r.outputs.main).toEqual([{ k: 'x', v: 1 }]);
    expect(r.outputs.rejects).toEqual([
      { reject_line: 2, reject_reason: 'v: not a valid integer: two', reject_record: 'y;two' },
    ]);
    expect(r.plan.action).toMatchObject({
      csv: { location: file, delimiter: ';', header: false, columns: ['orca_raw_k', 'orca_raw_v'] },
    });
  });

  it('more rejects than maxRejects fail the activity, with the reason', async () => {
    const file = h.file('bad.csv', 'email,score\na,1\nb,x\nc,y\n');
    const r = await h.run(load(file, [{ name: 'email' }, { name: 'score', type: 'integer' }], { maxRejects: 1 }));
    expect(r.counts).toEqual({ main: 1, rejects: 2 });
    expect(r.settled.error).toMatch(/^2 line\(s\) of incoming\/bad\.csv were rejected, more than the limit of 1;/);
  });

  it('reports duplicate and reserved names and bad defaults at their paths', () => {
    const f = 'incoming/any.csv';
    expect(h.plan(load(f, [{ name: 'a' }, { name: 'a' }])).messages).toEqual(["columns[1].name: duplicate column 'a'"]);
    expect(h.plan(load(f, [{ name: 'reject_x' }])).errors.map((e) => e.path)).toEqual(['columns[0].name']);
    expect(h.plan(load(f, [{ name: 'n', type: 'integer', onError: 'default' }])).messages).toEqual([
      'columns[0].default: onError: default needs a default value',
    ]);
    const wrong = h.plan(load(f, [{ name: 'n', type: 'integer', onError: 'default', default: 'zero' }]));
    expect(wrong.errors).toEqual([
      expect.objectContaining({ path: 'columns[0].default', message: expect.stringContaining('integer') }),
    ]);
    expect(wrong.plan.action.type).toBe('invalid');
    const unused = h.plan(load(f, [{ name: 'n', default: 'x' }]));
    expect(unused.errors).toEqual([]);
    expect(unused.warnings.map((w) => w.path)).toEqual(['columns[0].default']);
  });
});

describe('loadFile in the cloud: each run has its own table and copy', () => {
  const plan = (campaign: string, run: string) => {
    const findings = new Findings();
    const p = planActivity({
      catalog: tinyCatalog(),
      dialect: new AthenaDialect({ database: 'orca' }),
      campaign: { id: campaign, dimension: 'recipients', timezone: 'UTC', variables: {} },
      activity: loadFileSchema.parse({
        id: 'load',
        type: 'loadFile',
        file: 'incoming/leads.csv',
        columns: [{ name: 'email' }],
      }),
      inputs: [],
      now: TODAY,
      report: findings.at('load', []),
      run: { id: run, testMode: false },
    });
    if (p.action.type !== 'query' || !p.action.csv) throw new Error('not a query with a CSV source');
    return { csv: p.action.csv, sql: p.action.sql };
  };

  it('concurrent runs, and two campaigns with the same activity id, never share the Glue table or what it reads', () => {
    const plans = [plan('leads', 'r1'), plan('leads', 'r2'), plan('other', 'r1')];
    const tables = plans.map((p) => p.csv.table);
    const copies = plans.map((p) => p.csv.copy);
    expect(new Set(tables).size).toBe(3);
    expect(copies).toEqual(['work/leads/r1/load.source', 'work/leads/r2/load.source', 'work/other/r1/load.source']);
    expect(tables[0]).toMatch(/^csv_work_leads_r1_load_[0-9a-f]{8}$/);
    // The query reads its own run's table, never the file's shared folder.
    for (const [i, p] of plans.entries()) expect(p.sql).toContain(`FROM "orca"."${tables[i]}"`);
  });
});

describe('loadFile: one parsing rule in both dialects', () => {
  const columns = [
    { name: 'i', type: 'integer' },
    { name: 'd', type: 'decimal' },
    { name: 'f', type: 'double' },
  ];
  const sqlOf = (dialect: 'duckdb' | 'athena') => {
    const findings = new Findings();
    const p = planActivity({
      catalog: tinyCatalog(),
      dialect: dialect === 'athena' ? new AthenaDialect({ database: 'orca' }) : new DuckDbDialect('/data'),
      campaign: { id: 'c', dimension: 'recipients', timezone: 'UTC', variables: {} },
      activity: loadFileSchema.parse({ id: 'load', type: 'loadFile', file: 'incoming/x.csv', columns }),
      inputs: [],
      now: TODAY,
      report: findings.at('load', []),
      run: { id: 'r', testMode: false },
    });
    if (p.action.type !== 'query') throw new Error('not a query');
    return p.action.sql;
  };
  const value = (c: string) => `NULLIF(trim(r."orca_raw_${c}"), '')`;
  const patterns = {
    i: ['^[+-]?[0-9]+$', 'BIGINT'],
    d: ['^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$', 'DECIMAL(18, 2)'],
    f: ['^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$', 'DOUBLE'],
  };

  it('each number column is checked against the same pattern before its TRY_CAST, in DuckDB and in Athena', () => {
    const duck = sqlOf('duckdb');
    const athena = sqlOf('athena');
    for (const [c, [pattern, type]] of Object.entries(patterns)) {
      expect(duck).toContain(
        `CASE WHEN regexp_full_match(${value(c)}, '${pattern}') THEN TRY_CAST(${value(c)} AS ${type}) END`,
      );
      expect(athena).toContain(
        `CASE WHEN regexp_like(${value(c)}, '${pattern}') THEN TRY_CAST(${value(c)} AS ${type}) END`,
      );
    }
    // Nothing else differs between the two plans but the function's name and the sources.
    const norm = (s: string) => s.replace(/regexp_full_match|regexp_like/g, 'RE').replace(/FROM \(?[^\n]*$/m, '');
    expect(norm(duck)).toBe(norm(athena));
  });
});
