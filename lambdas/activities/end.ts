/** End: ends a branch; optionally sends a signal that starts another published campaign. */
import { z } from 'zod';
import { CAMPAIGN_ID } from '../util/names.js';
import { valueSchema } from '../query/rules.js';
import { commonFields, defineActivity } from './framework.js';

export const endSchema = z
  .object({
    ...commonFields,
    type: z.literal('end'),
    signal: z
      .object({
        campaign: z.string().regex(CAMPAIGN_ID).describe('id of the campaign to start'),
        variables: z.record(z.string(), valueSchema).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type End = z.infer<typeof endSchema>;

export const end = defineActivity<End>({
  type: 'end',
  title: 'End',
  category: 'flow',
  execution: 'atOnce',
  schema: endSchema,
  inbound: { min: 1, max: 64 },
  usesPopulation: false,
  outputs: () => [],
  plan: () => ({ action: { type: 'atOnce', from: {} }, outputs: {} }),
  async act(a, ctx) {
    const signal = a.signal;
    if (!signal) return { forward: {}, note: 'branch ended' };
    if (ctx.run.testMode) return { forward: {}, note: `test mode: signal to '${signal.campaign}' not sent` };
    if (!ctx.effects.signal)
      return {
        forward: {},
        note: `signal to '${signal.campaign}' not sent: signals need the orca service (orca serve) or the cloud deployment`,
      };
    const runId = await ctx.effects.signal(signal.campaign, signal.variables ?? {});
    return { forward: {}, note: `signal sent: started campaign '${signal.campaign}' (run ${runId})` };
  },
});
