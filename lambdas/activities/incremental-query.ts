/**
 * Incremental query: like Build audience, but each run only outputs what is new since earlier runs:
 * either keys never output before (within a history of N days, 0 = forever), or rows whose date
 * field is later than the previous run's start. An empty result stops the branch. A test run
 * reads what earlier real runs output and remembers nothing.
 */
import { z } from 'zod';
import { ruleSchema } from '../query/rules.js';
import { compileRule } from '../query/compile.js';
import { Scope } from '../query/scope.js';
import { literal, quoteIdent } from '../sql/literal.js';
import { isTemporal } from '../sql/types.js';
import { formatUtcTimestamp } from '../query/time.js';
import {
  commonFields,
  defineActivity,
  invalid,
  dimensionSchema,
  dimensionTable,
  nameSchema,
  outputTag,
  resolveAt,
} from './framework.js';

export const incrementalQuerySchema = z
  .object({
    ...commonFields,
    type: z.literal('incrementalQuery'),
    dimension: nameSchema.optional(),
    query: ruleSchema.optional(),
    mode: z
      .discriminatedUnion('type', [
        z
          .object({
            type: z.literal('newKeys'),
            historyDays: z
              .number()
              .int()
              .min(0)
              .default(0)
              .describe('how long a key output once stays excluded; 0 = forever'),
          })
          .strict(),
        z
          .object({
            type: z.literal('newerThanLastRun'),
            field: z
              .string()
              .min(1)
              .describe('a date or timestamp attribute; rows later than the previous run start are output'),
          })
          .strict(),
      ])
      .default({ type: 'newKeys', historyDays: 0 }),
  })
  .strict();
export type IncrementalQuery = z.infer<typeof incrementalQuerySchema>;

export const incrementalQuery = defineActivity<IncrementalQuery>({
  type: 'incrementalQuery',
  title: 'Incremental query',
  category: 'targeting',
  execution: 'query',
  schema: incrementalQuerySchema,
  inbound: { min: 0, max: 1 },
  usesPopulation: false,
  outputs: () => ['main'],
  async load(a, { store, run }) {
    const h = await store.getHistory(run.campaignId, a.id);
    const days = a.mode.type === 'newKeys' ? a.mode.historyDays : 0;
    const since = days ? Date.parse(run.startedAt) - days * 86_400_000 : Number.NEGATIVE_INFINITY;
    const history = h.entries
      .filter((x) => x.runId !== run.id && Date.parse(x.at) >= since && x.population.rows > 0)
      .map((x) => x.population);
    return { history, lastRunAt: h.lastRunAt ? formatUtcTimestamp(new Date(h.lastRunAt)) : undefined };
  },
  plan(a, ctx) {
    const table = dimensionTable(ctx, a.dimension, ['dimension']);
    if (!table) return invalid();
    const scope = new Scope(ctx.env, ctx.aliases, { table, tableAlias: 't' });
    const conditions = [a.query ? compileRule(a.query, scope, ctx.report, ['query']) : 'TRUE'];
    const key = quoteIdent(table.primaryKey);
    if (a.mode.type === 'newerThanLastRun') {
      const field = resolveAt(ctx, scope, a.mode.field, ['mode', 'field']);
      if (field && (field.type === 'null' || !isTemporal(field.type)))
        ctx.report.error(['mode', 'field'], `'${a.mode.field}' is a ${field.type}; a date or timestamp is needed`);
      else if (field && ctx.state?.lastRunAt)
        conditions.push(`${field.sql} > ${literal(ctx.state.lastRunAt, 'timestamp')}`);
    } else {
      const history =
        ctx.state?.history ??
        (ctx.run
          ? []
          : [
              {
                location: `state/${ctx.campaign.id}/${a.id}/RUN`,
                table: 'history',
                dimension: table.name,
                output: 'main',
                rows: -1,
                columns: [dimensionSchema(ctx.catalog, table.name).columns[0]!],
              },
            ]);
      if (history.length) {
        const seen = history.map((h) => `SELECT ${key} FROM ${ctx.env.dialect.workTable(h)}`).join('\n  UNION ALL ');
        conditions.push(`NOT EXISTS (SELECT 1 FROM (${seen}) AS h WHERE h.${key} = t.${key})`);
      }
    }
    const sql = `SELECT t.${key}, ${outputTag('main')}\nFROM ${ctx.env.dialect.catalogTable(table)} AS t${scope.joinSql()}\nWHERE ${conditions.join('\n  AND ')}`;
    // A test run reads the memory but never writes it: its keys stay in its own work folder, and the
    // next real run outputs what it would have output without the test run.
    const test = ctx.run?.testMode === true;
    const location =
      a.mode.type === 'newKeys' && !test
        ? `state/${ctx.campaign.id}/${a.id}/${ctx.run?.id ?? 'RUN'}`
        : ctx.outputLocation;
    return {
      action: {
        type: 'query',
        sql,
        location,
        ...(test ? {} : { saves: a.mode.type === 'newKeys' ? { history: true } : { watermark: true } }),
      },
      outputs: { main: dimensionSchema(ctx.catalog, table.name) },
    };
  },
  settle: (_a, rows) => (rows.main === 0 ? { inactive: ['main'] } : {}),
});
