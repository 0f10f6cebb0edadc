/** Fork: starts two or more branches in parallel, each with the same population. */
import { z } from 'zod';
import { commonFields, defineActivity, forwardAll } from './framework.js';

export const forkSchema = z.object({ ...commonFields, type: z.literal('fork') }).strict();
export type Fork = z.infer<typeof forkSchema>;

export const fork = defineActivity<Fork>({
  type: 'fork',
  title: 'Fork',
  category: 'flow',
  execution: 'atOnce',
  schema: forkSchema,
  inbound: { min: 0, max: 1 },
  usesPopulation: true,
  outputs: () => ['main'],
  fanOut: true,
  plan: (_a, ctx) => forwardAll(ctx, ['main']),
});
