/**
 * The dialect switch of the SQL planner. Everything that DuckDB and Athena (Trino) spell differently
 * goes through here; the rest of the planner writes the common subset (no QUALIFY, explicit casts
 * for division, dates through these helpers).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkedLocation } from '../layout.js';
import { literal, quoteIdent, stringLiteral } from './literal.js';
import type { Population } from './population.js';
import { sqlType, type Column, type ColumnType } from './types.js';
import { LINE_COLUMN } from './csv.js';

export type DialectName = 'duckdb' | 'athena';

export type DatePart = 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second';

/** Where a catalog table's rows are. */
export interface TableSource {
  location: string;
  glue?: { database: string; table: string } | undefined;
  name: string;
  /** One of orca's lake tables (the built-in orca_optouts). */
  lake?: LakeSource | undefined;
}

function selectList(ref: Population): string {
  return ref.columns
    .map((c) => {
      const stored = ref.stored?.[c.name];
      return stored ? `${quoteIdent(stored)} AS ${quoteIdent(c.name)}` : quoteIdent(c.name);
    })
    .join(', ');
}

/**
 * A CSV file to load, read with every column as text. Before the query, the engine copies its records
 * (lambdas/sql/csv.ts, one parser for both engines) as JSON lines into `copy`, a folder of this run's
 * (never the file's own folder, which other runs and campaigns share), and the query reads that copy.
 */
export interface CsvSource {
  location: string;
  /** Folder of the run's copy (work/<campaign>/<run>/<activity>.source); its file is CSV_COPY_FILE. */
  copy: string;
  /** Glue table over the copy (cloud), named after campaign, run and activity. */
  table: string;
  delimiter: string;
  header: boolean;
  columns: string[];
}

export const CSV_COPY_FILE = 'records.json';

/**
 * A table of JSON-lines files under a folder partitioned `<p1>=<v>/<p2>=<v>/*.jsonl` (orca's lake:
 * the message log, the opt-outs). Every column is text, partitions included.
 */
export interface LakeSource {
  /** Folder relative to the data root (locally) or the data bucket. */
  folder: string;
  /** Glue table in orca's database (cloud). */
  table: string;
  /** Columns stored in the files (partition keys excepted). */
  columns: readonly string[];
  /** Partition keys, outermost first (folder names `<key>=<value>`). */
  partitions: readonly string[];
}

export const OUTPUT_COLUMN = 'orca_output';

/**
 * 2^52: random draws are the first 13 hex digits (52 bits) of md5(key || seed) over it, a number in
 * [0, 1) that DuckDB (md5) and Trino (md5(to_utf8(...)), from_base) compute identically, so control
 * groups and ties are drawn the same in local and cloud runs (for keys whose text is the same in both).
 */
const RANDOM_SCALE = '4503599627370496.0';

/**
 * The ORDER BY of a page of a population's rows, so that pages neither overlap nor skip rows: the
 * key (the first column) when there is a dimension, else every column. Empty when there are no columns.
 */
export function pageOrder(ref: Population, alias = 'w'): string {
  const columns = ref.dimension ? ref.columns.slice(0, 1) : ref.columns;
  if (!columns.length) return '';
  return ` ORDER BY ${columns.map((c) => `${alias}.${quoteIdent(c.name)} ASC NULLS LAST`).join(', ')}`;
}

export interface Dialect {
  readonly name: DialectName;
  /** A FROM item for a catalog table. */
  catalogTable(t: TableSource): string;
  /** A FROM item for a work table; an empty work table has no files and becomes an empty relation. */
  workTable(ref: Population): string;
  /** A FROM item for a CSV file, every column VARCHAR, plus orca_line (1-based line number). */
  csvFile(src: CsvSource): string;
  /** Whole `unit`s from a to b (b - a), the same way in both engines (complete units, not boundaries). */
  dateDiff(unit: DatePart, a: string, b: string): string;
  /** x + n units, keeping x's type (date stays date). */
  dateAdd(unit: DatePart, n: string, x: string, type: 'date' | 'timestamp'): string;
  /** ISO day of week, 1 = Monday. */
  dayOfWeek(x: string): string;
  dayOfYear(x: string): string;
  /** A deterministic pseudo-random number in [0, 1) from a row key and a seed. */
  randomFromKey(key: string, seed: string): string;
  /** CAST that yields NULL instead of failing. */
  tryCast(x: string, type: string): string;
  /**
   * A timestamp of the data (UTC) as the wall clock of time zone `tz`, so that its day, hour, date...
   * are the zone's: DuckDB's ICU timezone(), Trino's with_timezone and AT TIME ZONE.
   */
  inTimeZone(x: string, tz: string): string;
  /** Lower-case hex md5 of a text (the same 32 characters in both engines). */
  md5Hex(x: string): string;
  /** The number written by the first 8 hex digits of `hex` (0 .. 2^32-1), exactly, as BIGINT. */
  hexPrefixNumber(hex: string): string;
  /** Whether a text matches a regular expression (anywhere: anchor it with ^ and $); RE2 / Java: keep to their common subset. */
  regexpLike(x: string, pattern: string): string;
  /** Replaces every match of a regular expression. */
  regexpReplace(x: string, pattern: string, replacement: string): string;
  /** A FROM item for one of orca's lake tables, its columns and partition keys all VARCHAR; no rows when it has no files. */
  lakeTable(source: LakeSource): string;
  /** A value of a type as the text of a CSV field (NULL stays NULL), written as DuckDB's CSV writer writes it where the engines allow. */
  csvText(x: string, type: ColumnType): string;
}

function emptyRelation(columns: Column[]): string {
  const cols = columns.map((c) => `CAST(NULL AS ${sqlType(c.type)}) AS ${quoteIdent(c.name)}`).join(', ');
  return `(SELECT ${cols} WHERE FALSE)`;
}

function parquetGlob(root: string, location: string): string {
  const base = `${root.replace(/\/+$/, '')}/${location.replace(/^\/+|\/+$/g, '')}`;
  return /\.parquet$|\*/.test(location) ? base : `${base}/**/*.parquet`;
}

export class DuckDbDialect implements Dialect {
  readonly name = 'duckdb' as const;
  /** @param dataRoot absolute folder that catalog and work locations are relative to */
  constructor(readonly dataRoot: string) {}

  catalogTable(t: TableSource): string {
    if (t.lake) return this.lakeTable(t.lake);
    return `read_parquet(${stringLiteral(parquetGlob(this.dataRoot, t.location))})`;
  }

  workTable(ref: Population): string {
    if (ref.rows === 0) return emptyRelation(ref.columns);
    // `**`: the files of the partition, also those of its sub-partitions (a channel's orca_chunk=<i> folders).
    const glob = `${this.dataRoot.replace(/\/+$/, '')}/${checkedLocation(ref.location, 'the population location')}/${OUTPUT_COLUMN}=${ref.output}/**/*.parquet`;
    return `(SELECT ${selectList(ref)} FROM read_parquet(${stringLiteral(glob)}))`;
  }

  csvFile(src: CsvSource): string {
    const path = `${this.dataRoot.replace(/\/+$/, '')}/${src.copy}/${CSV_COPY_FILE}`;
    const types = [
      `${stringLiteral(LINE_COLUMN)}: 'BIGINT'`,
      ...src.columns.map((c) => `${stringLiteral(c)}: 'VARCHAR'`),
    ];
    const cols = [...src.columns, LINE_COLUMN].map((c) => quoteIdent(c)).join(', ');
    return `(SELECT ${cols} FROM read_json(${stringLiteral(path)}, format = 'newline_delimited', columns = {${types.join(', ')}}))`;
  }

  dateDiff(unit: DatePart, a: string, b: string): string {
    // DuckDB's date_diff counts boundaries crossed; date_sub counts complete units, like Trino's date_diff.
    return `date_sub('${unit}', ${a}, ${b})`;
  }

  dateAdd(unit: DatePart, n: string, x: string, type: 'date' | 'timestamp'): string {
    const sum =
      unit === 'week' ? `${x} + to_days(CAST(7 * (${n}) AS INTEGER))` : `${x} + to_${unit}s(CAST(${n} AS INTEGER))`;
    return `CAST(${sum} AS ${type === 'date' ? 'DATE' : 'TIMESTAMP'})`;
  }

  dayOfWeek(x: string): string {
    return `isodow(${x})`;
  }

  dayOfYear(x: string): string {
    return `dayofyear(${x})`;
  }

  randomFromKey(key: string, seed: string): string {
    // The same number as Athena's: the first 52 bits of md5(key || seed), over 2^52.
    const hex = `substr(md5(CAST(${key} AS VARCHAR) || ${stringLiteral(seed)}), 1, 13)`;
    return `(CAST(CAST(('0x' || ${hex}) AS BIGINT) AS DOUBLE) / ${RANDOM_SCALE})`;
  }

  tryCast(x: string, type: string): string {
    return `TRY_CAST(${x} AS ${type})`;
  }

  inTimeZone(x: string, tz: string): string {
    // timezone('UTC', ts) is the instant (TIMESTAMPTZ); timezone(zone, instant) its wall clock there (TIMESTAMP).
    return `timezone(${stringLiteral(tz)}, timezone('UTC', ${x}))`;
  }

  md5Hex(x: string): string {
    return `md5(${x})`;
  }

  hexPrefixNumber(hex: string): string {
    return `CAST(('0x' || substr(${hex}, 1, 8)) AS BIGINT)`;
  }

  regexpLike(x: string, pattern: string): string {
    return `regexp_matches(${x}, ${stringLiteral(pattern)})`;
  }

  regexpReplace(x: string, pattern: string, replacement: string): string {
    return `regexp_replace(${x}, ${stringLiteral(pattern)}, ${stringLiteral(replacement)}, 'g')`;
  }

  lakeTable(source: LakeSource): string {
    const folder = join(this.dataRoot, checkedLocation(source.folder, 'the lake folder'));
    const names = [...source.columns, ...source.partitions];
    // read_json fails when its pattern matches no file (DuckDB has no allow_empty for it yet): no files, no rows.
    if (!hasJsonLines(folder, source.partitions.length))
      return emptyRelation(names.map((name) => ({ name, type: 'string' })));
    const glob = `${folder}/${source.partitions.map((p) => `${p}=*`).join('/')}/*.jsonl`;
    const columns = source.columns.map((c) => `${stringLiteral(c)}: 'VARCHAR'`).join(', ');
    const hive = source.partitions.map((p) => `${stringLiteral(p)}: 'VARCHAR'`).join(', ');
    return `(SELECT ${names.map((n) => quoteIdent(n)).join(', ')} FROM read_json(${stringLiteral(glob)}, format = 'newline_delimited', columns = {${columns}}, hive_partitioning = true, hive_types = {${hive}}))`;
  }

  csvText(x: string, _type: ColumnType): string {
    // The text DuckDB's own COPY ... (FORMAT CSV) writes: 1.5, 1e+21, 2026-01-02 03:04:05.
    return `CAST(${x} AS VARCHAR)`;
  }
}

/** Whether a partitioned folder holds a .jsonl file at the depth of its partitions (stops at the first). */
function hasJsonLines(dir: string, depth: number): boolean {
  if (!existsSync(dir)) return false;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (
      depth === 0
        ? e.isFile() && e.name.endsWith('.jsonl')
        : e.isDirectory() && e.name.includes('=') && hasJsonLines(join(dir, e.name), depth - 1)
    )
      return true;
  }
  return false;
}

export interface AthenaLocation {
  /** Glue database holding catalog and work tables. */
  database: string;
}

export class AthenaDialect implements Dialect {
  readonly name = 'athena' as const;
  constructor(readonly options: AthenaLocation) {}

  private table(database: string, table: string): string {
    // Glue names are validated by the catalog or generated by orca; quote them as identifiers.
    return `${quoteIdent(database)}.${quoteIdent(table)}`;
  }

  /** A table of orca's database (work tables, CTAS targets). */
  ownTable(table: string): string {
    return this.table(this.options.database, table);
  }

  catalogTable(t: TableSource): string {
    if (t.lake) return this.lakeTable(t.lake);
    return t.glue ? this.table(t.glue.database, t.glue.table) : this.ownTable(t.name);
  }

  workTable(ref: Population): string {
    if (ref.rows === 0) return emptyRelation(ref.columns);
    return `(SELECT ${selectList(ref)} FROM ${this.ownTable(ref.table)} WHERE ${quoteIdent(OUTPUT_COLUMN)} = ${stringLiteral(ref.output)})`;
  }

  csvFile(src: CsvSource): string {
    // The Glue table over the run's copy (JSON lines, the file's line numbers in orca_line) is created before the query.
    const cols = [...src.columns, LINE_COLUMN].map((c) => quoteIdent(c)).join(', ');
    return `(SELECT ${cols} FROM ${this.ownTable(src.table)})`;
  }

  dateDiff(unit: DatePart, a: string, b: string): string {
    return `date_diff('${unit}', ${a}, ${b})`;
  }

  dateAdd(unit: DatePart, n: string, x: string, _type: 'date' | 'timestamp'): string {
    return `date_add('${unit}', ${n}, ${x})`;
  }

  dayOfWeek(x: string): string {
    return `day_of_week(${x})`;
  }

  dayOfYear(x: string): string {
    return `day_of_year(${x})`;
  }

  randomFromKey(key: string, seed: string): string {
    // The same number as DuckDB's: the first 52 bits of md5(key || seed), over 2^52.
    const hex = `substr(lower(to_hex(md5(to_utf8(CAST(${key} AS VARCHAR) || ${stringLiteral(seed)})))), 1, 13)`;
    return `(CAST(from_base(${hex}, 16) AS DOUBLE) / ${RANDOM_SCALE})`;
  }

  tryCast(x: string, type: string): string {
    return `TRY_CAST(${x} AS ${type})`;
  }

  inTimeZone(x: string, tz: string): string {
    // with_timezone(ts, 'UTC') is the instant whatever the session's zone; AT TIME ZONE shows it in the zone.
    return `(with_timezone(${x}, 'UTC') AT TIME ZONE ${stringLiteral(tz)})`;
  }

  md5Hex(x: string): string {
    return `lower(to_hex(md5(to_utf8(${x}))))`;
  }

  hexPrefixNumber(hex: string): string {
    return `from_base(substr(${hex}, 1, 8), 16)`;
  }

  regexpLike(x: string, pattern: string): string {
    return `regexp_like(${x}, ${stringLiteral(pattern)})`;
  }

  regexpReplace(x: string, pattern: string, replacement: string): string {
    return `regexp_replace(${x}, ${stringLiteral(pattern)}, ${stringLiteral(replacement)})`;
  }

  lakeTable(source: LakeSource): string {
    // The Glue table (JSON SerDe, partition projection on its keys) the deployment creates in orca's database.
    const names = [...source.columns, ...source.partitions].map((n) => quoteIdent(n)).join(', ');
    return `(SELECT ${names} FROM ${this.ownTable(source.table)})`;
  }

  csvText(x: string, type: ColumnType): string {
    // "Trino — Conversion functions": format() takes a Java format string (java.util.Formatter: %s
    // of a Double is Double.toString, 1.5, 1.0E21), where CAST(double AS VARCHAR) writes
    // scientific notation for every double (1.5E0). Other types cast as they are (10.50, true,
    // 2026-01-02, 2026-01-02 03:04:05.000).
    return type === 'double' ? `CASE WHEN ${x} IS NULL THEN NULL ELSE format('%s', ${x}) END` : `CAST(${x} AS VARCHAR)`;
  }
}

export { literal, quoteIdent, stringLiteral };
