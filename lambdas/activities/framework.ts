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
import type { Channel } from '../channels/columns.js';
import { OUTPUT_COLUMN, type CsvSource } from '../sql/dialect.js';
import type { HistoryEntry, Population, SavedAudience, WorkSchema } from '../sql/population.js';
import { IDENTIFIER, quoteIdent, stringLiteral } from '../sql/literal.js';
import { sqlType, type Column, type ColumnType } from '../sql/types.js';
import { reported } from '../query/problems.js';
import { type AliasGen, type CollectionRef, type QueryEnv, Scope, splitPath, type TypedSql } from '../query/scope.js';
import type { Reporter } from '../util/issues.js';

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

export type { HistoryEntry, SavedAudience, WorkSchema } from '../sql/population.js';

export interface Input {
  /** The inbound transition's id. */
  transition: string;
  from: string;
  output: string;
  /** null when the transition carries no population (e.g. from a Wait with no inbound). */
  schema: WorkSchema | null;
  /** Where its rows are; a placeholder when validating. */
  ref: Population | null;
}

/** An input that carries a population. */
export type PopulationInput = Input & { schema: WorkSchema; ref: Population };

export interface RunInfo {
  id: string;
  testMode: boolean;
}

/** Extra state some activities read at run time from the status store (see `load`). */
export interface ActivityState {
  /** readAudience: the saved audience. */
  audience?: SavedAudience | undefined;
  /** incrementalQuery: keys output by earlier runs, or the last run's start time. */
  history?: Population[];
  lastRunAt?: string | undefined;
}

/** The part of the status store that activities read their state from (a port of the core). */
export interface StateReader {
  getAudience(name: string): Promise<SavedAudience | undefined>;
  getHistory(campaignId: string, activityId: string): Promise<{ lastRunAt?: string; entries: HistoryEntry[] }>;
}

export interface LoadContext {
  store: StateReader;
  run: { id: string; campaignId: string; startedAt: string };
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

/**
 * How an activity runs in the state machine. The compiler emits one chain of states per kind:
 * - `query`: gate -> the engine runs the plan's statement (Athena .sync / DuckDB) -> record;
 * - `wait`: gate -> a Wait state for the plan's seconds or date-time -> record;
 * - `atOnce`: the gate does it (forwards populations, or runs the module's `act` hook);
 * - `send` (channels): gate -> the prepare query (.sync) -> prepared (counts, manifest) -> confirm
 *   (a callback, unless not needed) -> an inline Map over the chunks -> sent -> the output query -> record.
 * A plan may still answer `atOnce` for a `query` or `wait` activity (Save audience in test mode):
 * the state machine then goes straight on.
 */
export type Execution = 'query' | 'wait' | 'atOnce' | 'send';

export type Saves =
  | { audience: string }
  | { history: true }
  | { watermark: true }
  /** Update data: the output `version` becomes the table's current version (keeping `keep` versions). */
  | { table: string; keep: number };

export type Action =
  /** One SELECT whose last column, orca_output, names the output each row belongs to. */
  | { type: 'query'; sql: string; location: string; csv?: CsvSource; saves?: Saves }
  /** Wait, then the outputs carry the inputs of `from` (output -> input index). */
  | { type: 'wait'; seconds?: number; until?: string; from: Record<string, number> }
  /** Done by the gate: the module's `act` hook, or else the outputs carry the inputs of `from`. */
  | { type: 'atOnce'; from: Record<string, number> }
  /**
   * Channels: one SELECT writing the message table (outputs `messages` and `excluded`) into
   * `location`, in `chunks` chunks (orca_chunk), each sent by one chunk sender of the channel.
   */
  | { type: 'send'; sql: string; location: string; chunks: number; channel: Channel }
  /** An activity that cannot run (yet): compile refuses it. */
  | { type: 'unsupported'; reason: string }
  /** The settings have errors (reported); nothing can run. */
  | { type: 'invalid' };

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

/** What an at-once activity may do beyond forwarding populations (ports of the core). */
export interface Effects {
  notify(alert: { title: string; message: string; severity: string }): Promise<void>;
  /** Starts a published campaign; absent where no service runs them (a plain `orca run`). */
  signal?: ((campaignId: string, variables: Record<string, unknown>) => Promise<string>) | undefined;
}

export interface ActContext {
  inputs: Input[];
  run: { id: string; campaignId: string; testMode: boolean; variables: Record<string, unknown> };
  effects: Effects;
}

export interface Acted {
  /** Output -> the index of the input whose population it carries. */
  forward: Record<string, number>;
  /** The log line of the activity's task. */
  note: string;
  /** A log entry written before the task's (an alert's text). */
  log?: { level: 'info' | 'warn' | 'error'; message: string };
}

/** What the gate does for an at-once activity: the module's `act` hook, or else the plan's forwarding. */
export async function actAtOnce<A extends { type: string; id: string }>(
  module: ActivityModule<A>,
  a: A,
  action: Extract<Action, { type: 'atOnce' }>,
  ctx: ActContext,
): Promise<Acted> {
  return (await module.act?.(a, ctx)) ?? { forward: action.from, note: 'done' };
}

export interface ActivityModule<A extends { type: string; id: string } = { type: string; id: string }> {
  type: A['type'];
  title: string;
  category: 'targeting' | 'flow' | 'channel';
  execution: Execution;
  /** A strict zod object; its output type is the activity's type. */
  schema: z.ZodType<A> & z.ZodObject;
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
  /** State read from the status store before planning at run time (a saved audience, a history). */
  load?(a: A, ctx: LoadContext): Promise<ActivityState>;
  plan(a: A, ctx: PlanContext): Plan;
  /** At-once activities: what the gate does for them (choose a branch, alert, signal). */
  act?(a: A, ctx: ActContext): Promise<Acted>;
  /** After the query ran: which outputs stop, or why the activity fails. */
  settle?(a: A, rows: Record<string, number>): Settled;
}

/** The plan of an activity whose settings have errors: no outputs, so nothing downstream cascades. */
export function invalid(): Plan {
  return { action: { type: 'invalid' }, outputs: {} };
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
export function populationInput(ctx: PlanContext, index = 0): PopulationInput | undefined {
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
  return { ...input, schema: input.schema, ref: input.ref };
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
    action: { type: 'atOnce', from: Object.fromEntries(outputs.map((o) => [o, 0])) },
    outputs: Object.fromEntries(outputs.map((o) => [o, schema])),
  };
}

/** An attribute path resolved in a scope; a problem is reported at `at` (and undefined returned). */
export function resolveAt(ctx: PlanContext, scope: Scope, path: string, at: (string | number)[]): TypedSql | undefined {
  return reported(ctx.report, at, undefined, () => scope.resolve(splitPath(path)));
}

/** A 1-N collection reached from a scope; a problem is reported at `at` (and undefined returned). */
export function collectionAt(
  ctx: PlanContext,
  scope: Scope,
  path: string,
  at: (string | number)[],
): CollectionRef | undefined {
  return reported(ctx.report, at, undefined, () => scope.collection(splitPath(path)));
}
