/** Load file: hand-written CSV files under the fixture's data folder. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openActivityHarness, type ActivityHarness } from '../../test/helpers/activity-harness.js';
import { planActivity } from '../planner.js';
import { loadFileSchema } from './load-file.js';
import { AthenaDialect } from '../sql/dialect.js';
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
