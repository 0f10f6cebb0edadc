/**
 * The import planner's SQL, golden-tested in both dialects (lambdas/imports/__golden__), every
 * Athena statement parsed as one statement by the Trino grammar (Athena engine v3 is Trino:
 * "Amazon Athena User Guide — Athena engine version 3"), as test/athena-statements.test.ts does.
 */
import { describe, expect, it } from 'vitest';
import { TrinoSQL } from '../../test/helpers/sql-grammars.js';
import { buildCatalog } from '../catalog/catalog.js';
import { AthenaDialect, DuckDbDialect, type Dialect } from '../sql/dialect.js';
import { parseImportJob, type ImportJobInput } from './job.js';
import {
  applySelect,
  changeCountsSelect,
  distinctKeysSelect,
  doublesSelect,
  firstLinesSelect,
  matchedColumns,
  matchSelect,
  rawRelation,
  rejectsSelect,
  REJECT_COLUMNS,
  typedColumns,
  typeSelect,
  workRef,
  writeStatement,
} from './plan.js';

const catalog = buildCatalog({
  tables: {
    people: {
      primaryKey: 'id',
      location: 'tables/people',
      columns: { id: 'integer', email: 'string', age: 'integer', score: 'double', city: 'string' },
    },
  },
});
const table = catalog.table('people')!;

const JOBS: Record<string, Partial<ImportJobInput>> = {
  upsert: { operation: 'insertOrUpdate' },
  'insert-second-key-reject-doubles': { operation: 'insert', secondKey: 'email', doubles: 'reject' },
  'delete-parquet': { operation: 'delete', source: { file: 'uploads/p.parquet', format: 'parquet' } },
  'update-policies': {
    operation: 'update',
    doubles: 'ignore',
    columns: [
      { field: 'id', column: 'id' },
      { field: 'email', column: 'email', required: true },
      { field: 'age', column: 'age', onError: 'default', default: 18 },
      { field: 'score', column: 'score', onError: 'ignore' },
      { field: 'note' },
    ],
  },
};

function statements(dialect: Dialect, name: string): Array<[string, string]> {
  const job = parseImportJob(
    {
      table: 'people',
      key: 'id',
      source: { file: 'uploads/people.csv' },
      columns: [
        { field: 'id', column: 'id' },
        { field: 'email', column: 'email' },
        { field: 'age', column: 'age' },
      ],
      ...JOBS[name],
    },
    name.replaceAll('-', '_'),
    catalog,
  );
  const work = 'imports/imp-1';
  const typed = workRef(work, 'type', 'main', typedColumns(job, table), 10);
  const lines = workRef(
    work,
    'doubles',
    'main',
    typedColumns(job, table).filter((c) => c.name !== 'orca_warning'),
    10,
  );
  const rejects = workRef(work, 'type', 'rejects', REJECT_COLUMNS, 2);
  const matched = workRef(work, 'match', 'main', matchedColumns(table), 10);
  const current = { name: 'people', location: 'versions/people/imp-0' };
  const t = dialect.workTable.bind(dialect);
  const url = dialect.name === 'duckdb' ? '/data/versions/people/imp-1' : 's3://bucket/versions/people/imp-1/';
  // A CSV file's layout as the load stage finds it (DuckDB reads the file itself; Athena its JSON-lines copy).
  const layout = { header: true, gaps: [0, 3], blanks: [4] };
  return [
    ['type', typeSelect(dialect, job, table, rawRelation(dialect, job, work, layout))],
    ['first-lines', firstLinesSelect(t(typed), t(rejects))],
    ['distinct-keys', distinctKeysSelect(job, t(typed))],
    ['doubles', doublesSelect(job, table, t(lines))],
    ['match', matchSelect(dialect, job, table, t(lines), current)],
    ['match-unique-keys', matchSelect(dialect, job, table, t(typed), current, true)],
    ['changes', changeCountsSelect(t(matched))],
    ['rejects', rejectsSelect(job, [t(rejects)], t(matched))],
    ['apply', writeStatement(dialect, applySelect(dialect, table, t(matched), current), url, 'imp_version')],
  ];
}

const duckdb = new DuckDbDialect('/data');
const athena = new AthenaDialect({ database: 'orca' });

describe('import planner goldens', () => {
  for (const name of Object.keys(JOBS)) {
    it(`${name}: DuckDB and Athena`, async () => {
      const text = (d: Dialect) =>
        statements(d, name)
          .map(([stage, sql]) => `-- ${stage}\n${sql};\n`)
          .join('\n');
      await expect(text(duckdb)).toMatchFileSnapshot(`__golden__/${name}.duckdb.sql`);
      await expect(text(athena)).toMatchFileSnapshot(`__golden__/${name}.athena.sql`);
    });
  }

  it('every Athena statement parses as one Trino statement', () => {
    const parser = new TrinoSQL();
    const found: string[] = [];
    let count = 0;
    for (const name of Object.keys(JOBS)) {
      for (const [stage, sql] of statements(athena, name)) {
        count++;
        const errors = parser.validate(sql);
        const n = parser.splitSQLByStatement(sql)?.length ?? 0;
        if (errors.length || n !== 1)
          found.push(
            `${name} ${stage}: ${errors.map((e) => `${e.startLine}:${e.startColumn} ${e.message}`).join('; ')} (${n} statements)`,
          );
      }
    }
    expect(count).toBe(36);
    expect(found).toEqual([]);
    // The check can fail: DuckDB's COPY is not Trino.
    expect(parser.validate(statements(duckdb, 'upsert').at(-1)![1]).length).toBeGreaterThan(0);
  });

  it('the apply stage is one query over the current version and the matched lines', () => {
    const apply = statements(athena, 'upsert').at(-1)![1];
    expect(apply.match(/\bFROM "orca"\."people" AS t\b/g)).toHaveLength(1);
    expect(apply).toMatch(/UNION ALL/);
    expect(apply).toMatch(/^CREATE TABLE "orca"\."imp_version"\nWITH \(format = 'PARQUET'/);
  });
});
