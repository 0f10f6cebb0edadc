/** Alert: notifies the campaign's supervisors (the run log, and in the cloud an SNS topic). */
import { z } from 'zod';
import { commonFields, defineActivity } from './framework.js';

export const alertSchema = z
  .object({
    ...commonFields,
    type: z.literal('alert'),
    title: z.string().min(1).max(200),
    message: z.string().min(1).max(4000),
    severity: z.enum(['info', 'warning', 'error']).default('info'),
  })
  .strict();
export type Alert = z.infer<typeof alertSchema>;

export const alert = defineActivity<Alert>({
  type: 'alert',
  title: 'Alert',
  category: 'flow',
  execution: 'atOnce',
  schema: alertSchema,
  inbound: { min: 0, max: 1 },
  usesPopulation: true,
  outputs: () => ['main'],
  plan: (_a, ctx) => ({
    action: { type: 'atOnce', from: { main: 0 } },
    outputs: { main: ctx.inputs[0]?.schema ?? null },
  }),
  async act(a, ctx) {
    await ctx.effects.notify({ title: a.title, message: a.message, severity: a.severity });
    const level = a.severity === 'error' ? 'error' : a.severity === 'warning' ? 'warn' : 'info';
    return { forward: { main: 0 }, note: 'alert sent', log: { level, message: `alert: ${a.title}: ${a.message}` } };
  },
});
