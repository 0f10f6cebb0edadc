/**
 * Read audience: reads a saved audience, re-evaluated on every run: its keys still in the dimension,
 * the columns Save audience stored (with their types), and extra attributes.
 */
import { z } from 'zod';
import { quoteIdent } from '../sql/literal.js';
import type { Column } from '../sql/types.js';
import { Scope } from '../query/scope.js';
import {
  addColumn,
  attributeColumn,
  attributeColumnName,
  commonFields,
  defineActivity,
  invalid,
  dimensionSchema,
  dimensionTable,
  nameSchema,
  outputTag,
  resolveAt,
} from './framework.js';

export const AUDIENCE_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
export const audienceName = z
  .string()
  .regex(AUDIENCE_NAME, 'use lower-case letters, digits, - and _, starting with a letter');

export const readAudienceSchema = z
  .object({
    ...commonFields,
    type: z.literal('readAudience'),
    audience: audienceName.describe('name of an audience saved by a Save audience activity'),
    dimension: nameSchema.optional().describe("the audience's dimension (default: the campaign's)"),
    attributes: z.array(attributeColumn).default([]).describe('attributes of the dimension to add as columns'),
  })
  .strict();
export type ReadAudience = z.infer<typeof readAudienceSchema>;

export const readAudience = defineActivity<ReadAudience>({
  type: 'readAudience',
  title: 'Read audience',
  category: 'targeting',
  execution: 'query',
  schema: readAudienceSchema,
  inbound: { min: 0, max: 1 },
  usesPopulation: false,
  outputs: () => ['main'],
  async load(a, { store }) {
    const saved = await store.getAudience(a.audience);
    return saved ? { audience: saved } : {};
  },
  plan(a, ctx) {
    const table = dimensionTable(ctx, a.dimension, ['dimension']);
    if (!table) return invalid();
    const key: Column = dimensionSchema(ctx.catalog, table.name).columns[0]!;
    const saved = ctx.state?.audience?.population;
    if (saved && saved.dimension !== table.name) {
      ctx.report.error(
        ['audience'],
        `audience '${a.audience}' holds ${saved.dimension}, not ${table.name}; set 'dimension: ${saved.dimension}'`,
      );
    }
    const source = saved
      ? ctx.env.dialect.workTable(saved)
      : ctx.run
        ? undefined
        : ctx.env.dialect.workTable({
            location: `audiences/${a.audience}/CURRENT`,
            table: `audience_${a.audience.replaceAll('-', '_')}`,
            dimension: table.name,
            output: 'main',
            rows: -1,
            columns: [key],
          });
    if (!source)
      ctx.report.error(
        ['audience'],
        `audience '${a.audience}' does not exist yet; run the campaign that saves it first`,
      );
    // The audience is joined to its dimension so that rows deleted from the dimension drop out.
    const scope = new Scope(ctx.env, ctx.aliases, { table, tableAlias: 't' });
    const columns: Column[] = [key];
    const select: string[] = [`t.${quoteIdent(key.name)}`];
    // The columns Save audience stored come back with their types (known at run time, from the store).
    const stored = saved && saved.dimension === table.name ? saved.columns.slice(1) : [];
    for (const c of stored)
      if (addColumn(columns, c.name, c.type, ctx.report, ['audience'])) select.push(`a.${quoteIdent(c.name)}`);
    a.attributes.forEach((attr, i) => {
      const { path, as } = attributeColumnName(attr);
      const r = resolveAt(ctx, scope, path, ['attributes', i]);
      if (r && addColumn(columns, as, r.type === 'null' ? 'string' : r.type, ctx.report, ['attributes', i]))
        select.push(`${r.sql} AS ${quoteIdent(as)}`);
    });
    const k = quoteIdent(key.name);
    // Each key once (with the stored columns of one of its rows).
    const once = stored.length
      ? `SELECT * FROM (SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s.${k} ORDER BY s.${k}) AS orca_n FROM ${source ?? '(SELECT 1)'} AS s) AS d WHERE d.orca_n = 1`
      : `SELECT DISTINCT ${k} FROM ${source ?? '(SELECT 1)'}`;
    const sql = `SELECT ${select.join(', ')}, ${outputTag('main')}\nFROM (${once}) AS a\nJOIN ${ctx.env.dialect.catalogTable(table)} AS t ON t.${k} = a.${k}${scope.joinSql()}`;
    return {
      action: { type: 'query', sql, location: ctx.outputLocation },
      outputs: { main: { dimension: table.name, columns } },
    };
  },
});
