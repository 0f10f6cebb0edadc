/**
 * The query modeler against a tiny hand-made dataset (test/fixtures/tiny.ts): each operator,
 * group, link path, exists and aggregate is compiled through the Build audience activity, run on
 * DuckDB, and compared with ids worked out by hand. The Athena SQL of each case is pinned by a
 * golden file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDialect, DuckDbDialect, type Dialect } from '../sql/dialect.js';
import { planActivity } from '../planner.js';
import { Findings } from '../util/issues.js';
import type { Rule } from './rules.js';
import { openTestDb, ids, type TestDb } from '../../test/helpers/duckdb.js';
import { TODAY, tinyCatalog, writeTinyData } from '../../test/fixtures/tiny.js';
import sqlParser from 'node-sql-parser';

const athenaParser = new sqlParser.Parser();

const catalog = tinyCatalog();
const campaign = {
  id: 'c',
  dimension: 'recipients',
  timezone: 'UTC',
  variables: { minScore: { type: 'integer' as const, default: 20 }, country: { type: 'string' as const } },
};

function compile(
  rule: Rule,
  dialect: Dialect,
  dimension = 'recipients',
  values?: Record<string, unknown>,
): { sql: string; findings: Findings } {
  const findings = new Findings();
  const plan = planActivity({
    catalog,
    dialect,
    campaign,
    activity: { id: 'q', type: 'buildAudience', dimension, query: rule, emitWhenEmpty: true } as never,
    inputs: [],
    now: TODAY,
    report: findings.at('q', []),
    values,
  });
  return { sql: plan.action.type === 'query' ? plan.action.sql : '', findings };
}

// name, dimension, rule, expected ids (worked out by hand from the fixture)
const CASES: Array<[string, string, Rule, number[]]> = [
  ['equal', 'recipients', { attribute: 'country', operator: 'equal', value: 'FR' }, [1, 3]],
  [
    'notEqual (empty values never match)',
    'recipients',
    { attribute: 'country', operator: 'notEqual', value: 'FR' },
    [2, 4, 5],
  ],
  ['greater', 'recipients', { attribute: 'score', operator: 'greater', value: 10 }, [2, 5, 6]],
  ['less', 'recipients', { attribute: 'score', operator: 'less', value: 20 }, [1, 4]],
  ['greaterOrEqual', 'recipients', { attribute: 'score', operator: 'greaterOrEqual', value: 20 }, [2, 5, 6]],
  ['lessOrEqual on decimal', 'recipients', { attribute: 'balance', operator: 'lessOrEqual', value: 50.25 }, [2, 3, 6]],
  ['equal on decimal', 'recipients', { attribute: 'balance', operator: 'equal', value: 100.5 }, [1]],
  ['in', 'recipients', { attribute: 'country', operator: 'in', value: ['FR', 'GB'] }, [1, 3, 5]],
  ['notIn', 'recipients', { attribute: 'country', operator: 'notIn', value: ['FR', 'GB'] }, [2, 4]],
  ['isEmpty (null or empty string)', 'recipients', { attribute: 'email', operator: 'isEmpty' }, [3, 4]],
  ['isNotEmpty', 'recipients', { attribute: 'email', operator: 'isNotEmpty' }, [1, 2, 5, 6]],
  ['startsWith', 'recipients', { attribute: 'email', operator: 'startsWith', value: 'ann' }, [1]],
  // 4's email is '' and 3's NULL: empty values match only isEmpty, negative text matches included (issue 10, item 1).
  [
    'notStartsWith (empty values never match)',
    'recipients',
    { attribute: 'email', operator: 'notStartsWith', value: 'ann' },
    [2, 5, 6],
  ],
  ['contains', 'recipients', { attribute: 'email', operator: 'contains', value: '@x.com' }, [1, 5]],
  ['contains treats % literally', 'recipients', { attribute: 'email', operator: 'contains', value: '100%' }, [6]],
  ['notContains', 'recipients', { attribute: 'email', operator: 'notContains', value: '@x.com' }, [2, 6]],
  ['like with a percent wildcard', 'recipients', { attribute: 'email', operator: 'like', value: '%@x.com' }, [1, 5]],
  ['like with an underscore wildcard', 'recipients', { attribute: 'email', operator: 'like', value: 'bo_@y.org' }, [2]],
  ['notLike', 'recipients', { attribute: 'email', operator: 'notLike', value: '%@x.com' }, [2, 6]],
  ['quote in a value', 'recipients', { attribute: 'first_name', operator: 'equal', value: "O'Neil" }, [5]],
  ['boolean true', 'recipients', { attribute: 'vip', operator: 'equal', value: true }, [1, 4, 6]],
  ['boolean false', 'recipients', { attribute: 'vip', operator: 'equal', value: false }, [2, 5]],
  ['boolean isEmpty', 'recipients', { attribute: 'vip', operator: 'isEmpty' }, [3]],
  ['date greater', 'recipients', { attribute: 'birth_date', operator: 'greater', value: '1990-01-01' }, [1, 3, 6]],
  ['date equal', 'recipients', { attribute: 'birth_date', operator: 'equal', value: '1985-11-22' }, [2]],
  ['date in', 'recipients', { attribute: 'birth_date', operator: 'in', value: ['1985-11-22', '2000-01-01'] }, [2, 3]],
  [
    'timestamp equal a day = on that day',
    'recipients',
    { attribute: 'created_at', operator: 'equal', value: '2026-11-20' },
    [1],
  ],
  [
    'timestamp greater a day = after that day',
    'recipients',
    { attribute: 'created_at', operator: 'greater', value: '2026-11-20' },
    [4],
  ],
  [
    'timestamp lessOrEqual a day = up to the end of that day',
    'recipients',
    { attribute: 'created_at', operator: 'lessOrEqual', value: '2026-11-01' },
    [2, 3, 5, 6],
  ],
  // A list of days on a timestamp means whole days, like equal (1 is at 10:00 on the 20th, 5 at midnight).
  [
    'timestamp in days = on one of those days',
    'recipients',
    { attribute: 'created_at', operator: 'in', value: ['2026-11-20', '2024-01-01'] },
    [1, 5],
  ],
  [
    'timestamp notIn days = on none of those days',
    'recipients',
    { attribute: 'created_at', operator: 'notIn', value: ['2026-11-20', '2026-11-22'] },
    [2, 3, 5, 6],
  ],
  [
    'timestamp in a day and an instant',
    'recipients',
    { attribute: 'created_at', operator: 'in', value: ['2026-11-22', '2026-11-01 08:00:00'] },
    [2, 4],
  ],
  [
    'timestamp greater an instant',
    'recipients',
    { attribute: 'created_at', operator: 'greater', value: '2026-11-22 06:59:59' },
    [4],
  ],
  ['within today', 'recipients', { attribute: 'created_at', operator: 'within', value: 'today' }, [4]],
  ['within thisMonth', 'recipients', { attribute: 'created_at', operator: 'within', value: 'thisMonth' }, [1, 2, 4]],
  ['within lastMonth', 'recipients', { attribute: 'created_at', operator: 'within', value: 'lastMonth' }, [6]],
  [
    'within last 7 days (days 15..22)',
    'recipients',
    { attribute: 'created_at', operator: 'within', value: { last: 7, unit: 'days' } },
    [1, 4],
  ],
  [
    'within last 6 hours (06:00..12:00)',
    'recipients',
    { attribute: 'created_at', operator: 'within', value: { last: 6, unit: 'hours' } },
    [4],
  ],
  ['within thisYear on a date', 'recipients', { attribute: 'birth_date', operator: 'within', value: 'thisYear' }, []],
  [
    'relative: created more than a year ago',
    'recipients',
    { attribute: 'created_at', operator: 'less', value: { ago: 1, unit: 'years' } },
    [3, 5],
  ],
  [
    'relative: created in the last 30 days',
    'recipients',
    { attribute: 'created_at', operator: 'greaterOrEqual', value: { ago: 30, unit: 'days' } },
    [1, 2, 4],
  ],
  [
    'relative keyword today on a date',
    'recipients',
    { attribute: 'birth_date', operator: 'less', value: 'today' },
    [1, 2, 3, 5, 6],
  ],
  [
    'variable value (default 20)',
    'recipients',
    { attribute: 'score', operator: 'greaterOrEqual', value: { variable: 'minScore' } },
    [2, 5, 6],
  ],
  [
    'expression: birthday today',
    'recipients',
    { expression: 'month(birth_date) = month(today()) AND day(birth_date) = day(today())' },
    [2, 5],
  ],
  [
    'expression with operator',
    'recipients',
    { expression: 'length(first_name)', operator: 'greater', value: 3 },
    [3, 5],
  ],
  // date() is a function as well as the keyword of a literal; 1 was created on the 20th at 10:00.
  ['expression: date() of a timestamp', 'recipients', { expression: "date(created_at) = DATE '2026-11-20'" }, [1]],
  ['expression: age', 'recipients', { expression: 'age(birth_date) >= 40' }, [2, 5]],
  [
    'expression: CASE and coalesce',
    'recipients',
    { expression: "CASE WHEN coalesce(score, 0) > 15 THEN 'high' ELSE 'low' END = 'low'" },
    [1, 3, 4],
  ],
  [
    'expression: % by zero is empty, in both engines',
    'recipients',
    { expression: 'coalesce(score % 0, -1) = -1' },
    [1, 2, 3, 4, 5, 6],
  ],
  ['expression: division is never integer division', 'recipients', { expression: 'score / 20 = 0.5' }, [1]],
  [
    'expression: IN and NOT LIKE',
    'recipients',
    { expression: "country IN ('FR', 'US') AND email NOT LIKE '%@x.com'" },
    [4],
  ],
  ['N-1 link', 'purchases', { attribute: 'product.category', operator: 'equal', value: 'running' }, [100, 104, 106]],
  [
    'N-1 link to the targeting table',
    'purchases',
    { attribute: 'recipient.country', operator: 'equal', value: 'FR' },
    [100, 101],
  ],
  [
    'two links in one rule tree',
    'purchases',
    {
      and: [
        { attribute: 'recipient.vip', operator: 'equal', value: true },
        { attribute: 'product.category', operator: 'equal', value: 'running' },
      ],
    },
    [100, 106],
  ],
  ['exists', 'recipients', { exists: 'purchases' }, [1, 2, 5, 6]],
  [
    'exists such that (through a link)',
    'recipients',
    { exists: 'purchases', where: { attribute: 'product.category', operator: 'equal', value: 'running' } },
    [1, 2, 6],
  ],
  [
    'exists with a relative date',
    'recipients',
    {
      exists: 'purchases',
      where: { attribute: 'purchased_at', operator: 'within', value: { last: 30, unit: 'days' } },
    },
    [1, 2, 6],
  ],
  ['notExists', 'recipients', { notExists: 'purchases' }, [3, 4]],
  [
    'exists from the other side (N-1 then 1-N)',
    'purchases',
    { exists: 'recipient.purchases', where: { attribute: 'amount', operator: 'greater', value: 200 } },
    [102, 103, 104],
  ],
  [
    'count',
    'recipients',
    { aggregate: { function: 'count', collection: 'purchases' }, operator: 'greaterOrEqual', value: 2 },
    [1, 2],
  ],
  [
    'count of nothing is 0',
    'recipients',
    { aggregate: { function: 'count', collection: 'purchases' }, operator: 'equal', value: 0 },
    [3, 4],
  ],
  [
    'sum',
    'recipients',
    { aggregate: { function: 'sum', collection: 'purchases', attribute: 'amount' }, operator: 'greater', value: 200 },
    [2],
  ],
  [
    'sum with a filter',
    'recipients',
    {
      aggregate: {
        function: 'sum',
        collection: 'purchases',
        attribute: 'amount',
        where: { attribute: 'product.category', operator: 'equal', value: 'electronics' },
      },
      operator: 'greaterOrEqual',
      value: 160,
    },
    [2],
  ],
  [
    'avg',
    'recipients',
    { aggregate: { function: 'avg', collection: 'purchases', attribute: 'amount' }, operator: 'greater', value: 100 },
    [2, 6],
  ],
  [
    'max of a timestamp',
    'recipients',
    {
      aggregate: { function: 'max', collection: 'purchases', attribute: 'purchased_at' },
      operator: 'greater',
      value: '2026-11-20',
    },
    [2, 6],
  ],
  [
    'min',
    'recipients',
    { aggregate: { function: 'min', collection: 'purchases', attribute: 'amount' }, operator: 'less', value: 20 },
    [1],
  ],
  [
    'and',
    'recipients',
    {
      and: [
        { attribute: 'vip', operator: 'equal', value: true },
        { attribute: 'country', operator: 'equal', value: 'FR' },
      ],
    },
    [1],
  ],
  [
    'or',
    'recipients',
    {
      or: [
        { attribute: 'country', operator: 'equal', value: 'FR' },
        { attribute: 'score', operator: 'greater', value: 25 },
      ],
    },
    [1, 3, 5],
  ],
  [
    'except',
    'recipients',
    {
      except: [
        { attribute: 'vip', operator: 'equal', value: true },
        { attribute: 'country', operator: 'equal', value: 'FR' },
      ],
    },
    [4, 6],
  ],
  [
    'except keeps rows whose excluded condition is unknown',
    'recipients',
    {
      except: [
        { attribute: 'country', operator: 'in', value: ['FR', 'DE'] },
        { attribute: 'vip', operator: 'equal', value: true },
      ],
    },
    [2, 3],
  ],
  [
    'nested groups',
    'recipients',
    {
      or: [
        {
          and: [
            { attribute: 'country', operator: 'equal', value: 'FR' },
            { except: [{ exists: 'purchases' }, { attribute: 'vip', operator: 'equal', value: true }] },
          ],
        },
        {
          and: [
            { attribute: 'score', operator: 'greaterOrEqual', value: 30 },
            { aggregate: { function: 'count', collection: 'purchases' }, operator: 'equal', value: 1 },
          ],
        },
      ],
    },
    [5],
  ],
];

describe('query modeler on DuckDB (hand-computed answers)', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
    await writeTinyData(t);
  });
  afterAll(() => t.close());

  for (const [name, dimension, rule, expected] of CASES) {
    it(name, async () => {
      const { sql, findings } = compile(rule, new DuckDbDialect(t.dir), dimension);
      expect(findings.errors).toEqual([]);
      // Every table of the tiny catalog is keyed by id.
      expect(ids(await t.column(`SELECT "id" FROM (${sql}) AS q WHERE orca_output = 'main'`))).toEqual(expected);
    });
  }

  it('a variable value given at run time overrides the default', async () => {
    const { sql } = compile(
      { attribute: 'score', operator: 'greaterOrEqual', value: { variable: 'minScore' } },
      new DuckDbDialect(t.dir),
      'recipients',
      { minScore: 30 },
    );
    expect(ids(await t.column(`SELECT id FROM (${sql}) AS q`))).toEqual([5]);
  });
});

describe('Athena SQL (golden files)', () => {
  it('% by zero gives NULL (Trino Functions and Operators — mathematical operators: % fails on a zero divisor)', () => {
    const { sql } = compile({ expression: 'score % 0 IS NULL' }, new AthenaDialect({ database: 'orca' }));
    expect(sql).toContain('% NULLIF(0, 0))');
    expect(sql).not.toMatch(/% 0\)/);
  });

  for (const [name, dimension, rule] of CASES) {
    it(name, async () => {
      const { sql, findings } = compile(rule, new AthenaDialect({ database: 'orca' }), dimension);
      expect(findings.errors).toEqual([]);
      const file = name
        .replace(/[^a-z0-9]+/gi, '-')
        .replace(/-+$/, '')
        .toLowerCase();
      await expect(`${sql};\n`).toMatchFileSnapshot(`__golden__/${file}.athena.sql`);
      // An independent syntax check of the Athena (Trino) SELECT.
      expect(() => athenaParser.astify(sql, { database: 'athena' })).not.toThrow();
    });
  }
});
