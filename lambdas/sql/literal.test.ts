/**
 * SQL injection is impossible by construction: a property test feeds hostile values (quotes,
 * backslashes, `'; DROP TABLE x; --`, NUL, unicode, very long strings) into every kind of string
 * condition and checks that (1) the statement is the placeholder statement with only the literal
 * swapped, and (2) DuckDB returns exactly the rows that match the value, as computed in JavaScript
 * over rows inserted with bound parameters (not through orca's escaping); empty values ('', NULL,
 * and a value made of spaces) match no condition but isEmpty.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { buildCatalog } from '../catalog/catalog.js';
import { planActivity } from '../planner.js';
import { Findings } from '../util/issues.js';
import type { Rule } from '../query/rules.js';
import { DuckDbDialect, type TableSource } from './dialect.js';
import { literal, quoteIdent, SqlSafetyError, stringLiteral } from './literal.js';

/** The DuckDB dialect, reading the catalog table from an in-memory table instead of Parquet. */
class InMemoryDialect extends DuckDbDialect {
  override catalogTable(t: TableSource): string {
    return quoteIdent(t.name);
  }
}

const catalog = buildCatalog({
  tables: { people: { primaryKey: 'id', location: 'people', columns: { id: 'integer', name: 'string' } } },
});
const PLACEHOLDER = 'orca_placeholder_value_7f3a';

type Kind = {
  name: string;
  rule: (v: string) => Rule;
  matches: (x: string, v: string) => boolean;
  values?: (v: string) => Record<string, unknown>;
  maxLength?: number;
  /** Plain SQL (an expression without an operator): the rule of empty values does not apply. */
  sqlOnly?: boolean;
};

/** README, "Queries": an empty value (here: '' or nothing but spaces) matches no operator but isEmpty. */
const blank = (x: string) => /^ *$/.test(x);

/** SQL LIKE (no escape character), by code point: the classic two-pointer wildcard match. */
function like(text: string, pattern: string): boolean {
  const t = [...text];
  const p = [...pattern];
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (i < t.length) {
    if (j < p.length && (p[j] === '_' || (p[j] !== '%' && p[j] === t[i]))) {
      i++;
      j++;
    } else if (j < p.length && p[j] === '%') {
      star = j++;
      mark = i;
    } else if (star >= 0) {
      j = star + 1;
      i = ++mark;
    } else return false;
  }
  while (j < p.length && p[j] === '%') j++;
  return j === p.length;
}
const utf8 = (s: string) => Buffer.from(s, 'utf8');

const KINDS: Kind[] = [
  { name: 'equal', rule: (v) => ({ attribute: 'name', operator: 'equal', value: v }), matches: (x, v) => x === v },
  {
    name: 'notEqual',
    rule: (v) => ({ attribute: 'name', operator: 'notEqual', value: v }),
    matches: (x, v) => x !== v,
  },
  {
    name: 'in',
    rule: (v) => ({ attribute: 'name', operator: 'in', value: [v, 'plain'] }),
    matches: (x, v) => x === v || x === 'plain',
  },
  {
    name: 'notIn',
    rule: (v) => ({ attribute: 'name', operator: 'notIn', value: [v, 'plain'] }),
    matches: (x, v) => x !== v && x !== 'plain',
  },
  {
    name: 'startsWith',
    rule: (v) => ({ attribute: 'name', operator: 'startsWith', value: v }),
    matches: (x, v) => x.startsWith(v),
  },
  {
    name: 'notStartsWith',
    rule: (v) => ({ attribute: 'name', operator: 'notStartsWith', value: v }),
    matches: (x, v) => !x.startsWith(v),
  },
  {
    name: 'contains',
    rule: (v) => ({ attribute: 'name', operator: 'contains', value: v }),
    matches: (x, v) => x.includes(v),
  },
  {
    name: 'notContains',
    rule: (v) => ({ attribute: 'name', operator: 'notContains', value: v }),
    matches: (x, v) => !x.includes(v),
  },
  { name: 'like', rule: (v) => ({ attribute: 'name', operator: 'like', value: v }), matches: (x, v) => like(x, v) },
  {
    name: 'notLike',
    rule: (v) => ({ attribute: 'name', operator: 'notLike', value: v }),
    matches: (x, v) => !like(x, v),
  },
  {
    name: 'greater',
    rule: (v) => ({ attribute: 'name', operator: 'greater', value: v }),
    matches: (x, v) => Buffer.compare(utf8(x), utf8(v)) > 0,
  },
  {
    name: 'lessOrEqual',
    rule: (v) => ({ attribute: 'name', operator: 'lessOrEqual', value: v }),
    matches: (x, v) => Buffer.compare(utf8(x), utf8(v)) <= 0,
  },
  {
    name: 'expression string literal',
    rule: (v) => ({
      expression: `name = '${v.replaceAll("'", "''")}' OR name = 'x' || '${v.replaceAll("'", "''")}' || 'y'`,
    }),
    matches: (x, v) => x === v || x === `x${v}y`,
    // Two copies must fit in the expression language's 20,000 characters.
    maxLength: 9000,
    sqlOnly: true,
  },
  {
    name: 'variable value',
    rule: () => ({ attribute: 'name', operator: 'equal', value: { variable: 'who' } }),
    matches: (x, v) => x === v,
    values: (v) => ({ who: v }),
  },
  {
    name: 'nested in except and or',
    rule: (v) => ({
      except: [
        {
          or: [
            { attribute: 'name', operator: 'contains', value: v },
            { attribute: 'id', operator: 'equal', value: 4 },
          ],
        },
        { attribute: 'name', operator: 'equal', value: v },
      ],
    }),
    matches: (x, v) => (x.includes(v) || x === 'plain') && x !== v,
  },
];

const hostile = fc.oneof(
  fc.constantFrom(
    "'",
    "''",
    '\\',
    "\\'",
    "'; DROP TABLE people; --",
    "x' OR '1'='1",
    '"; DROP TABLE people; --',
    '\u0000',
    'a\u0000b',
    "\u0000'; --",
    '%',
    '_',
    '%_%',
    '\n',
    '\r\n\t',
    '😀',
    'é',
    'Ω≈ç√',
    '\u202eevil',
    '/*',
    '*/',
    '$$',
    "E'\\x27'",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a hostile input, taken literally
    '${x}',
    "Robert'); DROP TABLE students;--",
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => s.isWellFormed()),
  fc.string({ unit: fc.constantFrom("'", '\\', '%', '_', '\u0000', ';', '-', 'a', 'é'), maxLength: 30 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 5000, maxLength: 20000 }),
);

function compile(rule: Rule, values?: Record<string, unknown>): string {
  const findings = new Findings();
  const plan = planActivity({
    catalog,
    dialect: new InMemoryDialect('/nowhere'),
    campaign: { id: 'c', dimension: 'people', timezone: 'UTC', variables: { who: { type: 'string' } } },
    activity: { id: 'q', type: 'buildAudience', query: rule, emitWhenEmpty: true } as never,
    inputs: [],
    now: new Date('2026-01-01T00:00:00Z'),
    report: findings.at('q', []),
    values,
  });
  if (findings.errors.length) throw new Error(JSON.stringify(findings.errors));
  return plan.action.type === 'query' ? plan.action.sql : '';
}

describe('hostile values', () => {
  let db: DuckDBConnection;
  let close: () => void;
  beforeAll(async () => {
    const instance = await DuckDBInstance.create(':memory:');
    db = await instance.connect();
    close = () => {
      db.closeSync();
      instance.closeSync();
    };
    await db.run('CREATE TABLE people (id BIGINT, name VARCHAR)');
  });
  afterAll(() => close());

  /** Rows related to v, inserted with bound parameters: orca's escaping plays no part. */
  async function load(v: string): Promise<Map<number, string>> {
    const rows = new Map<number, string>([
      [1, v],
      [2, `${v}x`],
      [3, `x${v}`],
      [4, 'plain'],
      [5, ''],
      [7, v.toUpperCase()],
      [8, `x${v}y`],
    ]);
    await db.run('DELETE FROM people');
    // One INSERT of every row, each value a bound parameter (row 6 has no name).
    const all: Array<[number, string | null]> = [...rows, [6, null]];
    await db.run(
      `INSERT INTO people VALUES ${all.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ')}`,
      all.flat(),
    );
    return rows;
  }

  for (const kind of KINDS) {
    it(`${kind.name}: the value only fills the literal slot, and exactly the matching rows come back`, async () => {
      const placeholderSql = compile(kind.rule(PLACEHOLDER), kind.values?.(PLACEHOLDER));
      await fc.assert(
        fc.asyncProperty(kind.maxLength ? hostile.filter((v) => v.length <= kind.maxLength!) : hostile, async (v) => {
          const sql = compile(kind.rule(v), kind.values?.(v));
          // 1. Structure: the statement is the placeholder's, with each literal swapped.
          const swapped = placeholderSql.replaceAll(stringLiteral(PLACEHOLDER), () => stringLiteral(v));
          if (kind.name !== 'expression string literal') expect(sql).toBe(swapped);
          // 2. Semantics: DuckDB returns exactly the rows the value matches.
          const rows = await load(v);
          const expected = [...rows]
            .filter(([, x]) => (kind.sqlOnly || !blank(x)) && kind.matches(x, v))
            .map(([id]) => id)
            .sort((a, b) => a - b);
          const got = (await db.runAndReadAll(`SELECT id FROM (${sql}) AS q`))
            .getRows()
            .map((r) => Number(r[0]))
            .sort((a, b) => a - b);
          expect(got).toEqual(expected);
          // The table is still there and intact.
          expect(Number((await db.runAndReadAll('SELECT count(*) FROM people')).getRows()[0]![0])).toBe(8);
        }),
        { numRuns: Number(process.env.FC_RUNS ?? 60) },
      );
    });
  }

  it('a string literal round-trips any well-formed value, NUL included', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (v) => {
        const got = (await db.runAndReadAll(`SELECT ${literal(v, 'string')} AS v`)).getRows()[0]![0];
        expect(got).toBe(v);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses what cannot be a literal or an identifier', () => {
    expect(() => literal('\ud800', 'string')).toThrow(SqlSafetyError);
    expect(() => literal('1; DROP TABLE x', 'integer')).toThrow(SqlSafetyError);
    expect(() => literal("2026-01-01'; --", 'date')).toThrow(SqlSafetyError);
    expect(() => literal('2026-02-30', 'date')).toThrow(SqlSafetyError);
    expect(() => literal('1e5', 'decimal')).toThrow(SqlSafetyError);
    expect(() => quoteIdent('a"b')).toThrow(SqlSafetyError);
    expect(() => quoteIdent('Robert; DROP')).toThrow(SqlSafetyError);
    expect(() => literal(1e21, 'decimal')).toThrow(SqlSafetyError);
    expect(literal(1e-7, 'decimal')).toBe('0.0000001');
    expect(literal(1e21, 'double')).toBe('CAST(1e+21 AS DOUBLE)');
    expect(literal("it's", 'string')).toBe("'it''s'");
    expect(literal('a\u0000b', 'string')).toBe("('a' || chr(0) || 'b')");
  });

  it('a hostile value of the wrong type is a validation error, not SQL', () => {
    const findings = new Findings();
    planActivity({
      catalog,
      dialect: new InMemoryDialect('/nowhere'),
      campaign: { id: 'c', dimension: 'people', timezone: 'UTC', variables: {} },
      activity: {
        id: 'q',
        type: 'buildAudience',
        query: { attribute: 'id', operator: 'equal', value: '1 OR 1=1; --' },
        emitWhenEmpty: false,
      } as never,
      inputs: [],
      now: new Date(),
      report: findings.at('q', []),
    });
    expect(findings.errors).toEqual([
      { activity: 'q', path: 'query.value', message: expect.stringContaining('expected an integer') },
    ]);
  });
});
