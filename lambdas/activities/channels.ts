/**
 * Channels (email, SMS, push): one message per row of the inbound population, personalised with
 * {{column}} placeholders from the population's attributes and enrichment columns. Modelled and
 * validated here; sending is not implemented yet, so campaigns using them validate but do not run.
 */
import { z } from 'zod';
import {
  commonFields,
  defineActivity,
  invalid,
  populationInput,
  type ActivityModule,
  type PlanContext,
  resolveAt,
} from './framework.js';
import { inputScope } from './framework.js';

const throttle = z
  .object({
    perSecond: z.number().int().min(1).max(10_000),
    windowMinutes: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('after this window, messages not yet sent are excluded and counted'),
  })
  .strict();

const channelFields = {
  ...commonFields,
  sendWithoutConfirmation: z
    .boolean()
    .default(false)
    .describe('send right after publication, without waiting for a confirmation'),
  throttle: throttle.optional(),
  generateOutput: z.boolean().default(false).describe('continue with the population of sent messages'),
};

export const emailSchema = z
  .object({
    ...channelFields,
    type: z.literal('email'),
    from: z.string().min(3),
    replyTo: z.string().optional(),
    subject: z.string().min(1).max(500),
    html: z.string().min(1).optional(),
    text: z.string().min(1).optional(),
    address: z.string().default('email').describe('attribute holding the address'),
  })
  .strict();

export const smsSchema = z
  .object({
    ...channelFields,
    type: z.literal('sms'),
    from: z.string().optional(),
    text: z.string().min(1).max(1600),
    address: z.string().default('phone'),
  })
  .strict();

export const pushSchema = z
  .object({
    ...channelFields,
    type: z.literal('push'),
    title: z.string().min(1).max(200),
    body: z.string().min(1).max(2000),
    deepLink: z.string().optional(),
    address: z.string().default('id').describe('attribute identifying the device or profile'),
  })
  .strict();

type ChannelActivity = z.infer<typeof emailSchema> | z.infer<typeof smsSchema> | z.infer<typeof pushSchema>;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;

function planChannel(a: ChannelActivity, ctx: PlanContext, texts: Record<string, string | undefined>) {
  const input = populationInput(ctx);
  if (!input) return invalid();
  const scope = inputScope(ctx, input, 'w');
  const check = (path: string, at: (string | number)[]) => resolveAt(ctx, scope, path, at);
  check(a.address, ['address']);
  for (const [field, text] of Object.entries(texts)) {
    for (const m of text?.matchAll(PLACEHOLDER) ?? []) check(m[1]!, [field]);
  }
  return {
    action: { type: 'unsupported' as const, reason: `sending ${a.type} messages is not available yet` },
    outputs: a.generateOutput ? { main: input.schema } : {},
  };
}

function channel<A extends ChannelActivity>(
  type: A['type'],
  title: string,
  schema: z.ZodType<A> & z.ZodObject,
  texts: (a: A) => Record<string, string | undefined>,
): ActivityModule<A> {
  return defineActivity<A>({
    type,
    title,
    category: 'channel',
    // Sending is not implemented yet: compile refuses the plan's 'unsupported' action.
    execution: 'atOnce',
    schema,
    inbound: { min: 1, max: 1 },
    usesPopulation: true,
    outputs: (a) => (a.generateOutput ? ['main'] : []),
    plan: (a, ctx) => planChannel(a, ctx, texts(a)),
  });
}

export const email = channel('email', 'Email', emailSchema, (a) => ({
  subject: a.subject,
  html: a.html,
  text: a.text,
}));
export const sms = channel('sms', 'SMS', smsSchema, (a) => ({ text: a.text }));
export const push = channel('push', 'Push notification', pushSchema, (a) => ({ title: a.title, body: a.body }));
