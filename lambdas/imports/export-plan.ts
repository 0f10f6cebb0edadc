/**
 * The export planner: pure functions from an export and its source to the SQL that writes it, in
 * either dialect. Locally DuckDB's COPY writes one file (CSV with its header and delimiter, or
 * Parquet); in the cloud Athena's UNLOAD writes the files under an empty S3 prefix ("Amazon Athena
 * User Guide — UNLOAD": `UNLOAD (SELECT ...) TO 's3://.../' WITH (property = 'value', ...)`, the
 * TO location empty, formats PARQUET, ORC, AVRO, JSON and TEXTFILE with its field_delimiter). UNLOAD
 * writes no header line: the cloud's finish stage puts `headerLine` first.
 */
import { quoteIdent, stringLiteral } from '../sql/literal.js';
import type { Dialect } from '../sql/dialect.js';
import type { ExportJob } from './export.js';

export const EXPORT_STAGES = ['read', 'write', 'finish'] as const;
export type ExportStage = (typeof EXPORT_STAGES)[number];

/** The rows to write: the columns in order from a FROM item, ordered by `key` (a table's primary key, an audience's first column). */
export function exportSelect(relation: string, columns: readonly string[], key: string | undefined): string {
  const cols = columns.map((c) => `s.${quoteIdent(c)}`).join(', ');
  return `SELECT ${cols} FROM ${relation} AS s${key !== undefined ? ` ORDER BY s.${quoteIdent(key)} ASC NULLS LAST` : ''}`;
}

/** How many rows the export writes. */
export function exportCountSelect(relation: string): string {
  return `SELECT count(*) AS n FROM ${relation} AS s`;
}

/**
 * Writes the rows: locally to the file `url`, in the cloud under the empty prefix `url`. CSV values
 * are quoted by DuckDB when they hold the delimiter, a quote or a line break.
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
  const options =
    job.format === 'csv'
      ? `format = 'TEXTFILE', field_delimiter = ${stringLiteral(job.delimiter)}`
      : `format = 'PARQUET', compression = 'SNAPPY'`;
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
