/**
 * Channels (email, SMS, push): one message per row of the inbound population, personalised with
 * liquid templates ({{ column }}, filters, tags) over the row's columns and its dimension's
 * attributes. Validation checks the address attribute, every template's variables against the
 * inbound schema, the sender and the MJML; the plan is the prepare query (lambdas/channels/prepare.ts)
 * whose message table the send chain sends, chunk by chunk. Outputs: `excluded` (the rows not sent,
 * with their orca_reason) and, with generateOutput, `sent`.
 */
import { z } from 'zod';
import {
  commonFields,
  defineActivity,
  invalid,
  populationInput,
  type ActivityModule,
  type Plan,
  type PlanContext,
  resolveAt,
} from './framework.js';
import { inputScope } from './framework.js';
import type { Column } from '../sql/types.js';
import type { WorkSchema } from '../sql/population.js';
import { MESSAGE_COLUMNS, PREPARE_OUTPUTS, type Channel } from '../channels/columns.js';
import { ADDRESS_PATTERNS, chunkPlan, normalizedAddress, prepareSelect } from '../channels/prepare.js';
import { checkMjml } from '../channels/mjml-check.js';
import { templateVariables } from '../channels/liquid.js';
import { QueryError } from '../query/problems.js';
import { quoteIdent as quote } from '../sql/literal.js';

const throttle = z
  .object({
    perSecond: z
      .number()
      .int()
      .min(1, 'a rate below 1 message per second sends nothing')
      .max(10_000)
      .describe('messages per second for the activity as a whole (all its chunks together)'),
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
  frequencyCap: z
    .object({
      messages: z.number().int().min(1),
      days: z.number().int().min(1).max(365),
    })
    .strict()
    .optional()
    .describe('exclude recipients already sent this many messages of the channel (any campaign) in the last days'),
  generateOutput: z.boolean().default(false).describe('continue with the population of sent messages'),
};

export const emailSchema = z
  .object({
    ...channelFields,
    type: z.literal('email'),
    from: z.string().min(3).describe('an address, or Name <address>'),
    replyTo: z.string().optional(),
    subject: z.string().min(1).max(500),
    html: z.string().min(1).optional(),
    mjml: z.string().min(1).optional().describe('responsive HTML written in MJML (instead of html), compiled once'),
    text: z.string().min(1).optional(),
    unsubscribe: z
      .boolean()
      .default(true)
      .describe('a marketing email: an unsubscribe link and the one-click List-Unsubscribe headers'),
    address: z.string().default('email').describe('attribute holding the address'),
  })
  .strict();

export const smsSchema = z
  .object({
    ...channelFields,
    type: z.literal('sms'),
    from: z
      .string()
      .optional()
      .describe('origination identity: a phone number (E.164), a sender id (1-11 letters and digits) or its ARN'),
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
    address: z
      .string()
      .default('endpoint')
      .describe("attribute holding the recipient's SNS platform endpoint ARN (locally, any device token)"),
  })
  .strict();

export type EmailActivity = z.infer<typeof emailSchema>;
export type SmsActivity = z.infer<typeof smsSchema>;
export type PushActivity = z.infer<typeof pushSchema>;
type ChannelActivity = EmailActivity | SmsActivity | PushActivity;

const EMAIL = new RegExp(ADDRESS_PATTERNS.email, 'i');
/** `address` or `Name <address>` (the name quoted or free of <, >, quotes and line breaks). */
const MAILBOX = /^(?:(?:"[^"\r\n]*"|[^"<>\r\n]+)\s*)?<([^<>\s]+)>$/;
const SMS_SENDERS = [
  /^\+[1-9][0-9]{7,14}$/,
  /^[A-Za-z0-9]{1,11}$/,
  /^arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:[0-9]{12}:(?:phone-number|sender-id|pool)\/\S+$/,
];

function mailbox(value: string): boolean {
  const inner = MAILBOX.exec(value.trim())?.[1] ?? value.trim();
  return EMAIL.test(inner) && inner.length <= 254;
}

/** The sender fields: errors at the field. */
function checkSenders(a: ChannelActivity, ctx: PlanContext): void {
  if (a.type === 'email') {
    if (!mailbox(a.from))
      ctx.report.error(
        ['from'],
        `'${a.from}' is not a sender address: write name@example.com or Name <name@example.com>`,
      );
    if (a.replyTo !== undefined && !mailbox(a.replyTo))
      ctx.report.error(
        ['replyTo'],
        `'${a.replyTo}' is not an address: write name@example.com or Name <name@example.com>`,
      );
    if (!a.html && !a.mjml && !a.text) ctx.report.error([], 'an email needs a body: html, mjml or text');
    if (a.html && a.mjml) ctx.report.error(['mjml'], 'give html or mjml, not both');
    if (a.mjml) {
      const r = checkMjml(a.mjml);
      if (r.error) ctx.report.error(['mjml'], `the MJML does not compile: ${r.error}`);
    }
  } else if (a.type === 'sms' && a.from !== undefined && !SMS_SENDERS.some((p) => p.test(a.from!))) {
    ctx.report.error(
      ['from'],
      `'${a.from}' is not an origination identity: a phone number in E.164 (+14155550100), a sender id of 1 to 11 letters and digits, or an ARN of a phone number, sender id or pool`,
    );
  }
}

function planChannel(a: ChannelActivity, ctx: PlanContext, texts: Record<string, string | undefined>): Plan {
  const input = populationInput(ctx);
  if (!input) return invalid();
  const errors = ctx.report.errorCount;
  checkSenders(a, ctx);
  const scope = inputScope(ctx, input, 'w');
  const address = resolveAt(ctx, scope, a.address, ['address']);
  if (address && address.type !== 'string') {
    const what =
      address.type === 'null' ? 'null' : /^[aeiou]/.test(address.type) ? `an ${address.type}` : `a ${address.type}`;
    ctx.report.error(['address'], `'${a.address}' is ${what} attribute; the address must be text`);
  } else if (!address && a.type === 'push')
    ctx.report.error(['address'], `a push needs the attribute holding each recipient's endpoint: set 'address'`);
  // The templates' variables: the inbound columns, else attributes of the dimension added as columns.
  const columns: Array<{ name: string; sql: string }> = input.schema.columns.map((c) => ({
    name: c.name,
    sql: `w.${quote(c.name)}`,
  }));
  const known = new Set(columns.map((c) => c.name));
  for (const [field, text] of Object.entries(texts)) {
    if (text === undefined) continue;
    const roots = templateVariables(text);
    if ('error' in roots) {
      ctx.report.error([field], `the template does not parse: ${roots.error}`);
      continue;
    }
    for (const name of roots.variables) {
      if (known.has(name)) continue;
      try {
        const r = scope.resolve([name]);
        columns.push({ name, sql: r.sql });
        known.add(name);
      } catch (e) {
        if (!(e instanceof QueryError)) throw e;
        ctx.report.error([field], `{{ ${name} }}: ${e.issue}`);
      }
    }
  }
  if (ctx.report.errorCount > errors || !address) return invalid();
  const d = ctx.env.dialect;
  const key = input.schema.dimension
    ? `w.${quote(input.schema.columns[0]!.name)}`
    : normalizedAddress(d, a.type, address.sql);
  const chunks = chunkPlan(input.ref.rows, a.throttle?.perSecond).chunks;
  const sql = prepareSelect({
    dialect: d,
    channel: a.type,
    from: `${d.workTable(input.ref)} AS w${scope.joinSql()}`,
    columns,
    key,
    uniqueKey: input.schema.dimension !== null,
    address: address.sql,
    runId: ctx.run?.id ?? 'RUN',
    activityId: a.id,
    chunks,
    now: ctx.env.now,
    frequencyCap: a.frequencyCap,
  });
  return {
    action: { type: 'send', sql, location: ctx.outputLocation, chunks, channel: a.type },
    outputs: {
      [PREPARE_OUTPUTS.excluded]: withColumns(input.schema, [
        MESSAGE_COLUMNS.messageId,
        MESSAGE_COLUMNS.address,
        MESSAGE_COLUMNS.reason,
      ]),
      ...(a.generateOutput
        ? { sent: withColumns(input.schema, [MESSAGE_COLUMNS.messageId, MESSAGE_COLUMNS.address]) }
        : {}),
    },
  };
}

/** The inbound schema with some of the message table's text columns after its own. */
function withColumns(schema: WorkSchema, names: string[]): WorkSchema {
  const extra: Column[] = names.map((name) => ({ name, type: 'string' }));
  return { dimension: schema.dimension, columns: [...schema.columns, ...extra] };
}

function channel<A extends ChannelActivity>(
  type: Channel & A['type'],
  title: string,
  schema: z.ZodType<A> & z.ZodObject,
  texts: (a: A) => Record<string, string | undefined>,
): ActivityModule<A> {
  return defineActivity<A>({
    type,
    title,
    category: 'channel',
    execution: 'send',
    schema,
    inbound: { min: 1, max: 1 },
    usesPopulation: true,
    outputs: (a) => [PREPARE_OUTPUTS.excluded, ...(a.generateOutput ? ['sent'] : [])],
    plan: (a, ctx) => planChannel(a, ctx, texts(a)),
  });
}

export const email = channel('email', 'Email', emailSchema, (a) => ({
  subject: a.subject,
  html: a.html,
  mjml: a.mjml,
  text: a.text,
}));
export const sms = channel('sms', 'SMS', smsSchema, (a) => ({ text: a.text }));
export const push = channel('push', 'Push notification', pushSchema, (a) => ({
  title: a.title,
  body: a.body,
  deepLink: a.deepLink,
}));
