/**
 * The export planner: pure functions from an export and its source to the SQL that writes it, in
 * either dialect. Locally DuckDB's COPY writes one file (CSV with its header and delimiter, or
 * Parquet); in the cloud Athena's UNLOAD writes the files under an empty S3 prefix ("Amazon Athena
 * User Guide — UNLOAD": `UNLOAD (SELECT ...) TO 's3://.../' WITH (property = 'value', ...)`, the
 * TO location empty, formats PARQUET, ORC, AVRO, JSON and TEXTFILE with its field_delimiter). UNLOAD
 * writes no header line: the cloud's finish stage puts `headerLine` first.
 *
 * TEXTFILE neither quotes nor escapes a field (Hive's LazySimpleSerDe writes the text as it is), so
 * a value holding the delimiter, a quote or a line break would break the file. A cloud CSV export
 * therefore UNLOADs one text column, each row's whole CSV line built in SQL (`csvLineSelect`) with
 * the quoting rules of DuckDB's CSV writer, which the local COPY uses (RFC 4180: a field holding
 * the delimiter, a quote, CR or LF is enclosed in quotes, a quote written twice; an empty string is
 * written "" and NULL as nothing).
 */
import { quoteIdent, stringLiteral } from '../sql/literal.js';
import type { Dialect } from '../sql/dialect.js';
import type { Column } from '../sql/types.js';
import type { ExportJob } from './export.js';

export const EXPORT_STAGES = ['read', 'write', 'finish'] as const;
export type ExportStage = (typeof EXPORT_STAGES)[number];

/** The rows to write: the columns in order from a FROM item, ordered by `key` (a table's primary key, an audience's first column). */
export function exportSelect(relation: string, columns: readonly string[], key: string | undefined): string {
  const cols = columns.map((c) => `s.${quoteIdent(c)}`).join(', ');
  return `SELECT ${cols} FROM ${relation} AS s${orderBy(key)}`;
}

/** The order of an export's rows: its key's, NULL keys last; none without a key. */
const orderBy = (key: string | undefined) => (key !== undefined ? ` ORDER BY s.${quoteIdent(key)} ASC NULLS LAST` : '');

/**
 * The rows to write as CSV lines: one VARCHAR column, `line`, each field the column's text
 * (dialect.csvText) quoted when it must be, joined by the delimiter; ordered as exportSelect.
 */
export function csvLineSelect(
  dialect: Dialect,
  relation: string,
  columns: readonly Column[],
  key: string | undefined,
  delimiter: string,
): string {
  const needsQuotes = (v: string) =>
    [stringLiteral(delimiter), `'"'`, 'chr(10)', 'chr(13)'].map((c) => `strpos(${v}, ${c}) > 0`).join(' OR ');
  const field = (c: Column) => {
    const v = dialect.csvText(`s.${quoteIdent(c.name)}`, c.type);
    return `CASE WHEN ${v} IS NULL THEN '' WHEN ${v} = '' OR ${needsQuotes(v)} THEN '"' || replace(${v}, '"', '""') || '"' ELSE ${v} END`;
  };
  const line = columns.map(field).join(` || ${stringLiteral(delimiter)} || `);
  return `SELECT ${line} AS line FROM ${relation} AS s${orderBy(key)}`;
}

/** How many rows the export writes. */
export function exportCountSelect(relation: string): string {
  return `SELECT count(*) AS n FROM ${relation} AS s`;
}

/**
 * Writes the rows: locally to the file `url` (DuckDB's COPY quotes CSV fields itself), in the cloud
 * under the empty prefix `url` (a CSV export's select is csvLineSelect's).
 */
export function exportStatement(
  dialect: Dialect,
  select: string,
  url: string,
  job: Pick<ExportJob, 'format' | 'delimiter' | 'header'>,
): string {
  if (dialect.name === 'duckdb') {
    const options =
      job.format === 'csv'
        ? `FORMAT CSV, HEADER ${job.header}, DELIMITER ${stringLiteral(job.delimiter)}`
        : 'FORMAT PARQUET';
    return `COPY (\n${select}\n) TO ${stringLiteral(url)} (${options})`;
  }
  const prefix = url.endsWith('/') ? url : `${url}/`;
  // CSV: the select is csvLineSelect's, one column holding each whole line.
  const options = job.format === 'csv' ? `format = 'TEXTFILE'` : `format = 'PARQUET', compression = 'SNAPPY'`;
  return `UNLOAD (\n${select}\n) TO ${stringLiteral(prefix)} WITH (${options})`;
}

/** A CSV header line: the column names, quoted when they hold the delimiter or a quote. */
export function headerLine(columns: readonly string[], delimiter: string): string {
  const field = (c: string) => (c.includes(delimiter) || c.includes('"') ? `"${c.replaceAll('"', '""')}"` : c);
  return `${columns.map(field).join(delimiter)}\n`;
}

/** Where the write stage writes: one file in the job's folder locally (COPY), the folder itself in the cloud (UNLOAD). */
export function exportTarget(dialect: Dialect, work: string, format: ExportJob['format']): string {
  return dialect.name === 'duckdb' ? `${work}/export.${format}` : work;
}
