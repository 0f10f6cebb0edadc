/**
 * The export planner's statements in both dialects. The Athena statement follows "Amazon Athena
 * User Guide — UNLOAD": `UNLOAD (SELECT ...) TO 's3://.../' WITH (property_name = 'expression' [, ...])`,
 * the TO location a prefix (it must be empty), format TEXTFILE (one column: each CSV line, built by
 * csvLineSelect, whose lines are checked against DuckDB's own CSV writer) or PARQUET with its
 * compression. Trino has no UNLOAD: the wrapper is checked against that syntax and the query in it
 * parsed with the Trino grammar (Athena engine v3); the checks are shown to fail on what is not so.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/helpers/duckdb.js';
import { TrinoSQL } from '../../test/helpers/sql-grammars.js';
import { AthenaDialect, DuckDbDialect } from '../sql/dialect.js';
import type { Column } from '../sql/types.js';
import { csvLineSelect, exportSelect, exportStatement, exportTarget, headerLine } from './export-plan.js';

/** The documented form: UNLOAD (query) TO 's3://...' WITH (property_name = 'expression' [, ...]). */
const UNLOAD =
  /^UNLOAD \(\n([\s\S]+)\n\) TO '(s3:\/\/(?:[^']|'')+\/)' WITH \(((?:[a-z_]+ = '(?:[^']|'')*'(?:, )?)+)\)$/;
/** The properties the UNLOAD page documents. */
const PROPERTIES = ['format', 'compression', 'compression_level', 'field_delimiter', 'partitioned_by'];

const duckdb = new DuckDbDialect('/data');
const athena = new AthenaDialect({ database: 'orca' });
const csv = { format: 'csv' as const, delimiter: ';', header: true };
const parquet = { format: 'parquet' as const, delimiter: ',', header: true };

describe('export planner', () => {
  it('DuckDB: COPY of the ordered rows to one file, CSV with header and delimiter, or Parquet', () => {
    const select = exportSelect(
      duckdb.catalogTable({ name: 'people', location: 'tables/people' }),
      ['id', 'email'],
      'id',
    );
    expect(select).toBe(
      `SELECT s."id", s."email" FROM read_parquet('/data/tables/people/**/*.parquet') AS s ORDER BY s."id" ASC NULLS LAST`,
    );
    expect(exportTarget(duckdb, 'exports/.work/exp-1', 'csv')).toBe('exports/.work/exp-1/export.csv');
    expect(exportStatement(duckdb, select, '/data/exports/.work/exp-1/export.csv', csv)).toBe(
      `COPY (\n${select}\n) TO '/data/exports/.work/exp-1/export.csv' (FORMAT CSV, HEADER true, DELIMITER ';')`,
    );
    expect(exportStatement(duckdb, select, '/data/x.parquet', parquet)).toBe(
      `COPY (\n${select}\n) TO '/data/x.parquet' (FORMAT PARQUET)`,
    );
  });

  it('Athena: UNLOAD to the empty prefix, TEXTFILE of whole CSV lines or Parquet; its query parses with the Trino grammar', () => {
    const select = exportSelect(
      athena.catalogTable({ name: 'people', location: 'tables/people' }),
      ['id', 'email'],
      'id',
    );
    expect(exportTarget(athena, 'exports/.work/exp-1', 'csv')).toBe('exports/.work/exp-1');
    const lines = csvLineSelect(
      athena,
      athena.catalogTable({ name: 'people', location: 'tables/people' }),
      COLUMNS,
      'id',
      ';',
    );
    const text = exportStatement(athena, lines, 's3://bucket/exports/.work/exp-1', csv);
    expect(text).toBe(`UNLOAD (\n${lines}\n) TO 's3://bucket/exports/.work/exp-1/' WITH (format = 'TEXTFILE')`);
    expect(lines).toMatch(
      /^SELECT CASE WHEN CAST\(s\."id" AS VARCHAR\) IS NULL THEN '' .* AS line FROM "orca"\."people" AS s ORDER BY s\."id" ASC NULLS LAST$/,
    );
    const binary = exportStatement(athena, select, 's3://bucket/exports/.work/exp-1/', parquet);
    expect(binary).toMatch(
      /\) TO 's3:\/\/bucket\/exports\/\.work\/exp-1\/' WITH \(format = 'PARQUET', compression = 'SNAPPY'\)$/,
    );
    // Trino has no UNLOAD (Athena's own statement): the wrapper is checked against the documented
    // syntax, the query inside it with the Trino grammar.
    const parser = new TrinoSQL();
    for (const sql of [text, binary]) {
      const m = UNLOAD.exec(sql);
      expect(m, sql).not.toBeNull();
      expect(parser.validate(m![1]!)).toEqual([]);
      expect(parser.splitSQLByStatement(m![1]!)).toHaveLength(1);
      for (const p of m![3]!.split(', ')) expect(PROPERTIES, p).toContain(p.split(' = ')[0]);
    }
    // The checks can fail: DuckDB's COPY is not an UNLOAD, nor is an UNLOAD without TO, nor a broken query.
    expect(UNLOAD.exec(exportStatement(duckdb, select, '/x.csv', csv))).toBeNull();
    expect(UNLOAD.exec(`UNLOAD (\n${select}\n) WITH (format = 'PARQUET')`)).toBeNull();
    expect(parser.validate('SELECT s."id" FROM "orca"."people" AS s ORDER BY').length).toBeGreaterThan(0);
  });

  it("a delimiter is a value: a quote in it cannot end the statement's string", () => {
    const sql = csvLineSelect(athena, '"orca"."people"', COLUMNS, 'id', "'");
    expect(sql).toContain(" || '''' || ");
    expect(new TrinoSQL().validate(sql)).toEqual([]);
  });

  it('Athena: a double is written with format(%s) (Java Double.toString), not CAST, whose text is always scientific', () => {
    // "Trino — Conversion functions": format(format, args...) takes a java.util.Formatter string.
    const sql = csvLineSelect(athena, '"orca"."t"', [{ name: 'score', type: 'double' }], undefined, ',');
    expect(sql).toContain(`CASE WHEN s."score" IS NULL THEN NULL ELSE format('%s', s."score") END`);
    expect(sql).not.toContain('CAST(s."score" AS VARCHAR)');
    expect(new TrinoSQL().validate(sql)).toEqual([]);
  });

  it('the header line UNLOAD lacks: the column names with the delimiter', () => {
    expect(headerLine(['id', 'email'], ';')).toBe('id;email\n');
    expect(headerLine(['a_b', 'c'], '_')).toBe('"a_b"_c\n');
  });

  it('an audience has no primary key to order by: its rows go as they are when no key is given', () => {
    expect(exportSelect('(SELECT 1 AS "id")', ['id'], undefined)).toBe('SELECT s."id" FROM (SELECT 1 AS "id") AS s');
  });
});

const COLUMNS: Column[] = [
  { name: 'id', type: 'integer' },
  { name: 'email', type: 'string' },
  { name: 'score', type: 'double' },
  { name: 'price', type: 'decimal' },
  { name: 'ok', type: 'boolean' },
  { name: 'born', type: 'date' },
  { name: 'seen', type: 'timestamp' },
];

describe('CSV lines built in SQL (the cloud CSV export), against DuckDB’s own CSV writer', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
    // Hostile values: the delimiters, quotes, both line breaks, an empty string and NULLs of every type.
    await t.db.run(`CREATE TABLE people AS SELECT id::BIGINT AS id, email, score::DOUBLE AS score,
      price::DECIMAL(18, 2) AS price, ok, born, seen FROM (VALUES
      (1, 'ann@x.com', 1.5, 10.50, true, DATE '1990-01-02', TIMESTAMP '2026-01-02 03:04:05'),
      (2, 'a,b;c', 1e21, -1.00, false, NULL, TIMESTAMP '2026-01-02 03:04:05.123'),
      (3, 'say "hi"', 0.1, NULL, NULL, NULL, NULL),
      (4, e'two\nlines', 100000000.0, 0.00, NULL, NULL, NULL),
      (5, e'cr\rhere', NULL, NULL, NULL, NULL, NULL),
      (6, '', -0.25, NULL, NULL, NULL, NULL),
      (7, NULL, NULL, NULL, NULL, NULL, NULL),
      (8, ' spaced ', 2.0, 1.10, NULL, NULL, NULL)
    ) AS v(id, email, score, price, ok, born, seen)`);
  });
  afterAll(() => t.close());

  const lines = async (delimiter: string) =>
    (await t.column(csvLineSelect(duckdb, 'people', COLUMNS, 'id', delimiter))).map((l) => `${l}\n`).join('');
  const copied = async (delimiter: string) => {
    const file = join(t.dir, `copy-${delimiter.charCodeAt(0)}.csv`);
    await t.db.run(
      `COPY (SELECT * FROM people ORDER BY id) TO '${file}' (FORMAT CSV, HEADER false, DELIMITER '${delimiter}')`,
    );
    return readFileSync(file, 'utf8');
  };

  it('the same bytes as COPY ... (FORMAT CSV), for a comma, a semicolon and a tab', async () => {
    for (const d of [',', ';', '\t']) expect(await lines(d), JSON.stringify(d)).toBe(await copied(d));
  });

  it('by hand: quoted only when needed, a quote doubled, "" for an empty string, nothing for NULL', async () => {
    expect(await lines(',')).toBe(
      [
        '1,ann@x.com,1.5,10.50,true,1990-01-02,2026-01-02 03:04:05',
        '2,"a,b;c",1e+21,-1.00,false,,2026-01-02 03:04:05.123',
        '3,"say ""hi""",0.1,,,,',
        '4,"two\nlines",100000000.0,0.00,,,',
        '5,"cr\rhere",,,,,',
        '6,"",-0.25,,,,',
        '7,,,,,,',
        '8, spaced ,2.0,1.10,,,',
        '',
      ].join('\n'),
    );
    // With ';' the comma needs no quotes, the semicolon does.
    expect((await lines(';')).split('\n')[1]).toBe('2;"a,b;c";1e+21;-1.00;false;;2026-01-02 03:04:05.123');
  });
});
