/** Build audience: the entry point of a campaign; selects the rows of a dimension with a query. */
import { z } from 'zod';
import { ruleSchema } from '../query/rules.js';
import { compileRule } from '../query/compile.js';
import { Scope } from '../query/scope.js';
import { quoteIdent } from '../sql/literal.js';
import {
  commonFields,
  defineActivity,
  invalid,
  dimensionSchema,
  dimensionTable,
  nameSchema,
  outputTag,
} from './framework.js';

export const buildAudienceSchema = z
  .object({
    ...commonFields,
    type: z.literal('buildAudience'),
    dimension: nameSchema.optional().describe("targeting dimension (default: the campaign's)"),
    query: ruleSchema.optional().describe('rules that rows must match; none selects every row'),
    emitWhenEmpty: z
      .boolean()
      .default(false)
      .describe('continue even when no row matches (by default an empty result stops the branch)'),
  })
  .strict();
export type BuildAudience = z.infer<typeof buildAudienceSchema>;

export const buildAudience = defineActivity<BuildAudience>({
  type: 'buildAudience',
  title: 'Build audience',
  category: 'targeting',
  execution: 'query',
  schema: buildAudienceSchema,
  inbound: { min: 0, max: 1 },
  usesPopulation: false,
  outputs: () => ['main'],
  plan(a, ctx) {
    const table = dimensionTable(ctx, a.dimension, ['dimension']);
    if (!table) return invalid();
    const scope = new Scope(ctx.env, ctx.aliases, { table, tableAlias: 't' });
    const where = a.query ? compileRule(a.query, scope, ctx.report, ['query']) : 'TRUE';
    const key = quoteIdent(table.primaryKey);
    const sql = `SELECT t.${key}, ${outputTag('main')}\nFROM ${ctx.env.dialect.catalogTable(table)} AS t${scope.joinSql()}\nWHERE ${where}`;
    return {
      action: { type: 'query', sql, location: ctx.outputLocation },
      outputs: { main: dimensionSchema(ctx.catalog, table.name) },
    };
  },
  settle: (a, rows) => (!a.emitWhenEmpty && rows.main === 0 ? { inactive: ['main'] } : {}),
});
