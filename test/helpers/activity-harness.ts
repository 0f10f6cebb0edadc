/**
 * Runs one activity module on the tiny fixture (test/fixtures/tiny.ts) without the stack: one
 * in-memory DuckDB per test file, inbound populations written from hand-made rows, `planActivity`
 * with the DuckDB dialect and the fixture's clock, and the planned SELECT materialised the way the
 * embedded engine does it (Parquet partitioned by orca_output), then read back per output through
 * the dialect, with the output's schema. No dynalite, no Step Functions.
 *
 * The planner's input types are changing (`Input.ref` and the activity state become the
 * `Population` of lambdas/sql/population.ts): populations are held here as `Population`s, and
 * `toInput` / `toState` are the only places that build what the planner takes.
 */
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { csvToJsonLines } from '../../lambdas/sql/csv.js';
import { dirname, join } from 'node:path';
import { ACTIVITIES } from '../../lambdas/activities/index.js';
import {
  type Acted,
  type ActivityState,
  actAtOnce,
  type Input,
  type Plan,
  type RunInfo,
  type Settled,
} from '../../lambdas/activities/framework.js';
import { typedRow } from '../../lambdas/adapters/rows.js';
import type { Catalog } from '../../lambdas/catalog/catalog.js';
import { type CampaignContext, planActivity } from '../../lambdas/planner.js';
import { CSV_COPY_FILE, DuckDbDialect, OUTPUT_COLUMN } from '../../lambdas/sql/dialect.js';
import { literal, quoteIdent, stringLiteral } from '../../lambdas/sql/literal.js';
import { type Population, population, schemaOf, type WorkSchema } from '../../lambdas/sql/population.js';
import { type Column, type ColumnType, sqlType } from '../../lambdas/sql/types.js';
import { Findings, type Issue } from '../../lambdas/util/issues.js';
import { openTestDb, type TestDb } from './duckdb.js';
import { TODAY, tinyCatalog, writeTinyData } from '../fixtures/tiny.js';

export type Row = Record<string, unknown>;

/** An inbound transition: a population, or none (a transition from an activity that carries none). */
export interface InboundSpec {
  /** The transition id (default: `in<n>`, n its position). */
  transition?: string;
  /** The activity it comes from (default: `src<n>`). */
  from?: string;
  /** The output it leaves from (default: main). */
  output?: string;
  population: Population | null;
}

export interface PlanOptions {
  /** Inbound populations, in order; a bare population is a transition `in<n>` from `src<n>`. */
  inputs?: Array<Population | InboundSpec | null>;
  /** Undefined for validation (placeholders, as in `orca validate` and the code view). */
  run?: RunInfo | undefined;
  state?: StateSpec;
  campaign?: Partial<CampaignContext>;
  values?: Record<string, unknown>;
  now?: Date;
}

/** Extra state the status store gives some activities at run time. */
export interface StateSpec {
  audience?: Population;
  history?: Population[];
  lastRunAt?: string;
}

export interface Planned {
  plan: Plan;
  errors: Issue[];
  warnings: Issue[];
  /** `path: message` of each error, for readable assertions. */
  messages: string[];
}

export interface Ran extends Planned {
  sql: string;
  /** Rows of each output the query wrote, read through the output's schema, sorted by their first column. */
  outputs: Record<string, Row[]>;
  /** Rows per output (0 for a planned output the query wrote nothing to). */
  counts: Record<string, number>;
  settled: Settled;
  /** The first column (the key) of an output's rows, as numbers. */
  ids(output?: string): Array<number | null>;
  /** An output as a population, to feed another activity. */
  population(output?: string): Population;
}

export interface ActivityHarness {
  db: TestDb;
  catalog: Catalog;
  dialect: DuckDbDialect;
  /**
   * Writes a population as a work table. Rows are keys (numbers) or objects; the key column of the
   * dimension comes first, then `columns`. `dimension: null` is data from a file (only `columns`).
   */
  population(
    rows: Array<number | Row>,
    options?: { dimension?: string | null; columns?: Column[]; output?: string },
  ): Promise<Population>;
  /** Writes a file under the data root (for Load file); returns its path relative to the root. */
  file(name: string, text: string): string;
  /** Plans an activity (parsed by its module's schema first) without running it. */
  plan(def: Row, options?: PlanOptions): Planned;
  /** Plans and runs an activity; it must plan without errors and its action must be a query. */
  run(def: Row, options?: PlanOptions): Promise<Ran>;
  /**
   * Plans an at-once activity and does it as its gate would (the module's `act` hook, or else the
   * plan's forwarding); the notifications and signals it sends are recorded.
   */
  act(def: Row, options?: ActOptions): Promise<ActedResult>;
  close(): void;
}

export interface ActOptions extends PlanOptions {
  variables?: Record<string, unknown>;
  /** Without it, the activity runs where no service starts campaigns (a plain `orca run`). */
  signal?: boolean;
}

export interface ActedResult extends Acted {
  plan: Plan;
  notified: Array<{ title: string; message: string; severity: string }>;
  signalled: Array<{ campaignId: string; variables: Record<string, unknown> }>;
}

export const RUN = { id: 'RUN', testMode: false } as const;

/** The only place that turns harness populations into the planner's inbound transitions. */
export function toInput(spec: InboundSpec, index: number): Input {
  const p = spec.population;
  return {
    transition: spec.transition ?? `in${index}`,
    from: spec.from ?? `src${index}`,
    output: spec.output ?? 'main',
    schema: p ? schemaOf(p) : null,
    ref: p,
  };
}

/** The only place that builds the activity state the planner takes. */
export function toState(spec: StateSpec | undefined): ActivityState | undefined {
  if (!spec) return undefined;
  const saved = { name: 'saved', campaignId: 'test', runId: 'EARLIER', savedAt: '2026-11-21T12:00:00.000Z' };
  return {
    ...(spec.audience
      ? { audience: { ...saved, population: { ...spec.audience, dimension: spec.audience.dimension ?? '' } } }
      : {}),
    ...(spec.history ? { history: spec.history } : {}),
    ...(spec.lastRunAt ? { lastRunAt: spec.lastRunAt } : {}),
  };
}

const isPopulation = (x: Population | InboundSpec): x is Population => 'location' in x;

function sortRows(rows: Row[], key: string | undefined): Row[] {
  const k = (r: Row) => (key === undefined ? null : r[key]);
  return rows.sort((a, b) => {
    const x = k(a);
    const y = k(b);
    if (typeof x === 'number' && typeof y === 'number' && x !== y) return x - y;
    if (x === null && y !== null) return 1;
    if (y === null && x !== null) return -1;
    return String(x).localeCompare(String(y)) || JSON.stringify(a).localeCompare(JSON.stringify(b));
  });
}

export async function openActivityHarness(): Promise<ActivityHarness> {
  const db = await openTestDb('orca-act-');
  await writeTinyData(db);
  const catalog = tinyCatalog();
  const dialect = new DuckDbDialect(db.dir);
  let n = 0;

  const read = async (p: Population): Promise<Row[]> => {
    if (p.rows === 0) return [];
    const raw = (await db.db.runAndReadAll(`SELECT * FROM ${dialect.workTable(toInput({ population: p }, 0).ref!)}`))
      .getRowObjectsJson()
      .map((r) => typedRow(r as Row, p.columns));
    return sortRows(raw, p.columns[0]?.name);
  };

  const harness: ActivityHarness = {
    db,
    catalog,
    dialect,

    async population(rows, options = {}) {
      const dimension = options.dimension === undefined ? 'recipients' : options.dimension;
      const columns: Column[] = [];
      if (dimension) {
        const t = catalog.table(dimension);
        if (!t) throw new Error(`no table ${dimension} in the fixture`);
        columns.push({ name: t.primaryKey, type: t.columns.get(t.primaryKey)!.type });
      }
      columns.push(...(options.columns ?? []));
      const objects = rows.map((r) => (typeof r === 'number' ? { [columns[0]!.name]: r } : r));
      const output = options.output ?? 'main';
      const location = `work/fixture/${++n}`;
      const schema: WorkSchema = { dimension, columns };
      if (objects.length) {
        const value = (v: unknown, type: ColumnType) => `CAST(${literal(v ?? null, type)} AS ${sqlType(type)})`;
        const select = objects
          .map((o) => `SELECT ${columns.map((c) => `${value(o[c.name], c.type)} AS ${quoteIdent(c.name)}`).join(', ')}`)
          .join(' UNION ALL ');
        const dir = join(db.dir, location, `${OUTPUT_COLUMN}=${output}`);
        mkdirSync(dir, { recursive: true });
        await db.db.run(`COPY (${select}) TO ${stringLiteral(join(dir, 'data.parquet'))} (FORMAT PARQUET)`);
      }
      return population(schema, { location, table: `fixture_${n}`, output, rows: objects.length });
    },

    file(name, text) {
      mkdirSync(join(db.dir, 'incoming'), { recursive: true });
      writeFileSync(join(db.dir, 'incoming', name), text);
      return `incoming/${name}`;
    },

    plan(def, options = {}) {
      const module = ACTIVITIES.get(String(def.type));
      if (!module) throw new Error(`unknown activity type ${String(def.type)}`);
      const parsed = module.schema.safeParse(def);
      if (!parsed.success) throw new Error(`invalid settings: ${parsed.error.message}`);
      const activity = parsed.data;
      const findings = new Findings();
      const campaign: CampaignContext = {
        id: 'test',
        dimension: 'recipients',
        timezone: 'UTC',
        variables: {},
        ...options.campaign,
      };
      const inputs = (options.inputs ?? []).map((x, i) =>
        toInput(x === null ? { population: null } : isPopulation(x) ? { population: x } : x, i),
      );
      const plan = planActivity({
        catalog,
        dialect,
        campaign,
        activity,
        inputs,
        now: options.now ?? TODAY,
        report: findings.at(activity.id, []),
        run: options.run,
        state: toState(options.state),
        values: options.values,
      });
      return {
        plan,
        errors: findings.errors,
        warnings: findings.warnings,
        messages: findings.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)),
      };
    },

    async act(def, options = {}) {
      const planned = harness.plan(def, { run: RUN, ...options });
      if (planned.errors.length) throw new Error(`the plan has errors: ${planned.messages.join('; ')}`);
      const action = planned.plan.action;
      if (action.type !== 'atOnce') throw new Error(`the plan is a ${action.type}, not done at once`);
      const module = ACTIVITIES.get(String(def.type))!;
      const notified: ActedResult['notified'] = [];
      const signalled: ActedResult['signalled'] = [];
      const run = options.run ?? RUN;
      const inputs = (options.inputs ?? []).map((x, i) =>
        toInput(x === null ? { population: null } : isPopulation(x) ? { population: x } : x, i),
      );
      const acted = await actAtOnce(module, module.schema.parse(def), action, {
        inputs,
        run: { id: run.id, campaignId: 'test', testMode: run.testMode, variables: options.variables ?? {} },
        effects: {
          notify: async (alert) => {
            notified.push(alert);
          },
          signal: options.signal
            ? async (campaignId, variables) => {
                signalled.push({ campaignId, variables });
                return 'SIGNALLED-RUN';
              }
            : undefined,
        },
      });
      return { ...acted, plan: planned.plan, notified, signalled };
    },

    async run(def, options = {}) {
      const planned = harness.plan(def, { run: RUN, ...options });
      if (planned.errors.length) throw new Error(`the plan has errors: ${planned.messages.join('; ')}`);
      const action = planned.plan.action;
      if (action.type !== 'query') throw new Error(`the plan is a ${action.type}, not a query`);
      // The embedded engine's preparation of a CSV source: the run's copy of its records.
      if (action.csv) {
        const copy = join(db.dir, action.csv.copy);
        mkdirSync(copy, { recursive: true });
        await pipeline(
          Readable.from(csvToJsonLines(createReadStream(join(db.dir, action.csv.location)), action.csv)),
          createWriteStream(join(copy, CSV_COPY_FILE)),
        );
      }
      // The contract of a query action: one SELECT whose last column names each row's output.
      const names = (await db.db.runAndReadAll(`SELECT * FROM (\n${action.sql}\n) AS q LIMIT 0`)).columnNames();
      if (names.at(-1) !== OUTPUT_COLUMN) throw new Error(`the last column is ${names.at(-1)}, not ${OUTPUT_COLUMN}`);
      const target = join(db.dir, action.location);
      rmSync(target, { recursive: true, force: true });
      mkdirSync(dirname(target), { recursive: true });
      await db.db.run(
        `COPY (\n${action.sql}\n) TO ${stringLiteral(target)} (FORMAT PARQUET, PARTITION_BY (${OUTPUT_COLUMN}), OVERWRITE true)`,
      );
      const written = existsSync(target)
        ? readdirSync(target).flatMap((d) =>
            d.startsWith(`${OUTPUT_COLUMN}=`) ? [d.slice(OUTPUT_COLUMN.length + 1)] : [],
          )
        : [];
      const counts: Record<string, number> = {};
      const pops: Record<string, Population> = {};
      const outputs: Record<string, Row[]> = {};
      for (const output of new Set([...Object.keys(planned.plan.outputs), ...written])) {
        const schema = planned.plan.outputs[output];
        if (!schema) throw new Error(`the query wrote rows to '${output}', which is not an output of the plan`);
        const at = { location: action.location, table: 'work', output };
        outputs[output] = written.includes(output) ? await read(population(schema, { ...at, rows: -1 })) : [];
        counts[output] = outputs[output].length;
        pops[output] = population(schema, { ...at, rows: counts[output] });
      }
      const module = ACTIVITIES.get(String(def.type))!;
      const settled = module.settle?.(module.schema.parse(def), counts) ?? {};
      const pick = (output: string) => {
        const p = pops[output];
        if (!p) throw new Error(`no output '${output}'; the plan has: ${Object.keys(pops).join(', ')}`);
        return p;
      };
      return {
        ...planned,
        sql: action.sql,
        outputs,
        counts,
        settled,
        ids: (output = 'main') => {
          const key = pick(output).columns[0]!.name;
          return outputs[output]!.map((r) => (r[key] === null ? null : Number(r[key])));
        },
        population: (output = 'main') => pick(output),
      };
    },

    close() {
      db.close();
    },
  };
  return harness;
}
