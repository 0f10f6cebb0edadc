/**
 * Deduplication: among rows that share the values of the chosen fields, keeps N (0 = all) chosen
 * by a method: random, highest or lowest value of an expression, rows with the most non-empty
 * values, or an ordered list of preferred values. The complement holds the removed duplicates.
 * Rows with an empty value in any of the fields are not duplicates of anything.
 */
import { z } from 'zod';
import { literal, quoteIdent } from '../sql/literal.js';
import { expressionField } from '../query/compile.js';
import { emptySql } from '../query/conditions.js';
import {
  columnList,
  commonFields,
  defineActivity,
  invalid,
  generateComplement,
  inputScope,
  populationInput,
  OUTPUT,
  type WorkSchema,
  resolveAt,
} from './framework.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const deduplicationSchema = z
  .object({
    ...commonFields,
    type: z.literal('deduplication'),
    fields: z
      .array(z.string().min(1))
      .min(1)
      .describe('attributes whose equal values make rows duplicates, e.g. [email]'),
    keep: z
      .number()
      .int()
      .min(0)
      .default(1)
      .describe('how many rows to keep per group of duplicates; 0 keeps them all'),
    method: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('random') }).strict(),
        z
          .object({
            type: z.literal('expression'),
            expression: z.string().min(1),
            order: z.enum(['highest', 'lowest']).default('highest'),
          })
          .strict(),
        z
          .object({
            type: z.literal('nonEmpty'),
            attributes: z.array(z.string().min(1)).min(1).describe('prefer rows where more of these are filled'),
          })
          .strict(),
        z
          .object({
            type: z.literal('preferredValues'),
            attribute: z.string().min(1),
            values: z.array(scalar).min(1).describe('most preferred first'),
          })
          .strict(),
      ])
      .default({ type: 'random' }),
    generateComplement,
  })
  .strict();
export type Deduplication = z.infer<typeof deduplicationSchema>;

export const deduplication = defineActivity<Deduplication>({
  type: 'deduplication',
  title: 'Deduplication',
  category: 'targeting',
  execution: 'query',
  schema: deduplicationSchema,
  inbound: { min: 1, max: 1 },
  usesPopulation: true,
  outputs: (a) => (a.generateComplement ? ['main', 'complement'] : ['main']),
  plan(a, ctx) {
    const input = populationInput(ctx);
    if (!input) return invalid();
    const scope = inputScope(ctx, input, 'w');
    const resolve = (path: string, at: (string | number)[]) => resolveAt(ctx, scope, path, at);
    const fields = a.fields.map((f, i) => resolve(f, ['fields', i])).filter((x) => x !== undefined);
    const order: string[] = [];
    const m = a.method;
    if (m.type === 'random') {
      // Ties are broken by the key below, so "random" is a pseudo-random choice seeded by the run.
    } else if (m.type === 'expression') {
      const x = expressionField(m.expression, scope, ctx.report, ['method', 'expression']);
      if (x) order.push(`${x.sql} ${m.order === 'highest' ? 'DESC' : 'ASC'} NULLS LAST`);
    } else if (m.type === 'nonEmpty') {
      const empties = m.attributes
        .map((p, i) => resolve(p, ['method', 'attributes', i]))
        .filter((x) => x !== undefined)
        .map((x) => `(CASE WHEN ${emptySql(x.sql, x.type)} THEN 1 ELSE 0 END)`);
      if (empties.length) order.push(`${empties.join(' + ')} ASC`);
    } else {
      const x = resolve(m.attribute, ['method', 'attribute']);
      const type = x?.type;
      if (x && type && type !== 'null') {
        const whens = m.values.map((v, i) => {
          try {
            return `WHEN ${literal(v, type)} THEN ${i}`;
          } catch (err) {
            ctx.report.error(['method', 'values', i], `${(err as Error).message} (${m.attribute} is a ${x.type})`);
            return '';
          }
        });
        order.push(`(CASE ${x.sql} ${whens.join(' ')} ELSE ${m.values.length} END) ASC`);
      }
    }
    const key = input.schema.dimension ? input.schema.columns[0]! : undefined;
    order.push(
      key
        ? ctx.env.dialect.randomFromKey(`w.${quoteIdent(key.name)}`, ctx.env.seed)
        : columnList(input.schema.columns, 'w'),
    );
    const nullTest = fields.map((f) => emptySql(f.sql, f.type)).join(' OR ') || 'FALSE';
    const rank = `CASE WHEN ${nullTest} THEN 1 ELSE ROW_NUMBER() OVER (PARTITION BY ${fields.map((f) => f.sql).join(', ') || 'NULL'} ORDER BY ${order.join(', ')}) END`;
    const cols = columnList(input.schema.columns);
    const inner = `SELECT ${columnList(input.schema.columns, 'w')}, ${rank} AS orca_rank\n  FROM ${ctx.env.dialect.workTable(input.ref)} AS w${scope.joinSql()}`;
    const kept = a.keep === 0 ? 'TRUE' : `d.orca_rank <= ${a.keep}`;
    const sql = a.generateComplement
      ? `SELECT ${cols}, CASE WHEN ${kept} THEN 'main' ELSE 'complement' END AS ${OUTPUT}\nFROM (\n  ${inner}\n) AS d`
      : `SELECT ${cols}, 'main' AS ${OUTPUT}\nFROM (\n  ${inner}\n) AS d\nWHERE ${kept}`;
    const outputs: Record<string, WorkSchema> = { main: input.schema };
    if (a.generateComplement) outputs.complement = input.schema;
    return { action: { type: 'query', sql, location: ctx.outputLocation }, outputs };
  },
});
