/**
 * Empty values (README, "Queries": "Empty values (null, or an empty string) match only isEmpty"),
 * every operator and every place a condition appears, on a small table whose answers are worked
 * out by hand below. A string is empty when it is NULL or nothing but spaces ('', '  ').
 *
 * Each case runs twice on DuckDB: the DuckDB SQL, and the Athena SQL itself (its catalog and work
 * tables served as views of an `orca` schema; the condition SQL uses only functions both engines
 * document alike: trim(BOTH ' ' FROM x), starts_with, strpos, LIKE, IN), and the Athena SQL must
 * parse (node-sql-parser's athena dialect, as the golden files).
 *
 * people
 *   id name   n     seen_at
 *   1  NULL   NULL  NULL
 *   2  ''     0     2026-11-20 00:00
 *   3  '  '   5     2026-11-20 23:59:59
 *   4  'Ann'  10    2026-11-21 00:00
 *   5  'bob'  NULL  2026-11-21 12:00
 *   6  ' Cy'  -1    2026-11-22 08:00
 *
 * notes (1-N from people by person_id)
 *   id person text
 *   10 4      ''
 *   11 4      '  '
 *   12 4      'hi'
 *   13 4      NULL
 *   14 5      'x'
 */
import sqlParser from 'node-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITIES } from '../activities/index.js';
import type { Input } from '../activities/framework.js';
import { buildCatalog } from '../catalog/catalog.js';
import { planActivity } from '../planner.js';
import { AthenaDialect, type Dialect, DuckDbDialect, OUTPUT_COLUMN } from '../sql/dialect.js';
import { population, type Population } from '../sql/population.js';
import { Findings } from '../util/issues.js';
import { ids, openTestDb, type TestDb, writeParquet } from '../../test/helpers/duckdb.js';
import { openActivityHarness } from '../../test/helpers/activity-harness.js';
import { isEmptyValue } from './conditions.js';
import type { Rule } from './rules.js';

const catalog = buildCatalog({
  tables: {
    people: {
      primaryKey: 'id',
      location: 'catalog/people',
      columns: { id: 'integer', name: 'string', n: 'integer', seen_at: 'timestamp' },
    },
    notes: {
      primaryKey: 'id',
      location: 'catalog/notes',
      columns: { id: 'integer', person_id: 'integer', text: 'string' },
      links: { person: { to: 'people', on: { person_id: 'id' }, reverse: 'notes' } },
    },
  },
});
const NOW = new Date('2026-11-22T12:00:00Z');
const campaign = { id: 'c', dimension: 'people', timezone: 'UTC', variables: {} };
const athenaParser = new sqlParser.Parser();
const athena = new AthenaDialect({ database: 'orca' });

const name = (operator: string, value?: unknown): Rule =>
  (value === undefined ? { attribute: 'name', operator } : { attribute: 'name', operator, value }) as Rule;

// Strings compare by code point: ' Cy' < 'Ann' < 'bob' (space 0x20 < 'A' 0x41 < 'b' 0x62).
const QUERIES: Array<[string, Rule, number[]]> = [
  ['equal', name('equal', 'Ann'), [4]],
  ['notEqual', name('notEqual', 'Ann'), [5, 6]],
  ['greater', name('greater', 'Ann'), [5]],
  ['less', name('less', 'Ann'), [6]],
  ['greaterOrEqual', name('greaterOrEqual', 'Ann'), [4, 5]],
  ['lessOrEqual', name('lessOrEqual', 'Ann'), [4, 6]],
  ['in', name('in', ['Ann', 'bob']), [4, 5]],
  ['notIn', name('notIn', ['Ann']), [5, 6]],
  ['isEmpty: NULL, empty and spaces only', name('isEmpty'), [1, 2, 3]],
  ['isNotEmpty (a leading space is content)', name('isNotEmpty'), [4, 5, 6]],
  ['startsWith', name('startsWith', 'A'), [4]],
  ['notStartsWith', name('notStartsWith', 'A'), [5, 6]],
  ['contains', name('contains', 'n'), [4]],
  ['notContains', name('notContains', 'n'), [5, 6]],
  ["like '%'", name('like', '%'), [4, 5, 6]],
  ['notLike', name('notLike', 'A%'), [5, 6]],
  ['integer notEqual', { attribute: 'n', operator: 'notEqual', value: 5 }, [2, 4, 6]],
  ['integer notIn', { attribute: 'n', operator: 'notIn', value: [5, 10] }, [2, 6]],
  ['integer less', { attribute: 'n', operator: 'less', value: 5 }, [2, 6]],
  ['integer isEmpty', { attribute: 'n', operator: 'isEmpty' }, [1, 5]],
  ['timestamp notEqual a day', { attribute: 'seen_at', operator: 'notEqual', value: '2026-11-20' }, [4, 5, 6]],
  ['timestamp isEmpty', { attribute: 'seen_at', operator: 'isEmpty' }, [1]],
  ['expression with an operator', { expression: 'lower(name)', operator: 'notEqual', value: 'ann' }, [5, 6]],
  // [5, 6] from the name, 4 from n.
  [
    'inside an OR group',
    { or: [name('notEqual', 'Ann'), { attribute: 'n', operator: 'equal', value: 10 }] },
    [4, 5, 6],
  ],
  // Everyone but those whose name is a value other than Ann (5, 6).
  [
    'inside EXCEPT',
    { except: [{ attribute: 'id', operator: 'greater', value: 0 }, name('notEqual', 'Ann')] },
    [1, 2, 3, 4],
  ],
  [
    "exists, where: only 5's note 'x' is a value not like 'h%'",
    { exists: 'notes', where: { attribute: 'text', operator: 'notLike', value: 'h%' } },
    [5],
  ],
  [
    "aggregate's where: 4 has one note with a text other than 'x' ('hi')",
    {
      aggregate: {
        function: 'count',
        collection: 'notes',
        where: { attribute: 'text', operator: 'notEqual', value: 'x' },
      },
      operator: 'equal',
      value: 1,
    },
    [4],
  ],
];

let t: TestDb;
let everyone: Population;

async function view(schema: string, table: string, location: string, extra = ''): Promise<void> {
  await t.db.run(
    `CREATE OR REPLACE VIEW "${schema}"."${table}" AS SELECT *${extra} FROM read_parquet('${t.dir}/${location}/**/*.parquet')`,
  );
}

beforeAll(async () => {
  t = await openTestDb('orca-empty-');
  await writeParquet(
    t,
    'catalog/people',
    `SELECT CAST(id AS BIGINT) id, name, CAST(n AS BIGINT) n, CAST(ts AS TIMESTAMP) seen_at FROM (VALUES
       (1, NULL, NULL, NULL), (2, '', 0, '2026-11-20 00:00:00'), (3, '  ', 5, '2026-11-20 23:59:59'),
       (4, 'Ann', 10, '2026-11-21 00:00:00'), (5, 'bob', NULL, '2026-11-21 12:00:00'), (6, ' Cy', -1, '2026-11-22 08:00:00')
     ) AS v(id, name, n, ts)`,
  );
  await writeParquet(
    t,
    'catalog/notes',
    `SELECT CAST(id AS BIGINT) id, CAST(p AS BIGINT) person_id, text FROM (VALUES
       (10, 4, ''), (11, 4, '  '), (12, 4, 'hi'), (13, 4, NULL), (14, 5, 'x')) AS v(id, p, text)`,
  );
  // The population of the split and the enrichment: everyone, as a work table.
  await writeParquet(t, `work/all/${OUTPUT_COLUMN}=main`, 'SELECT CAST(id AS BIGINT) id FROM range(1, 7) AS r(id)');
  everyone = population(
    { dimension: 'people', columns: [{ name: 'id', type: 'integer' }] },
    { location: 'work/all', table: 'w_all', output: 'main', rows: 6 },
  );
  await t.db.run('CREATE SCHEMA orca');
  await view('orca', 'people', 'catalog/people');
  await view('orca', 'notes', 'catalog/notes');
  await view('orca', 'w_all', 'work/all', `, 'main' AS ${OUTPUT_COLUMN}`);
});
afterAll(() => t.close());

function plan(def: Record<string, unknown>, dialect: Dialect, inputs: Input[] = []): string {
  const module = ACTIVITIES.get(String(def.type))!;
  const findings = new Findings();
  const p = planActivity({
    catalog,
    dialect,
    campaign,
    activity: module.schema.parse(def),
    inputs,
    now: NOW,
    report: findings.at(String(def.id), []),
  });
  expect(findings.errors).toEqual([]);
  if (p.action.type !== 'query') throw new Error('not a query');
  return p.action.sql;
}

/** The rows of each output, by the first column, on DuckDB's SQL and on Athena's (run by DuckDB). */
async function both(def: Record<string, unknown>, inputs: Input[] = []): Promise<Array<Record<string, unknown>[]>> {
  const duck = plan(def, new DuckDbDialect(t.dir), inputs);
  const ath = plan(def, athena, inputs);
  // (node-sql-parser knows no FILTER clause: the enrichment's SQL is checked with the Trino grammar
  // by test/athena-statements.test.ts, over the examples.)
  if (def.type !== 'enrichment') expect(() => athenaParser.astify(ath, { database: 'athena' })).not.toThrow();
  return [await t.rows(duck), await t.rows(ath)];
}

const keys = (rows: Record<string, unknown>[], output = 'main') =>
  ids(rows.filter((r) => r[OUTPUT_COLUMN] === output).map((r) => r.id));

const input: () => Input = () => ({
  transition: 'in',
  from: 'src',
  output: 'main',
  schema: { dimension: 'people', columns: everyone.columns },
  ref: everyone,
});

describe('empty values match only isEmpty (hand-worked keys, both engines)', () => {
  for (const [label, rule, expected] of QUERIES) {
    it(`query: ${label}`, async () => {
      for (const rows of await both({ id: 'q', type: 'buildAudience', dimension: 'people', query: rule })) {
        expect(keys(rows)).toEqual(expected);
      }
    });
  }

  it('split filters: notIn takes the values 5 and 6; the empty names go to the complement', async () => {
    const def = {
      id: 's',
      type: 'split',
      generateComplement: true,
      subsets: [{ id: 'other', filter: name('notIn', ['Ann']) }],
    };
    for (const rows of await both(def, [input()])) {
      expect(keys(rows, 'other')).toEqual([5, 6]);
      expect(keys(rows, 'complement')).toEqual([1, 2, 3, 4]);
    }
  });

  it("enrichment aggregates' where: notes whose text is a value other than 'x' (4: 1, the others 0)", async () => {
    const def = {
      id: 'e',
      type: 'enrichment',
      aggregates: [
        {
          collection: 'notes',
          function: 'count',
          where: { attribute: 'text', operator: 'notEqual', value: 'x' },
          as: 'other_notes',
        },
      ],
    };
    for (const rows of await both(def, [input()])) {
      const counts = Object.fromEntries(rows.map((r) => [Number(r.id), Number(r.other_notes)]));
      expect(counts).toEqual({ 1: 0, 2: 0, 3: 0, 4: 1, 5: 0, 6: 0 });
    }
  });

  it("a Test condition on a variable: '   ' is empty (isEmpty is taken, notEqual is not)", async () => {
    const h = await openActivityHarness();
    try {
      const def = {
        id: 't',
        type: 'test',
        branches: [
          { id: 'other', when: { variable: 'v', operator: 'notEqual', value: 'a' } },
          { id: 'blank', when: { variable: 'v', operator: 'isEmpty' } },
        ],
      };
      const act = (v: unknown) => h.act(def, { campaign: { variables: { v: { type: 'string' } } }, variables: { v } });
      expect(Object.keys((await act('   ')).forward)).toEqual(['blank']);
      expect(Object.keys((await act(' b')).forward)).toEqual(['other']);
    } finally {
      h.close();
    }
    expect([null, undefined, '', '   '].map(isEmptyValue)).toEqual([true, true, true, true]);
    expect([' a', '0', 0, false].map(isEmptyValue)).toEqual([false, false, false, false]);
  });
});
