/**
 * Save audience: stores the population as a named audience. Each run writes a new version under
 * audiences/<name>/ and then moves the audience's pointer in one conditional write: a failed run
 * never leaves a half-written audience, and readers never see one. Skipped in test mode.
 */
import { z } from 'zod';
import { quoteIdent } from '../sql/literal.js';
import { audienceName } from './read-audience.js';
import { commonFields, defineActivity, invalid, outputTag, populationInput, type WorkSchema } from './framework.js';

export const saveAudienceSchema = z
  .object({
    ...commonFields,
    type: z.literal('saveAudience'),
    audience: audienceName.describe('name of the audience; saving replaces its previous content'),
    columns: z.array(z.string().min(1)).optional().describe('extra columns of the population to keep (default: all)'),
  })
  .strict();
export type SaveAudience = z.infer<typeof saveAudienceSchema>;

export const saveAudience = defineActivity<SaveAudience>({
  type: 'saveAudience',
  title: 'Save audience',
  category: 'targeting',
  execution: 'query',
  schema: saveAudienceSchema,
  inbound: { min: 1, max: 1 },
  usesPopulation: true,
  outputs: () => ['main'],
  plan(a, ctx) {
    const input = populationInput(ctx);
    if (!input) return invalid();
    if (!input.schema.dimension)
      ctx.report.error(
        [],
        'only a population with a targeting dimension can be saved as an audience; reconcile the file first',
      );
    if (ctx.run?.testMode) return { action: { type: 'atOnce', from: { main: 0 } }, outputs: { main: input.schema } };
    const [key, ...extra] = input.schema.columns;
    let keep = extra;
    if (a.columns) {
      keep = [];
      a.columns.forEach((name, i) => {
        const c = extra.find((x) => x.name === name);
        if (c) keep.push(c);
        else
          ctx.report.error(
            ['columns', i],
            `'${name}' is not a column of the population; it has: ${extra.map((x) => x.name).join(', ') || 'only its key'}`,
          );
      });
    }
    const columns = key ? [key, ...keep] : keep;
    const schema: WorkSchema = { dimension: input.schema.dimension, columns };
    const sql = `SELECT ${columns.map((c) => `w.${quoteIdent(c.name)}`).join(', ')}, ${outputTag('main')}\nFROM ${ctx.env.dialect.workTable(input.ref)} AS w`;
    const location = `audiences/${a.audience}/${ctx.run?.id ?? 'RUN'}-${a.id}`;
    return { action: { type: 'query', sql, location, saves: { audience: a.audience } }, outputs: { main: schema } };
  },
});
