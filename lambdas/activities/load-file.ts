/**
 * Load file: reads a CSV file (header line, then one row per line) into a work table with typed
 * columns. A value that does not convert is handled per column: reject the line, ignore the value
 * (empty, with the line kept) or use a default. Rejected lines go to the `rejects` output with their
 * line number and reason; more rejects than the limit fail the activity. Conversion happens in SQL
 * (every column read as text, then TRY_CAST), so files of any size never pass through JavaScript.
 */
import { z } from 'zod';
import { literal, quoteIdent, stringLiteral } from '../sql/literal.js';
import type { Dialect } from '../sql/dialect.js';
import { COLUMN_TYPES, sqlType, type Column, type ColumnType } from '../sql/types.js';
import { glueTableName } from '../layout.js';
import { commonFields, defineActivity, invalid, nameSchema, type WorkSchema } from './framework.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const REJECT_COLUMNS: Column[] = [
  { name: 'reject_line', type: 'integer' },
  { name: 'reject_reason', type: 'string' },
  { name: 'reject_record', type: 'string' },
];

export const loadFileSchema = z
  .object({
    ...commonFields,
    type: z.literal('loadFile'),
    file: z
      .string()
      .min(1)
      .regex(/^(?!\/)(?!.*\.\.)/, 'a path relative to the data root, without ..')
      .describe(
        'CSV file, relative to the data root (in the cloud: the data bucket; the file should be alone in its folder)',
      ),
    delimiter: z.string().length(1).default(','),
    header: z.boolean().default(true).describe('the first line holds column names (it is skipped)'),
    columns: z
      .array(
        z
          .object({
            name: nameSchema,
            type: z.enum(COLUMN_TYPES).default('string'),
            required: z.boolean().default(false).describe('an empty value rejects the line'),
            onError: z
              .enum(['reject', 'ignore', 'default'])
              .default('reject')
              .describe('what to do with a value that does not convert'),
            default: scalar.optional().describe('value used with onError: default'),
          })
          .strict(),
      )
      .min(1)
      .describe('the columns of the file, in order'),
    maxRejects: z.number().int().min(0).default(100).describe('more rejected lines than this fail the activity'),
  })
  .strict();
export type LoadFile = z.infer<typeof loadFileSchema>;

export const loadFile = defineActivity<LoadFile>({
  type: 'loadFile',
  title: 'Load file',
  category: 'targeting',
  execution: 'query',
  schema: loadFileSchema,
  inbound: { min: 0, max: 1 },
  usesPopulation: false,
  outputs: () => ['main', 'rejects'],
  plan(a, ctx) {
    const names = new Set<string>();
    let ok = true;
    a.columns.forEach((c, i) => {
      if (names.has(c.name)) {
        ctx.report.error(['columns', i, 'name'], `duplicate column '${c.name}'`);
        ok = false;
      }
      names.add(c.name);
      if (c.name.startsWith('orca_') || c.name.startsWith('reject_')) {
        ctx.report.error(['columns', i, 'name'], `column names starting with 'orca_' or 'reject_' are reserved`);
        ok = false;
      }
      if (c.onError === 'default') {
        if (c.default === undefined) {
          ctx.report.error(['columns', i, 'default'], 'onError: default needs a default value');
          ok = false;
        } else {
          try {
            literal(c.default, c.type);
          } catch (err) {
            ctx.report.error(['columns', i, 'default'], (err as Error).message);
            ok = false;
          }
        }
      } else if (c.default !== undefined)
        ctx.report.warn(['columns', i, 'default'], `the default is only used with onError: default`);
    });
    if (!ok) return invalid();
    // This run's own copy and table: concurrent runs, and campaigns with the same activity id, never share them.
    const csv = {
      location: a.file,
      copy: `${ctx.outputLocation}.source`,
      table: glueTableName('csv', ctx.outputLocation),
      delimiter: a.delimiter,
      header: a.header,
      columns: a.columns.map((c) => `orca_raw_${c.name}`),
    };
    const raw = (name: string) => `NULLIF(trim(r.${quoteIdent(`orca_raw_${name}`)}), '')`;
    const cast = (c: LoadFile['columns'][number]) => convert(ctx.env.dialect, raw(c.name), c.type);
    // The first problem of a line, or NULL when the line is good.
    const problems = a.columns.flatMap((c) => {
      const checks: string[] = [];
      if (c.required)
        checks.push(`WHEN ${raw(c.name)} IS NULL THEN ${stringLiteral(`${c.name}: a value is required`)}`);
      if (c.onError === 'reject' && c.type !== 'string') {
        checks.push(
          `WHEN ${raw(c.name)} IS NOT NULL AND ${cast(c)} IS NULL THEN ${stringLiteral(`${c.name}: not a valid ${c.type}: `)} || ${raw(c.name)}`,
        );
      }
      return checks;
    });
    const reason = problems.length ? `CASE ${problems.join(' ')} END` : 'CAST(NULL AS VARCHAR)';
    const values = Object.fromEntries(
      a.columns.map((c) => {
        const v = c.type === 'string' ? raw(c.name) : cast(c);
        // The default replaces a value that does not convert; an empty cell stays empty.
        if (c.onError !== 'default' || c.type === 'string') return [c.name, v];
        const otherwise = `COALESCE(${v}, ${literal(c.default, c.type)})`;
        return [c.name, `CASE WHEN ${raw(c.name)} IS NULL THEN CAST(NULL AS ${sqlType(c.type)}) ELSE ${otherwise} END`];
      }),
    );
    const columns: Column[] = a.columns.map((c) => ({ name: c.name, type: c.type }));
    const layout = [...columns, ...REJECT_COLUMNS];
    const record = a.columns
      .map((c) => `COALESCE(r.${quoteIdent(`orca_raw_${c.name}`)}, '')`)
      .join(` || ${stringLiteral(a.delimiter)} || `);
    const checked = `SELECT r.*, ${reason} AS orca_reason FROM ${ctx.env.dialect.csvFile(csv)} AS r`;
    const mainValues = physicalSelectValues(layout, values);
    const rejectValues = physicalSelectValues(layout, {
      reject_line: 'r.orca_line',
      reject_reason: 'r.orca_reason',
      reject_record: record,
    });
    // One pass over the file: good lines fill the typed columns, rejected ones the reject_* columns.
    const select = layout
      .map(
        (c) =>
          `CASE WHEN r.orca_reason IS NULL THEN ${mainValues[c.name]} ELSE ${rejectValues[c.name]} END AS ${quoteIdent(c.name)}`,
      )
      .join(',\n  ');
    const query = `SELECT ${select},\n  CASE WHEN r.orca_reason IS NULL THEN 'main' ELSE 'rejects' END AS "orca_output"\nFROM (${checked}) AS r`;
    const outputs: Record<string, WorkSchema> = {
      main: { dimension: null, columns },
      rejects: { dimension: null, columns: REJECT_COLUMNS },
    };
    return { action: { type: 'query', sql: query, location: ctx.outputLocation, csv }, outputs };
  },
  settle(a, rows) {
    const rejected = rows.rejects ?? 0;
    if (rejected > a.maxRejects) {
      return {
        error: `${rejected} line(s) of ${a.file} were rejected, more than the limit of ${a.maxRejects}; see the rejects output for each line's reason, fix the file or raise maxRejects`,
      };
    }
    return {};
  },
});

/**
 * How a number is written in a file (after trimming), one rule for both engines: an integer is an
 * optional sign and digits; a decimal may have one point; a double may also have an exponent.
 * Anything else (`12.5` as an integer, `0x1F`, `1_000`, `1 000`, `NaN`) does not convert, where
 * DuckDB's own cast would round or read it and Athena's would refuse it.
 */
export const NUMBER_PATTERNS: Partial<Record<ColumnType, string>> = {
  integer: '^[+-]?[0-9]+$',
  decimal: '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$',
  double: '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$',
};

/** A trimmed text value converted to a column type, NULL when it does not convert. */
export function convert(dialect: Dialect, text: string, type: ColumnType): string {
  const cast = dialect.tryCast(text, sqlType(type));
  const pattern = NUMBER_PATTERNS[type];
  if (!pattern) return cast;
  const test =
    dialect.name === 'duckdb'
      ? `regexp_full_match(${text}, ${stringLiteral(pattern)})`
      : `regexp_like(${text}, ${stringLiteral(pattern)})`;
  return `CASE WHEN ${test} THEN ${cast} END`;
}

function physicalSelectValues(layout: Column[], values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(layout.map((c) => [c.name, values[c.name] ?? `CAST(NULL AS ${sqlType(c.type)})`]));
}
