/**
 * Reconciliation: links rows of unidentified data (typically a loaded file) to a dimension, by
 * rules "source column = attribute" (all must hold) or by an advanced condition. Every reconciled
 * line is kept: a source row that matches several rows of the dimension is linked to each, and a
 * dimension row matched by several lines appears once per line (a Deduplication after it chooses).
 * Unreconciled rows go to the complement, or stay in the main output with an empty key.
 */
import { z } from 'zod';
import { expressionField } from '../query/compile.js';
import { Scope } from '../query/scope.js';
import { quoteIdent } from '../sql/literal.js';
import { comparable, type Column } from '../sql/types.js';
import { didYouMean } from '../util/issues.js';
import {
  commonFields,
  defineActivity,
  dimensionSchema,
  dimensionTable,
  generateComplement,
  invalid,
  nameSchema,
  physicalSelect,
  populationInput,
  type WorkSchema,
} from './framework.js';

export const reconciliationSchema = z
  .object({
    ...commonFields,
    type: z.literal('reconciliation'),
    dimension: nameSchema.optional().describe("the dimension to link to (default: the campaign's)"),
    rules: z
      .array(
        z
          .object({
            source: z.string().min(1).describe('a column of the inbound data'),
            destination: z.string().min(1).describe('an attribute of the dimension'),
          })
          .strict(),
      )
      .optional()
      .describe('all must hold'),
    condition: z
      .string()
      .min(1)
      .optional()
      .describe('advanced: a boolean expression over the data columns and the dimension attributes'),
    keepUnreconciled: z
      .boolean()
      .default(false)
      .describe('keep unreconciled rows in the main output, with an empty key'),
    generateComplement,
  })
  .strict();
export type Reconciliation = z.infer<typeof reconciliationSchema>;

export const reconciliation = defineActivity<Reconciliation>({
  type: 'reconciliation',
  title: 'Reconciliation',
  category: 'targeting',
  execution: 'query',
  schema: reconciliationSchema,
  inbound: { min: 1, max: 1 },
  usesPopulation: true,
  outputs: (a) => (a.generateComplement ? ['main', 'complement'] : ['main']),
  plan(a, ctx) {
    const input = populationInput(ctx);
    const table = dimensionTable(ctx, a.dimension, ['dimension']);
    if (!input || !table) return invalid();
    if (!a.rules?.length && !a.condition) {
      ctx.report.error(['rules'], 'give rules (source column = attribute) or a condition');
      return invalid();
    }
    if (a.rules?.length && a.condition) ctx.report.error(['condition'], 'give rules or a condition, not both');
    const key = dimensionSchema(ctx.catalog, table.name).columns[0]!;
    // Match columns of the data by bare name; attributes of the dimension need no prefix.
    const scope = new Scope(ctx.env, ctx.aliases, {
      table,
      tableAlias: 't',
      work: { alias: 's', columns: input.schema.columns },
      dimensionInFrom: true,
    });
    let cond: string;
    if (a.condition) {
      const x = expressionField(a.condition, scope, ctx.report, ['condition']);
      if (x && x.type !== 'boolean')
        ctx.report.error(
          ['condition'],
          `the condition is a ${x.type}; it must be true or false, e.g. "email = lower(e_mail)"`,
        );
      cond = x?.sql ?? 'FALSE';
    } else {
      const pairs = a.rules!.map((r, i) => {
        const src = input.schema.columns.find((c) => c.name === r.source);
        const dest = table.columns.get(r.destination);
        if (!src)
          ctx.report.error(
            ['rules', i, 'source'],
            `'${r.source}' is not a column of the inbound data; it has: ${input.schema.columns.map((c) => c.name).join(', ')}`,
          );
        if (!dest)
          ctx.report.error(
            ['rules', i, 'destination'],
            `'${r.destination}' is not an attribute of ${table.name}.${didYouMean(r.destination, table.columns.keys())}`,
          );
        if (src && dest && !comparable(src.type, dest.type))
          ctx.report.error(['rules', i], `cannot match ${r.source} (${src.type}) with ${r.destination} (${dest.type})`);
        return src && dest ? `s.${quoteIdent(src.name)} = t.${quoteIdent(dest.name)}` : 'FALSE';
      });
      cond = pairs.join(' AND ');
    }
    if (scope.joinSql())
      ctx.report.error(
        [a.condition ? 'condition' : 'rules'],
        `reconcile on attributes of ${table.name} itself, not through links`,
      );
    if (input.schema.columns.some((c) => c.name === key.name)) {
      ctx.report.error(
        [],
        `the inbound data has a column '${key.name}', the name of the key of ${table.name}; rename it before reconciling`,
      );
      return invalid();
    }
    const source = ctx.env.dialect.workTable(input.ref);
    const layout: Column[] = [key, ...input.schema.columns];
    const data = Object.fromEntries(input.schema.columns.map((c) => [c.name, `s.${quoteIdent(c.name)}`]));
    // Every reconciled line is kept: a recipient with two lines in the file has two rows (deduplicate
    // after, choosing which one), and a line matching several rows of the dimension is linked to each.
    const matched = `SELECT ${physicalSelect(layout, { [key.name]: `t.${quoteIdent(key.name)}`, ...data }, 'main')}
FROM ${source} AS s
JOIN ${ctx.env.dialect.catalogTable(table)} AS t ON ${cond}`;
    const parts = [matched];
    const outputs: Record<string, WorkSchema> = {
      main: { dimension: table.name, columns: layout },
    };
    const unreconciled = `FROM ${source} AS s\nWHERE NOT EXISTS (SELECT 1 FROM ${ctx.env.dialect.catalogTable(table)} AS t WHERE ${cond})`;
    if (a.keepUnreconciled) parts.push(`SELECT ${physicalSelect(layout, data, 'main')}\n${unreconciled}`);
    if (a.generateComplement) {
      parts.push(`SELECT ${physicalSelect(layout, data, 'complement')}\n${unreconciled}`);
      outputs.complement = { dimension: null, columns: input.schema.columns };
    }
    return { action: { type: 'query', sql: parts.join('\nUNION ALL\n'), location: ctx.outputLocation }, outputs };
  },
});
