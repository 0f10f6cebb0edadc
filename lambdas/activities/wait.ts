/** Wait: pauses the branch for a duration, or until a date and time; the population passes through. */
import { z } from 'zod';
import { commonFields, defineActivity } from './framework.js';

const UNIT_SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86400 } as const;

export const waitSchema = z
  .object({
    ...commonFields,
    type: z.literal('wait'),
    duration: z
      .object({
        value: z
          .number()
          .int()
          .min(0)
          .max(366 * 86400),
        unit: z.enum(['seconds', 'minutes', 'hours', 'days']),
      })
      .strict()
      .optional(),
    until: z.iso
      .datetime({ offset: true, local: false })
      .optional()
      .describe('an ISO 8601 date-time with its offset, e.g. 2026-12-24T09:00:00+01:00'),
  })
  .strict();
export type Wait = z.infer<typeof waitSchema>;

export const wait = defineActivity<Wait>({
  type: 'wait',
  title: 'Wait',
  category: 'flow',
  execution: 'wait',
  schema: waitSchema,
  inbound: { min: 0, max: 1 },
  usesPopulation: true,
  outputs: () => ['main'],
  plan(a, ctx) {
    if (!a.duration === !a.until)
      ctx.report.error(a.duration ? ['until'] : [], 'give either a duration or an until date-time');
    const schema = ctx.inputs[0]?.schema ?? null;
    const seconds = a.duration ? a.duration.value * UNIT_SECONDS[a.duration.unit] : undefined;
    if (seconds !== undefined && seconds > 365 * 86400)
      ctx.report.error(
        ['duration'],
        'a wait cannot exceed one year (a Step Functions execution lasts at most one year)',
      );
    const until = a.until ? new Date(a.until).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
    return {
      action: {
        type: 'wait',
        ...(seconds !== undefined ? { seconds } : {}),
        ...(until ? { until } : {}),
        from: { main: 0 },
      },
      outputs: { main: schema },
    };
  },
});
