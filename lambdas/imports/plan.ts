/**
 * The import planner: pure functions from a job, its catalog table and where things are to the SQL
 * of each stage, in either dialect (DuckDB locally, Athena in the cloud):
 *
 * - load: the file as a relation of text fields plus its line numbers (locally a CSV file read by
 *   DuckDB's read_csv, its line numbers from the layout of lambdas/imports/read-source.ts; JSON
 *   lines, and CSV in the cloud, through their JSON-lines copy; Parquet read as it is);
 * - type: each field converted to its column's type (the rules of Load file, lambdas/activities/load-file.ts),
 *   a bad value rejecting the line, ignored with a warning, or replaced by the default; outputs main and rejects;
 * - doubles: lines of the file with the same key (last wins, first wins, or all rejected); outputs main, doubles and rejects;
 * - match: each line joined to the current version on the key, or on the second key when the key is
 *   empty, with the row it would become and its change (insert, update, unchanged, delete, exists, notFound, matched, double);
 * - apply: the next version as ONE query over the current version and the matched lines;
 * - counts and rejects: small queries over the work tables.
 */
import { literal, quoteIdent, stringLiteral } from '../sql/literal.js';
import type { Dialect, TableSource } from '../sql/dialect.js';
import { type AthenaDialect, DuckDbDialect, OUTPUT_COLUMN } from '../sql/dialect.js';
import { LINE_COLUMN } from '../sql/csv.js';
import { sqlType, type Column, type ColumnType } from '../sql/types.js';
import type { Population } from '../sql/population.js';
import type { CatalogTable } from '../catalog/catalog.js';
import { convert } from '../activities/load-file.js';
import { glueTableName } from '../layout.js';
import type { ImportJob, JobColumn } from './job.js';
import { rawColumn, type CsvLayout } from './read-source.js';

export const STAGES = ['load', 'type', 'doubles', 'match', 'apply', 'swap'] as const;
export type Stage = (typeof STAGES)[number];

export const CHANGES = ['insert', 'update', 'unchanged', 'delete', 'exists', 'notFound', 'matched', 'double'] as const;
export type Change = (typeof CHANGES)[number];

export const REJECT_COLUMNS: Column[] = [
  { name: 'reject_line', type: 'integer' },
  { name: 'reject_column', type: 'string' },
  { name: 'reject_value', type: 'string' },
  { name: 'reject_reason', type: 'string' },
];

const LINE: Column = { name: LINE_COLUMN, type: 'integer' };
const WARNING: Column = { name: 'orca_warning', type: 'string' };
const CHANGE: Column = { name: 'orca_change', type: 'string' };
const TARGET = 'orca_target';

const q = quoteIdent;
const nullOf = (type: ColumnType) => `CAST(NULL AS ${sqlType(type)})`;

/** A mapped field: the job's column with its catalog type and its place in the file. */
export interface MappedColumn extends JobColumn {
  column: string;
  type: ColumnType;
  index: number;
}

export function mappedColumns(job: ImportJob, table: CatalogTable): MappedColumn[] {
  return job.columns.flatMap((c, index) =>
    c.column === undefined ? [] : [{ ...c, column: c.column, type: table.columns.get(c.column)!.type, index }],
  );
}

/** Where a job's work tables are: <work>/<stage> (folder) and its Glue table (cloud). */
export function workTarget(work: string, stage: string): { location: string; table: string } {
  return { location: `${work}/${stage}`, table: glueTableName('imp', work, stage) };
}

/** The copy of a CSV or JSON-lines file that the load stage writes (see read-source.ts). */
export function sourceCopy(job: ImportJob, work: string) {
  return {
    location: job.source.file,
    copy: `${work}/source`,
    table: glueTableName('imp', work, 'source'),
    delimiter: job.source.delimiter,
    header: job.source.header,
    columns: job.columns.map((_, i) => rawColumn(i)),
  };
}

/**
 * A CSV file read by DuckDB, every field as text in the mapping's order (missing fields NULL, extra
 * ones ignored, quotes written twice inside a quoted field, a backslash an ordinary character), and
 * orca_line: the row's number plus the header and the empty lines before it (DuckDB skips them);
 * the lines of blanks, rows for DuckDB, are dropped. row_number() OVER () numbers rows in the file's
 * order whatever preserve_insertion_order says: DuckDB plans it as a streaming window, an operator of
 * FIXED_ORDER that its pipeline feeds in scan order (checked on the benchmark's 1M lines, 2 threads).
 */
export function duckDbCsv(dialect: DuckDbDialect, job: ImportJob, layout: CsvLayout): string {
  const { file, delimiter, quote, encoding } = job.source;
  const path = `${dialect.dataRoot.replace(/\/+$/, '')}/${file}`;
  const columns = job.columns.map((_, i) => `${stringLiteral(rawColumn(i))}: 'VARCHAR'`).join(', ');
  const options = [
    `columns = {${columns}}`,
    `header = ${layout.header}`,
    `delim = ${stringLiteral(delimiter)}`,
    `quote = ${stringLiteral(quote)}`,
    `escape = ${stringLiteral(quote)}`,
    `encoding = ${stringLiteral(encoding)}`,
    'auto_detect = false',
    'null_padding = true',
    'strict_mode = false',
  ];
  const r = 'c.orca_row';
  const gaps = layout.gaps.length
    ? ` + CASE ${layout.gaps
        .map((g, i): [number, number] => [g, i + 1])
        .reverse()
        .map(([g, k]) => `WHEN ${r} > ${g} THEN ${k}`)
        .join(' ')} ELSE 0 END`
    : '';
  const line = `${r} + ${layout.header ? 1 : 0}${gaps}`;
  const fields = job.columns.map((_, i) => `n.${q(rawColumn(i))}`).join(', ');
  const numbered = `SELECT c.*, ${line} AS ${q(LINE_COLUMN)} FROM (SELECT *, row_number() OVER () AS orca_row FROM read_csv(${stringLiteral(path)}, ${options.join(', ')})) AS c`;
  const where = layout.blanks.length ? ` WHERE n.${q(LINE_COLUMN)} NOT IN (${layout.blanks.join(', ')})` : '';
  return `(SELECT ${fields}, n.${q(LINE_COLUMN)} FROM (${numbered}) AS n${where})`;
}

/**
 * The load stage's relation: every field as text (orca_raw_<i>) and orca_line. `layout`: where a CSV
 * file's lines without a record are (read by the load stage; DuckDB then reads the file itself).
 */
export function rawRelation(dialect: Dialect, job: ImportJob, work: string, layout?: CsvLayout): string {
  if (job.source.format === 'csv' && layout && dialect instanceof DuckDbDialect) return duckDbCsv(dialect, job, layout);
  if (job.source.format !== 'parquet') return dialect.csvFile(sourceCopy(job, work));
  const fields = job.columns.map((c, i) => `CAST(${q(c.field)} AS VARCHAR) AS ${q(rawColumn(i))}`).join(', ');
  if (dialect instanceof DuckDbDialect) {
    const path = `${dialect.dataRoot.replace(/\/+$/, '')}/${job.source.file}`;
    return `(SELECT ${fields}, file_row_number + 1 AS ${q(LINE_COLUMN)} FROM read_parquet(${stringLiteral(path)}, file_row_number = true))`;
  }
  // A Glue table over the uploaded file's folder (created by the load stage); Parquet has no lines: rows are numbered.
  const table = (dialect as AthenaDialect).ownTable(sourceCopy(job, work).table);
  return `(SELECT ${fields}, row_number() OVER () AS ${q(LINE_COLUMN)} FROM ${table})`;
}

function caseOf(branches: Array<[string, string]>, otherwise: string): string {
  return branches.length
    ? `CASE ${branches.map(([w, t]) => `WHEN ${w} THEN ${t}`).join(' ')} ELSE ${otherwise} END`
    : otherwise;
}

/** Whether a line can be kept with a warning (a column that ignores or replaces its bad values). */
export function canWarn(job: ImportJob, table: CatalogTable): boolean {
  const keys = new Set([job.key, job.secondKey]);
  return mappedColumns(job, table).some((c) => c.onError !== 'reject' && c.type !== 'string' && !keys.has(c.column));
}

/** Layout of the typed work table (main and rejects share it). */
export function typedColumns(job: ImportJob, table: CatalogTable): Column[] {
  return [...mappedColumns(job, table).map((c) => ({ name: c.column, type: c.type })), LINE, WARNING];
}

/**
 * The type stage: one pass over the raw relation; main holds typed lines, rejects the others. Each
 * field is trimmed and converted once (s_<i>, v_<i>), then checked.
 */
export function typeSelect(dialect: Dialect, job: ImportJob, table: CatalogTable, raw: string): string {
  const cols = mappedColumns(job, table);
  const s = (c: MappedColumn) => `x.${q(`orca_s_${c.index}`)}`;
  const v = (c: MappedColumn) => `x.${q(`orca_v_${c.index}`)}`;
  const byColumn = new Map(cols.map((c) => [c.column, c]));
  const key = byColumn.get(job.key)!;
  const second = job.secondKey !== undefined ? byColumn.get(job.secondKey)! : undefined;
  // Each problem: condition, column (the file's field), value, reason. The first one is the line's.
  const problems: Array<{ when: string; field: string; value: string; reason: string }> = [
    {
      when: second ? `${s(key)} IS NULL AND ${s(second)} IS NULL` : `${s(key)} IS NULL`,
      field: key.field,
      value: "''",
      reason: second ? `no key: ${key.field} and ${second.field} are both empty` : `no key: ${key.field} is empty`,
    },
  ];
  for (const c of cols) {
    if (c.required)
      problems.push({ when: `${s(c)} IS NULL`, field: c.field, value: "''", reason: 'a value is required' });
    // A key that does not convert cannot match: the line is rejected whatever the column's onError.
    const rejectsBad = c.onError === 'reject' || c === key || c === second;
    if (rejectsBad && c.type !== 'string')
      problems.push({
        when: `${s(c)} IS NOT NULL AND ${v(c)} IS NULL`,
        field: c.field,
        value: s(c),
        reason: `not a valid ${c.type}`,
      });
  }
  const none = 'CAST(NULL AS VARCHAR)';
  const reason = caseOf(
    problems.map((p) => [p.when, stringLiteral(p.reason)]),
    none,
  );
  const column = caseOf(
    problems.map((p) => [p.when, stringLiteral(p.field)]),
    none,
  );
  const value = caseOf(
    problems.map((p) => [p.when, p.value]),
    none,
  );
  const warning = caseOf(
    cols
      .filter((c) => c.onError !== 'reject' && c.type !== 'string' && c !== key && c !== second)
      .map((c): [string, string] => [`${s(c)} IS NOT NULL AND ${v(c)} IS NULL`, stringLiteral(c.field)]),
    none,
  );
  const values = cols.map((c) => {
    if (c.onError !== 'default' || c.type === 'string') return `${v(c)} AS ${q(c.column)}`;
    return `CASE WHEN ${s(c)} IS NULL THEN ${nullOf(c.type)} ELSE COALESCE(${v(c)}, ${literal(c.default, c.type)}) END AS ${q(c.column)}`;
  });
  const fields = cols.flatMap((c) => {
    const text = `NULLIF(trim(r.${q(rawColumn(c.index))}), '')`;
    return [`${text} AS ${q(`orca_s_${c.index}`)}`];
  });
  const converted = cols.map((c) => {
    const sv = `y.${q(`orca_s_${c.index}`)}`;
    return `${c.type === 'string' ? sv : convert(dialect, sv, c.type)} AS ${q(`orca_v_${c.index}`)}`;
  });
  const trimmed = `SELECT r.${q(LINE_COLUMN)}, ${fields.join(', ')} FROM ${raw} AS r`;
  const typed = `SELECT y.*, ${converted.join(', ')} FROM (${trimmed}) AS y`;
  const checked = `SELECT ${values.join(', ')}, x.${q(LINE_COLUMN)}, ${warning} AS orca_warning, ${reason} AS orca_reason, ${column} AS orca_column, ${value} AS orca_value FROM (${typed}) AS x`;
  const good = 'c.orca_reason IS NULL';
  const select = [
    ...cols.map((c) => `CASE WHEN ${good} THEN c.${q(c.column)} END AS ${q(c.column)}`),
    `CASE WHEN ${good} THEN c.${q(LINE_COLUMN)} END AS ${q(LINE_COLUMN)}`,
    `CASE WHEN ${good} THEN c.orca_warning END AS orca_warning`,
    `CASE WHEN ${good} THEN CAST(NULL AS BIGINT) ELSE c.${q(LINE_COLUMN)} END AS reject_line`,
    'c.orca_column AS reject_column',
    'c.orca_value AS reject_value',
    'c.orca_reason AS reject_reason',
    `CASE WHEN ${good} THEN 'main' ELSE 'rejects' END AS ${q(OUTPUT_COLUMN)}`,
  ];
  return `SELECT ${select.join(',\n  ')}\nFROM (${checked}) AS c`;
}

/** The partition of the doubles stage: the key, and the second key for the lines whose key is empty. */
function keyPartition(job: ImportJob, alias: string): string {
  const k = `${alias}.${q(job.key)}`;
  return job.secondKey !== undefined ? `${k}, CASE WHEN ${k} IS NULL THEN ${alias}.${q(job.secondKey)} END` : k;
}

/** How many keys the typed lines have (as the doubles stage tells them apart): as many as lines, no doubles. */
export function distinctKeysSelect(job: ImportJob, typed: string): string {
  return `SELECT count(*) AS n FROM (SELECT DISTINCT ${keyPartition(job, 't')} FROM ${typed} AS t) AS k`;
}

/** The doubles stage: one line per key (or second key when the key is empty), the others counted or rejected. */
export function doublesSelect(job: ImportJob, table: CatalogTable, typed: string): string {
  const cols = typedColumns(job, table).filter((c) => c.name !== WARNING.name);
  const k = `t.${q(job.key)}`;
  const partition = keyPartition(job, 't');
  const keyText = `CAST(${job.secondKey !== undefined ? `COALESCE(CAST(${k} AS VARCHAR), CAST(t.${q(job.secondKey)} AS VARCHAR))` : k} AS VARCHAR)`;
  const rank =
    job.doubles === 'reject'
      ? `count(*) OVER (PARTITION BY ${partition})`
      : `row_number() OVER (PARTITION BY ${partition} ORDER BY t.${q(LINE_COLUMN)} ${job.doubles === 'lastWins' ? 'DESC' : 'ASC'})`;
  const output =
    job.doubles === 'reject'
      ? `CASE WHEN d.orca_rank = 1 THEN 'main' ELSE 'rejects' END`
      : `CASE WHEN d.orca_rank = 1 THEN 'main' ELSE 'doubles' END`;
  const rejected = job.doubles === 'reject' ? 'd.orca_rank > 1' : 'FALSE';
  const select = [
    ...cols.map((c) => `d.${q(c.name)}`),
    `CASE WHEN ${rejected} THEN d.${q(LINE_COLUMN)} END AS reject_line`,
    `CASE WHEN ${rejected} THEN ${stringLiteral(job.columns.find((c) => c.column === job.key)!.field)} END AS reject_column`,
    `CASE WHEN ${rejected} THEN d.orca_key END AS reject_value`,
    `CASE WHEN ${rejected} THEN 'duplicate key' END AS reject_reason`,
    `${output} AS ${q(OUTPUT_COLUMN)}`,
  ];
  return `SELECT ${select.join(', ')}\nFROM (SELECT t.*, ${keyText} AS orca_key, ${rank} AS orca_rank FROM ${typed} AS t) AS d`;
}

function changeOf(operation: ImportJob['operation'], matched: string, differs: string): string {
  switch (operation) {
    case 'insert':
      return `CASE WHEN ${matched} THEN 'exists' ELSE 'insert' END`;
    case 'update':
      return `CASE WHEN NOT ${matched} THEN 'notFound' WHEN ${differs} THEN 'update' ELSE 'unchanged' END`;
    case 'insertOrUpdate':
      return `CASE WHEN NOT ${matched} THEN 'insert' WHEN ${differs} THEN 'update' ELSE 'unchanged' END`;
    case 'delete':
      return `CASE WHEN ${matched} THEN 'delete' ELSE 'notFound' END`;
    case 'reconcile':
      return `CASE WHEN ${matched} THEN 'matched' ELSE 'notFound' END`;
  }
}

/** Layout of the matched work table: every column of the table as the row would become, and the change. */
export function matchedColumns(table: CatalogTable): Column[] {
  return [
    ...[...table.columns.values()].map((c) => ({ name: c.name, type: c.type })),
    LINE,
    CHANGE,
    { name: TARGET, type: table.columns.get(table.primaryKey)!.type },
  ];
}

/**
 * The match stage: each line with its target row (matched on the key, or on the second key when the
 * key is empty), the row it would become and its change; a second line reaching the same row is a
 * double. `uniqueKeys`: the lines have distinct keys; when the key is the table's primary key and
 * there is no second key, no two lines reach the same row, and the doubles window is left out.
 */
export function matchSelect(
  dialect: Dialect,
  job: ImportJob,
  table: CatalogTable,
  lines: string,
  current: TableSource,
  uniqueKeys = false,
): string {
  const mapped = new Map(mappedColumns(job, table).map((c) => [c.column, c]));
  const pk = table.primaryKey;
  const rel = dialect.catalogTable(current);
  const joins = [`LEFT JOIN ${rel} AS t1 ON t1.${q(job.key)} = f.${q(job.key)}`];
  if (job.secondKey !== undefined)
    joins.push(`LEFT JOIN ${rel} AS t2 ON f.${q(job.key)} IS NULL AND t2.${q(job.secondKey)} = f.${q(job.secondKey)}`);
  const tv = (c: string) =>
    job.secondKey !== undefined
      ? `CASE WHEN t1.${q(pk)} IS NOT NULL THEN t1.${q(c)} ELSE t2.${q(c)} END`
      : `t1.${q(c)}`;
  const matched =
    job.secondKey !== undefined ? `(t1.${q(pk)} IS NOT NULL OR t2.${q(pk)} IS NOT NULL)` : `t1.${q(pk)} IS NOT NULL`;
  const keys = new Set([job.key, job.secondKey].filter((k) => k !== undefined));
  const next = [...table.columns.values()].map((c) => {
    if (!mapped.has(c.name)) return `${tv(c.name)} AS ${q(c.name)}`;
    // A key column keeps the row's value when the line matched on the other key.
    return keys.has(c.name)
      ? `COALESCE(f.${q(c.name)}, ${tv(c.name)}) AS ${q(c.name)}`
      : `f.${q(c.name)} AS ${q(c.name)}`;
  });
  const differs = [...mapped.keys()].map((c) => `f.${q(c)} IS DISTINCT FROM ${tv(c)}`).join(' OR ') || 'FALSE';
  const inner = `SELECT ${next.join(', ')}, f.${q(LINE_COLUMN)}, ${changeOf(job.operation, matched, `(${differs})`)} AS orca_change, ${tv(pk)} AS ${q(TARGET)}\nFROM ${lines} AS f\n${joins.join('\n')}`;
  const cols = matchedColumns(table).filter((c) => c.name !== CHANGE.name);
  if (uniqueKeys && job.key === pk && job.secondKey === undefined)
    return `SELECT ${cols.map((c) => `m.${q(c.name)}`).join(', ')}, m.orca_change, 'main' AS ${q(OUTPUT_COLUMN)}\nFROM (${inner}) AS m`;
  const rank = `row_number() OVER (PARTITION BY m.${q(TARGET)} ORDER BY m.${q(LINE_COLUMN)} ${job.doubles === 'ignore' ? 'ASC' : 'DESC'})`;
  return `SELECT ${cols.map((c) => `m.${q(c.name)}`).join(', ')}, CASE WHEN m.${q(TARGET)} IS NOT NULL AND ${rank} > 1 THEN 'double' ELSE m.orca_change END AS orca_change, 'main' AS ${q(OUTPUT_COLUMN)}\nFROM (${inner}) AS m`;
}

/** The apply stage: the next version, ONE query over the current version and the matched lines. */
export function applySelect(dialect: Dialect, table: CatalogTable, matched: string, current: TableSource): string {
  const cols = [...table.columns.keys()];
  const pk = table.primaryKey;
  return [
    `SELECT ${cols.map((c) => `t.${q(c)}`).join(', ')}`,
    `FROM ${dialect.catalogTable(current)} AS t`,
    `LEFT JOIN (SELECT DISTINCT m.${q(TARGET)} FROM ${matched} AS m WHERE m.orca_change IN ('update', 'delete')) AS x ON x.${q(TARGET)} = t.${q(pk)}`,
    `WHERE x.${q(TARGET)} IS NULL`,
    'UNION ALL',
    `SELECT ${cols.map((c) => `m.${q(c)}`).join(', ')}`,
    `FROM ${matched} AS m`,
    `WHERE m.orca_change IN ('insert', 'update')`,
  ].join('\n');
}

/** How many lines of each change. */
export function changeCountsSelect(matched: string): string {
  return `SELECT m.orca_change AS change, count(*) AS n FROM ${matched} AS m GROUP BY m.orca_change`;
}

/** Rejected lines by reason. */
export function rejectCountsSelect(rejects: string): string {
  return `SELECT r.reject_reason AS reason, count(*) AS n FROM ${rejects} AS r GROUP BY r.reject_reason`;
}

/** Rejected lines among the first 100 lines of the file that hold a record (the default reject limit). */
export function firstLinesSelect(main: string, rejects: string): string {
  return `SELECT count(*) AS lines, coalesce(sum(f.rejected), 0) AS rejected FROM (SELECT u.line, u.rejected FROM (SELECT m.${q(LINE_COLUMN)} AS line, 0 AS rejected FROM ${main} AS m UNION ALL SELECT r.reject_line AS line, 1 AS rejected FROM ${rejects} AS r) AS u ORDER BY u.line LIMIT 100) AS f`;
}

/** Every rejected line: line number, column, value and reason, in file order. */
export function rejectsSelect(job: ImportJob, rejects: string[], matched: string | undefined): string {
  const parts = rejects.map(
    (r) =>
      `SELECT r.reject_line AS line, r.reject_column AS ${q('column')}, r.reject_value AS value, r.reject_reason AS reason FROM ${r} AS r`,
  );
  if (matched) {
    const field = job.columns.find((c) => c.column === job.key)!.field;
    parts.push(
      `SELECT m.${q(LINE_COLUMN)} AS line, ${stringLiteral(field)} AS ${q('column')}, CAST(m.${q(job.key)} AS VARCHAR) AS value, 'exists' AS reason FROM ${matched} AS m WHERE m.orca_change = 'exists'`,
    );
  }
  return `SELECT u.line, u.${q('column')}, u.value, u.reason FROM (${parts.join('\nUNION ALL\n')}) AS u ORDER BY u.line`;
}

/**
 * Writes a SELECT as plain Parquet at `url` (an absolute folder locally, an s3:// prefix in the
 * cloud): DuckDB COPY, an Athena CTAS into a table named `table` (dropped after: the files stay).
 */
export function writeStatement(dialect: Dialect, select: string, url: string, table: string): string {
  if (dialect.name === 'duckdb')
    return `COPY (\n${select}\n) TO ${stringLiteral(`${url.replace(/\/+$/, '')}/data.parquet`)} (FORMAT PARQUET)`;
  const own = (dialect as AthenaDialect).ownTable(table);
  return `CREATE TABLE ${own}\nWITH (format = 'PARQUET', write_compression = 'SNAPPY', external_location = ${stringLiteral(url.endsWith('/') ? url : `${url}/`)})\nAS\n${select}`;
}

/** A work table of the job as a population reference (rows per output from the stage that wrote it). */
export function workRef(work: string, stage: string, output: string, columns: Column[], rows: number): Population {
  const at = workTarget(work, stage);
  return { dimension: null, columns, location: at.location, table: at.table, output, rows };
}

export { nullOf };

/**
 * The lines of a population (the update data activity, lambdas/activities/update-data.ts): each
 * mapped column (`field`: the population's column) cast to its table column's type, numbered in the
 * order of their values (a population has no order of its own: first and last doubles go by it).
 * The doubles, match and apply stages read it as they read a file's typed lines.
 */
export function populationLines(job: ImportJob, table: CatalogTable, population: string): string {
  const cols = mappedColumns(job, table);
  const values = cols.map((c) => `CAST(w.${q(c.field)} AS ${sqlType(c.type)}) AS ${q(c.column)}`);
  const order = cols.map((c) => `w.${q(c.field)} ASC NULLS LAST`).join(', ');
  return `(SELECT ${values.join(', ')}, row_number() OVER (ORDER BY ${order}) AS ${q(LINE_COLUMN)} FROM ${population} AS w)`;
}
