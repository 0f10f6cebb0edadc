/**
 * Change dimension: moves the population to another table through a path of links
 * (purchases -> recipient, or recipients -> purchases). The new population is de-duplicated on the
 * new key; the complement holds the rows (of the old dimension) that lead to no row of the new one.
 */
import { z } from 'zod';
import { quoteIdent } from '../sql/literal.js';
import type { Column } from '../sql/types.js';
import { splitPath } from '../query/scope.js';
import { didYouMean } from '../util/issues.js';
import {
  commonFields,
  defineActivity,
  invalid,
  dimensionSchema,
  generateComplement,
  nameSchema,
  physicalSelect,
  populationInput,
  type WorkSchema,
} from './framework.js';

export const changeDimensionSchema = z
  .object({
    ...commonFields,
    type: z.literal('changeDimension'),
    dimension: nameSchema.describe('the new targeting dimension'),
    link: z.string().min(1).describe('the links to follow from the current dimension, e.g. recipient, or purchases'),
    generateComplement,
  })
  .strict();
export type ChangeDimension = z.infer<typeof changeDimensionSchema>;

export const changeDimension = defineActivity<ChangeDimension>({
  type: 'changeDimension',
  title: 'Change dimension',
  category: 'targeting',
  execution: 'query',
  schema: changeDimensionSchema,
  inbound: { min: 1, max: 1 },
  usesPopulation: true,
  outputs: (a) => (a.generateComplement ? ['main', 'complement'] : ['main']),
  plan(a, ctx) {
    const input = populationInput(ctx);
    if (!input) return invalid();
    if (!input.schema.dimension) {
      ctx.report.error([], 'the inbound population has no dimension (it comes from a file); use Reconciliation first');
      return invalid();
    }
    const target = ctx.catalog.table(a.dimension);
    if (!target) {
      ctx.report.error(
        ['dimension'],
        `unknown table '${a.dimension}'.${didYouMean(a.dimension, ctx.catalog.tableNames)}`,
      );
      return invalid();
    }
    let table = ctx.catalog.table(input.schema.dimension)!;
    const srcKey = quoteIdent(table.primaryKey);
    const joins = [`JOIN ${ctx.env.dialect.catalogTable(table)} AS x0 ON x0.${srcKey} = w.${srcKey}`];
    let alias = 'x0';
    const path = splitPath(a.link);
    for (let i = 0; i < path.length; i++) {
      const link = table.links.get(path[i]!);
      if (!link) {
        ctx.report.error(
          ['link'],
          `${table.name} has no link '${path[i]}'.${didYouMean(path[i]!, table.links.keys())}`,
        );
        return invalid();
      }
      const next = `x${i + 1}`;
      const on = link.on.map((p) => `${next}.${quoteIdent(p.to)} = ${alias}.${quoteIdent(p.from)}`).join(' AND ');
      table = ctx.catalog.table(link.to)!;
      joins.push(`JOIN ${ctx.env.dialect.catalogTable(table)} AS ${next} ON ${on}`);
      alias = next;
    }
    if (table.name !== target.name) {
      ctx.report.error(['link'], `the path '${a.link}' leads to ${table.name}, not ${target.name}`);
      return invalid();
    }
    const main = dimensionSchema(ctx.catalog, target.name);
    const newKey = main.columns[0]!;
    // The complement keeps the old dimension's columns, stored under orca_c_* names so that both
    // outputs share one physical layout even when the two keys have the same name.
    const stored = Object.fromEntries(input.schema.columns.map((c) => [c.name, `orca_c_${c.name}`]));
    const layout: Column[] = [newKey, ...input.schema.columns.map((c) => ({ name: stored[c.name]!, type: c.type }))];
    const source = ctx.env.dialect.workTable(input.ref);
    const parts = [
      `SELECT ${physicalSelect(layout, { [newKey.name]: `m.orca_dst` }, 'main')}\nFROM (SELECT DISTINCT orca_dst FROM mapped) AS m`,
    ];
    const outputs: Record<string, WorkSchema | null> = { main };
    if (a.generateComplement) {
      const values = Object.fromEntries(input.schema.columns.map((c) => [stored[c.name]!, `w.${quoteIdent(c.name)}`]));
      parts.push(
        `SELECT ${physicalSelect(layout, values, 'complement')}\nFROM ${source} AS w\nWHERE NOT EXISTS (SELECT 1 FROM mapped AS m WHERE m.orca_src = w.${srcKey})`,
      );
      outputs.complement = { ...input.schema, stored };
    }
    const mapped = `SELECT w.${srcKey} AS orca_src, ${alias}.${quoteIdent(newKey.name)} AS orca_dst\n  FROM ${source} AS w\n  ${joins.join('\n  ')}`;
    const sql = `WITH mapped AS (\n  ${mapped}\n)\n${parts.join('\nUNION ALL\n')}`;
    return { action: { type: 'query', sql, location: ctx.outputLocation }, outputs };
  },
});
