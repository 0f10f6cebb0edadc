/**
 * The export planner's statements in both dialects. The Athena statement follows "Amazon Athena
 * User Guide — UNLOAD": `UNLOAD (SELECT ...) TO 's3://.../' WITH (property_name = 'expression' [, ...])`,
 * the TO location a prefix (it must be empty), format TEXTFILE with its field_delimiter or PARQUET with
 * its compression. Trino has no UNLOAD: the wrapper is checked against that syntax and the query in it
 * parsed with the Trino grammar (Athena engine v3); the checks are shown to fail on what is not so.
 */
import { TrinoSQL } from '../../test/helpers/sql-grammars.js';
import { describe, expect, it } from 'vitest';
import { AthenaDialect, DuckDbDialect } from '../sql/dialect.js';
import { exportSelect, exportStatement, exportTarget, headerLine } from './export-plan.js';

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

  it('Athena: UNLOAD to the empty prefix, TEXTFILE with its delimiter or Parquet; its query parses with the Trino grammar', () => {
    const select = exportSelect(
      athena.catalogTable({ name: 'people', location: 'tables/people' }),
      ['id', 'email'],
      'id',
    );
    expect(exportTarget(athena, 'exports/.work/exp-1', 'csv')).toBe('exports/.work/exp-1');
    const text = exportStatement(athena, select, 's3://bucket/exports/.work/exp-1', csv);
    expect(text).toBe(
      `UNLOAD (\nSELECT s."id", s."email" FROM "orca"."people" AS s ORDER BY s."id" ASC NULLS LAST\n) TO 's3://bucket/exports/.work/exp-1/' WITH (format = 'TEXTFILE', field_delimiter = ';')`,
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
    const sql = exportStatement(athena, 'SELECT 1', 's3://b/p', { format: 'csv', delimiter: "'", header: false });
    expect(sql).toContain("field_delimiter = ''''");
  });

  it('the header line UNLOAD lacks: the column names with the delimiter', () => {
    expect(headerLine(['id', 'email'], ';')).toBe('id;email\n');
    expect(headerLine(['a_b', 'c'], '_')).toBe('"a_b"_c\n');
  });

  it('an audience has no primary key to order by: its rows go as they are when no key is given', () => {
    expect(exportSelect('(SELECT 1 AS "id")', ['id'], undefined)).toBe('SELECT s."id" FROM (SELECT 1 AS "id") AS s');
  });
});
