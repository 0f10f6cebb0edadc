/**
 * What every activity type provides, and the helpers they share.
 *
 * An activity module is one file: its settings (a zod schema), which outputs it has, and `plan`,
 * which both validates the settings against the catalog and the inbound populations and says what
 * the activity does: run one query whose rows are tagged with the output they belong to, forward
 * an inbound population, wait, branch, alert... Validation calls `plan` with placeholder inputs,
 * the code view prints its SQL, and the runtime executes it: one function, so they cannot disagree.
 */
import { z } from 'zod';
import type { Catalog, CatalogTable } from '../catalog/catalog.js';
import { OUTPUT_COLUMN, type CsvSource, type WorkTableRef } from '../sql/dialect.js';
import { IDENTIFIER, quoteIdent, stringLiteral } from '../sql/literal.js';
import { sqlType, type Column, type ColumnType } from '../sql/types.js';
import { type AliasGen, Scope, type QueryEnv } from '../query/scope.js';
import type { Reporter } from '../util/issues.js';
import type { RuleValue } from '../query/rules.js';

// ---------------------------------------------------------------------------------------------
// Common settings

export const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const idSchema = z
  .string()
  .regex(ID_PATTERN, 'use letters, digits, - and _, starting with a letter (at most 64)');
export const nameSchema = z
  .string()
  .regex(IDENTIFIER, 'use lower-case letters, digits and underscores, starting with a letter');

export const commonFields = {
  id: idSchema.describe('unique within the campaign'),
  label: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  disabled: z.boolean().optional().describe('a disabled activity does not run, nor does what follows on its path'),
  breakpoint: z
    .boolean()
    .optional()
    .describe('pause the run before this activity so its inbound data can be inspected'),
};

export const generateComplement = z
  .boolean()
  .default(false)
  .describe('add a complement output with the rows that did not make it');

/** A column added from an attribute: `email`, or `{ attribute: product.category, as: category }`. */
export const attributeColumn = z.union([
  z.string().min(1),
  z.object({ attribute: z.string().min(1), as: nameSchema.optional() }).strict(),
]);
export type AttributeColumn = z.infer<typeof attributeColumn>;

export function attributeColumnName(a: AttributeColumn): { path: string; as: string } {
  const path = typeof a === 'string' ? a : a.attribute;
  const as =
    typeof a === 'string' || !a.as
      ? path
          .split('.')
          .map((s) => s.trim())
          .join('_')
      : a.as;
  return { path, as };
}

export const sortSchema = z
  .object({
    expression: z.string().min(1).describe('an expression, e.g. an attribute name'),
    order: z.enum(['highest', 'lowest']).default('highest'),
  })
  .strict();

// ---------------------------------------------------------------------------------------------
// Populations

/** The shape of a work table: its targeting dimension (null for data from a file) and columns. */
export interface WorkSchema {
  dimension: string | null;
  /** When there is a dimension, the first column is its primary key. */
  columns: Column[];
  /** Physical names of columns stored under another name (see `physicalSelect`). */
  stored?: Record<string, string>;
}

export interface Input {
  /** The inbound transition's id. */
  transition: string;
  from: string;
  output: string;
  /** null when the transition carries no population (e.g. from a Wait with no inbound). */
  schema: WorkSchema | null;
  /** Where its rows are; a placeholder when validating. */
  ref: WorkTableRef | null;
}

export interface RunInfo {
  id: string;
  testMode: boolean;
}

/** Extra state some activities read at run time from the status store. */
export interface ActivityState {
  /** readAudience: the saved audience. */
  audience?: { ref: WorkTableRef; dimension: string } | undefined;
  /** incrementalQuery: keys output by earlier runs, or the last run's start time. */
  history?: WorkTableRef[];
  lastRunAt?: string | undefined;
}

export interface PlanContext {
  env: QueryEnv;
  catalog: Catalog;
  campaign: { id: string; dimension: string };
  inputs: Input[];
  report: Reporter;
  /** Undefined when validating or showing SQL. */
  run?: RunInfo | undefined;
  state?: ActivityState | undefined;
  aliases: AliasGen;
  /** Where this activity's outputs go by default: work/<campaign>/<run>/<activity>. */
  outputLocation: string;
}

// ---------------------------------------------------------------------------------------------
// What an activity does

export type Action =
  /** One SELECT whose last column, orca_output, names the output each row belongs to. */
  | {
      type: 'query';
      sql: string;
      location: string;
      csv?: CsvSource;
      saves?: { audience: string } | { history: true } | { watermark: true };
    }
  /** Outputs carry inbound populations unchanged. */
  | { type: 'forward'; from: Record<string, number> }
  /** Test: the first branch whose condition holds gets the inbound population. */
  | { type: 'branch'; branches: Array<{ output: string; test: BranchTest }>; otherwise?: string }
  | { type: 'wait'; seconds?: number; until?: string; from: Record<string, number> }
  | { type: 'alert'; title: string; message: string; severity: string; from: Record<string, number> }
  | { type: 'end'; signal?: { campaign: string; variables?: Record<string, unknown> } }
  /** Channels: modelled, not run yet. */
  | { type: 'unsupported'; reason: string }
  /** The settings have errors (reported); nothing can run. */
  | { type: 'invalid' };

export interface BranchTest {
  subject: { population: true } | { variable: string };
  operator: 'equal' | 'notEqual' | 'greater' | 'less' | 'greaterOrEqual' | 'lessOrEqual' | 'isEmpty' | 'isNotEmpty';
  value?: RuleValue;
}

export interface Plan {
  action: Action;
  /** Schema of each output this activity produces. */
  outputs: Record<string, WorkSchema | null>;
}

export interface Settled {
  /** Outputs that do not continue (empty with "skip if empty", empty incremental result...). */
  inactive?: string[];
  /** When set, the activity fails with this message. */
  error?: string;
}

export interface ActivityModule<A extends { type: string; id: string } = { type: string; id: string }> {
  type: A['type'];
  title: string;
  category: 'targeting' | 'flow' | 'channel';
  schema: z.ZodType<A>;
  /** How many inbound transitions it accepts. */
  inbound: { min: number; max: number };
  /** Whether the inbound population is used (false: an inbound transition only triggers it). */
  usesPopulation: boolean;
  /** Outputs transitions may leave from. */
  outputs(a: A): string[];
  /** Whether one output may feed several transitions (Fork). */
  fanOut?: boolean;
  /**
   * Inbound transitions that must have run for this activity to run; by default, at least one of
   * them must have. An activity whose required input did not run is skipped, and so is its path.
   */
  requires?(a: A, inbound: string[]): string[];
  /** Leave inbound transitions that did not run out of the plan (Combine); by default they are empty populations. */
  dropsInactive?: boolean;
  plan(a: A, ctx: PlanContext): Plan;
  /** After the query ran: which outputs stop, or why the activity fails. */
  settle?(a: A, rows: Record<string, number>): Settled;
}

/** The plan of an activity whose settings have errors: no outputs, so nothing downstream cascades. */
export function invalid(): Plan {
  return { action: { type: 'invalid' }, outputs: {} };
}

/**
 * How an activity runs in the state machine: targeting activities run one query; Wait waits;
 * the other flow-control activities (and the skipped) are done by their gate at once.
 */
export function executionOf(m: ActivityModule): 'query' | 'wait' | 'at once' {
  return m.category === 'targeting' ? 'query' : m.type === 'wait' ? 'wait' : 'at once';
}

export function defineActivity<A extends { type: string; id: string }>(m: ActivityModule<A>): ActivityModule<A> {
  return m;
}

// ---------------------------------------------------------------------------------------------
// Helpers for plans

export const OUTPUT = quoteIdent(OUTPUT_COLUMN);

export function outputTag(output: string): string {
  return `${stringLiteral(output)} AS ${OUTPUT}`;
}

export function columnList(columns: readonly Column[], alias?: string): string {
  return columns.map((c) => (alias ? `${alias}.${quoteIdent(c.name)}` : quoteIdent(c.name))).join(', ');
}

export function keyColumn(catalog: Catalog, dimension: string): Column {
  const t = catalog.table(dimension)!;
  return { name: t.primaryKey, type: t.columns.get(t.primaryKey)!.type };
}

export function dimensionSchema(catalog: Catalog, dimension: string): WorkSchema {
  return { dimension, columns: [keyColumn(catalog, dimension)] };
}

/** The main inbound population, reporting an error when there is none. */
export function populationInput(
  ctx: PlanContext,
  index = 0,
): (Input & { schema: WorkSchema; ref: WorkTableRef }) | undefined {
  const input = ctx.inputs[index];
  if (!input) {
    ctx.report.error([], 'needs an inbound transition carrying a population');
    return undefined;
  }
  if (!input.schema || !input.ref) {
    ctx.report.error(
      [],
      `transition '${input.transition}' carries no population (it comes from ${input.from}, which has none)`,
    );
    return undefined;
  }
  return input as Input & { schema: WorkSchema; ref: WorkTableRef };
}

/** A scope over an input's work table: its columns by name, its dimension's attributes through a join. */
export function inputScope(ctx: PlanContext, input: { schema: WorkSchema }, alias = 'w'): Scope {
  const table = input.schema.dimension ? ctx.catalog.table(input.schema.dimension) : undefined;
  return new Scope(ctx.env, ctx.aliases, {
    table,
    tableAlias: ctx.aliases.next('t'),
    work: { alias, columns: input.schema.columns },
  });
}

export function dimensionTable(
  ctx: PlanContext,
  name: string | undefined,
  path: (string | number)[],
): CatalogTable | undefined {
  const dimension = name ?? ctx.campaign.dimension;
  const t = ctx.catalog.table(dimension);
  if (!t) ctx.report.error(path, `unknown table '${dimension}'; the catalog has: ${ctx.catalog.tableNames.join(', ')}`);
  return t;
}

/** Adds a column to a schema, reporting a clash with an existing name. */
export function addColumn(
  columns: Column[],
  name: string,
  type: ColumnType,
  report: Reporter,
  path: (string | number)[],
): boolean {
  if (columns.some((c) => c.name === name)) {
    report.error(path, `column '${name}' already exists in the population; choose another name with 'as'`);
    return false;
  }
  if (name.startsWith('orca_')) {
    report.error(path, `column names starting with 'orca_' are reserved`);
    return false;
  }
  columns.push({ name, type });
  return true;
}

/**
 * One output's SELECT list in a query that writes several outputs with one physical layout:
 * every physical column, the output's own values where it has them and typed NULLs elsewhere.
 */
export function physicalSelect(layout: readonly Column[], values: Record<string, string>, output: string): string {
  const cols = layout.map((c) => `${values[c.name] ?? `CAST(NULL AS ${sqlType(c.type)})`} AS ${quoteIdent(c.name)}`);
  return `${cols.join(', ')}, ${outputTag(output)}`;
}

/** The transition ids a setting refers to must be inbound transitions of the activity. */
export function inputIndex(ctx: PlanContext, transition: string, path: (string | number)[]): number | undefined {
  const i = ctx.inputs.findIndex((x) => x.transition === transition);
  if (i < 0) {
    const ids = ctx.inputs.map((x) => x.transition);
    ctx.report.error(
      path,
      `'${transition}' is not an inbound transition of this activity${ids.length ? `; inbound: ${ids.join(', ')}` : ''}`,
    );
    return undefined;
  }
  return i;
}

/** Forward outputs: every listed output carries input 0's population (or none). */
export function forwardAll(ctx: PlanContext, outputs: string[]): Plan {
  const schema = ctx.inputs[0]?.schema ?? null;
  return {
    action: { type: 'forward', from: Object.fromEntries(outputs.map((o) => [o, 0])) },
    outputs: Object.fromEntries(outputs.map((o) => [o, schema])),
  };
}
