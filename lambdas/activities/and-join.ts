/** And-join: waits until every inbound transition is done, then carries the primary set on. */
import { z } from 'zod';
import { commonFields, defineActivity, idSchema, inputIndex, invalid } from './framework.js';

export const andJoinSchema = z
  .object({
    ...commonFields,
    type: z.literal('andJoin'),
    primary: idSchema.optional().describe('the inbound transition whose population continues (default: the first)'),
  })
  .strict();
export type AndJoin = z.infer<typeof andJoinSchema>;

export const andJoin = defineActivity<AndJoin>({
  type: 'andJoin',
  title: 'And-join',
  category: 'flow',
  execution: 'atOnce',
  schema: andJoinSchema,
  inbound: { min: 2, max: 32 },
  usesPopulation: true,
  outputs: () => ['main'],
  requires: (a, inbound) => [a.primary ?? inbound[0]!],
  plan(a, ctx) {
    const i = a.primary ? inputIndex(ctx, a.primary, ['primary']) : 0;
    if (i === undefined) return invalid();
    return { action: { type: 'atOnce', from: { main: i } }, outputs: { main: ctx.inputs[i]?.schema ?? null } };
  },
});
