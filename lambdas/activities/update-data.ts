/**
 * Update data: applies the inbound population to a catalog table (insert, update, insert or update,
 * delete), matched on a key (a second key for rows whose key is empty), with the import planner's
 * doubles, match and apply SQL (lambdas/imports/plan.ts). ONE query computes the table's next
 * version and counts each row's change (its outputs `inserted`, `updated`, `deleted`, `unchanged`,
 * `notFound`, `exists`, `doubles`, `rejected`); the record step then switches the table to that
 * version in one step, as an import job's swap does (lambdas/orchestrator/update-table.ts). The
 * optional `main` output carries the inbound population on. In test mode the query only counts.
 */
import { z } from 'zod';
import type { CatalogTable } from '../catalog/catalog.js';
import { DOUBLES, type ImportJob } from '../imports/job.js';
import { applySelect, doublesSelect, mappedColumns, matchSelect, populationLines } from '../imports/plan.js';
import { OUTPUT_COLUMN } from '../sql/dialect.js';
import { quoteIdent, stringLiteral } from '../sql/literal.js';
import { sqlType, type Column, type ColumnType } from '../sql/types.js';
import { LINE_COLUMN } from '../sql/csv.js';
import { didYouMean } from '../util/issues.js';
import {
  commonFields,
  defineActivity,
  invalid,
  nameSchema,
  type PlanContext,
  populationInput,
  type WorkSchema,
} from './framework.js';

export const UPDATE_OPERATIONS = ['insert', 'update', 'insertOrUpdate', 'delete'] as const;

export const updateDataSchema = z
  .object({
    ...commonFields,
    type: z.literal('updateData'),
    table: nameSchema.describe('the catalog table to change'),
    operation: z.enum(UPDATE_OPERATIONS).default('insertOrUpdate'),
    key: nameSchema.describe("the table's column that matches a row of the population to a row of the table"),
    secondKey: nameSchema.optional().describe('the column that matches the rows whose key is empty'),
    columns: z
      .array(
        z
          .object({
            field: z.string().min(1).describe('a column of the inbound population'),
            column: nameSchema.optional().describe("the table's column it fills (default: the same name)"),
          })
          .strict(),
      )
      .min(1)
      .optional()
      .describe("the population's columns and the table's columns they fill (default: the columns of the same name)"),
    doubles: z
      .enum(DOUBLES)
      .default('lastWins')
      .describe(
        'rows with the same key: one is applied (the last or, with ignore, the first in the order of their values) or none (reject)',
      ),
    keepVersions: z.number().int().min(1).max(100).default(5).describe('versions of the table kept for rollback'),
  })
  .strict();
export type UpdateData = z.infer<typeof updateDataSchema>;

/** The output counting each change of the match stage (plan.ts CHANGES), and of the doubles stage. */
const CHANGE_OUTPUTS: Record<string, string> = {
  insert: 'inserted',
  update: 'updated',
  delete: 'deleted',
  unchanged: 'unchanged',
  notFound: 'notFound',
  exists: 'exists',
  double: 'doubles',
};
export const COUNT_OUTPUTS = [
  'inserted',
  'updated',
  'deleted',
  'unchanged',
  'notFound',
  'exists',
  'doubles',
  'rejected',
];
/** The output holding the table's next version. */
export const VERSION_OUTPUT = 'version';

/** A value of the population may fill a column of another type when the cast loses nothing. */
const WIDENS: Partial<Record<ColumnType, ColumnType[]>> = {
  integer: ['decimal', 'double'],
  decimal: ['double'],
  date: ['timestamp'],
};

const q = quoteIdent;
const article = (t: ColumnType) => `${t === 'integer' ? 'an' : 'a'} ${t}`;

/** The mapping: given, or every column of the population that the table has. */
function mapping(a: UpdateData, ctx: PlanContext, inbound: Column[], table: CatalogTable) {
  const entries =
    a.columns?.map((c) => ({ field: c.field, column: c.column ?? c.field })) ??
    inbound.filter((c) => table.columns.has(c.name)).map((c) => ({ field: c.name, column: c.name }));
  if (!entries.length)
    ctx.report.error(
      ['columns'],
      `no column of the population is a column of ${table.name}; map them with columns: [{ field, column }]`,
    );
  const filled = new Map<string, number>();
  let ok = entries.length > 0;
  entries.forEach((m, i) => {
    const at = a.columns ? ['columns', i] : ['columns'];
    const from = inbound.find((c) => c.name === m.field);
    const to = table.columns.get(m.column);
    if (!from) {
      ctx.report.error(
        [...at, 'field'],
        `'${m.field}' is not a column of the inbound population.${didYouMean(
          m.field,
          inbound.map((c) => c.name),
        )} It has: ${inbound.map((c) => c.name).join(', ')}`,
      );
      ok = false;
    }
    if (!to) {
      ctx.report.error(
        [...at, 'column'],
        `'${m.column}' is not a column of ${table.name}.${didYouMean(m.column, table.columns.keys())}`,
      );
      ok = false;
    }
    if (from && to && from.type !== to.type && !WIDENS[from.type]?.includes(to.type)) {
      ctx.report.error(
        [...at, 'field'],
        `'${m.field}' is ${article(from.type)} and ${table.name}.${m.column} ${article(to.type)}: convert it first (an enrichment expression)`,
      );
      ok = false;
    }
    if (filled.has(m.column)) {
      ctx.report.error([...at, 'column'], `column '${m.column}' is already filled by columns[${filled.get(m.column)}]`);
      ok = false;
    }
    filled.set(m.column, i);
  });
  return { entries, filled, ok };
}

/** The import planner's job for the activity's settings: the population's columns as the fields. */
function asJob(a: UpdateData, entries: Array<{ field: string; column: string }>): ImportJob {
  return {
    name: a.id,
    table: a.table,
    source: { file: '-', format: 'parquet', delimiter: ',', header: true, quote: '"', encoding: 'utf-8' },
    columns: entries.map((m) => ({ ...m, required: false, onError: 'reject' as const })),
    operation: a.operation,
    key: a.key,
    ...(a.secondKey !== undefined ? { secondKey: a.secondKey } : {}),
    doubles: a.doubles,
    keepVersions: a.keepVersions,
  };
}

export const updateData = defineActivity<UpdateData>({
  type: 'updateData',
  title: 'Update data',
  category: 'targeting',
  execution: 'query',
  schema: updateDataSchema,
  inbound: { min: 1, max: 1 },
  usesPopulation: true,
  outputs: () => ['main'],
  plan(a, ctx) {
    const input = populationInput(ctx);
    const table = ctx.catalog.table(a.table);
    if (!table)
      ctx.report.error(['table'], `unknown table '${a.table}'.${didYouMean(a.table, ctx.catalog.tableNames)}`);
    else if (table.glue || table.lake)
      ctx.report.error(
        ['table'],
        `${a.table} is ${table.glue ? 'a table of an existing data lake (glue)' : "a table of orca's own lake"}: update data changes only the catalog's Parquet tables`,
      );
    if (!input || !table || table.glue || table.lake) return invalid();
    const { entries, filled, ok } = mapping(a, ctx, input.schema.columns, table);
    let valid = ok;
    for (const [field, key] of [
      ['key', a.key],
      ['secondKey', a.secondKey],
    ] as const) {
      if (key === undefined) continue;
      if (!table.columns.has(key)) {
        ctx.report.error([field], `'${key}' is not a column of ${table.name}.${didYouMean(key, table.columns.keys())}`);
        valid = false;
      } else if (ok && !filled.has(key)) {
        ctx.report.error([field], `the key column '${key}' is not filled by any column of the population`);
        valid = false;
      }
    }
    if (a.secondKey !== undefined && a.secondKey === a.key) {
      ctx.report.error(['secondKey'], 'the second key must differ from the key');
      valid = false;
    }
    if (ok && (a.operation === 'insert' || a.operation === 'insertOrUpdate') && !filled.has(table.primaryKey)) {
      ctx.report.error(
        ['columns'],
        `${a.operation} adds rows, which need ${table.name}'s primary key '${table.primaryKey}': map a column of the population to it`,
      );
      valid = false;
    }
    if (!valid) return invalid();

    const job = asJob(a, entries);
    const dialect = ctx.env.dialect;
    const testMode = ctx.run?.testMode === true;
    const tableColumns: Column[] = [...table.columns.values()].map((c) => ({ name: c.name, type: c.type }));
    const pk = tableColumns.find((c) => c.name === table.primaryKey)!;
    // One physical layout for every output: the table's columns, then the population's under orca_p_* names.
    const stored = Object.fromEntries(input.schema.columns.map((c) => [c.name, `orca_p_${c.name}`]));
    const layout: Column[] = [
      ...tableColumns,
      ...input.schema.columns.map((c) => ({ name: stored[c.name]!, type: c.type })),
    ];
    const row = (values: Record<string, string>, output: string) =>
      `${layout.map((c) => `${values[c.name] ?? `CAST(NULL AS ${sqlType(c.type)})`} AS ${q(c.name)}`).join(', ')}, ${output} AS ${q(OUTPUT_COLUMN)}`;

    const lines = populationLines(job, table, dialect.workTable(input.ref));
    const mapped = mappedColumns(job, table);
    const kept = [...mapped.map((c) => `d.${q(c.column)}`), `d.${q(LINE_COLUMN)}`].join(', ');
    const matched = matchSelect(
      dialect,
      job,
      table,
      `(SELECT ${kept} FROM orca_doubles AS d WHERE d.${q(OUTPUT_COLUMN)} = 'main')`,
      table,
    );
    const change = `CASE m.orca_change ${Object.entries(CHANGE_OUTPUTS)
      .map(([c, o]) => `WHEN ${stringLiteral(c)} THEN ${stringLiteral(o)}`)
      .join(' ')} END`;
    const pkMapped = mapped.some((c) => c.column === pk.name);
    const parts = [
      // Each line's change, counted per output (the table's key of the row, or of the line).
      `SELECT ${row({ [pk.name]: `m.${q(pk.name)}` }, change)}\nFROM orca_matched AS m`,
      `SELECT ${row(pkMapped ? { [pk.name]: `d.${q(pk.name)}` } : {}, `CASE WHEN d.${q(OUTPUT_COLUMN)} = 'rejects' THEN 'rejected' ELSE 'doubles' END`)}\nFROM orca_doubles AS d\nWHERE d.${q(OUTPUT_COLUMN)} <> 'main'`,
      `SELECT ${row(Object.fromEntries(input.schema.columns.map((c) => [stored[c.name]!, `w.${q(c.name)}`])), "'main'")}\nFROM ${dialect.workTable(input.ref)} AS w`,
    ];
    if (!testMode)
      parts.unshift(
        `SELECT ${row(Object.fromEntries(tableColumns.map((c) => [c.name, `v.${q(c.name)}`])), stringLiteral(VERSION_OUTPUT))}\nFROM (\n${applySelect(dialect, table, 'orca_matched', table)}\n) AS v`,
      );
    const sql = [
      `WITH orca_lines AS ${lines},`,
      `orca_doubles AS (${doublesSelect(job, table, 'orca_lines')}),`,
      `orca_matched AS (${matched})`,
      parts.join('\nUNION ALL\n'),
    ].join('\n');

    const counted: WorkSchema = { dimension: null, columns: [pk] };
    const outputs: Record<string, WorkSchema> = {
      main: { ...input.schema, stored },
      ...Object.fromEntries(COUNT_OUTPUTS.map((o) => [o, counted])),
    };
    if (testMode) return { action: { type: 'query', sql, location: ctx.outputLocation }, outputs };
    outputs[VERSION_OUTPUT] = { dimension: null, columns: tableColumns };
    const location = `versions/${table.name}/${ctx.run?.id ?? 'RUN'}-${a.id}`;
    return {
      action: { type: 'query', sql, location, saves: { table: table.name, keep: a.keepVersions } },
      outputs,
    };
  },
});
