/**
 * The campaign definition: what a campaign file (JSON or YAML) holds. Activities are validated one
 * by one against their type's module (see lambdas/activities); `campaignSchema` assembles the full
 * discriminated union for the JSON Schema that editors use for completion.
 */
import { z } from 'zod';
import { ACTIVITY_MODULES, type ActivityDef } from '../lambdas/activities/index.js';
import { idSchema } from '../lambdas/activities/framework.js';
import { COLUMN_TYPES } from '../lambdas/sql/types.js';
import { IDENTIFIER } from '../lambdas/sql/literal.js';

export { CAMPAIGN_ID } from '../lambdas/util/names.js';
import { CAMPAIGN_ID, CAMPAIGN_ID_MAX } from '../lambdas/util/names.js';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM (24 h)');
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/, 'a date YYYY-MM-DD or date-time YYYY-MM-DDTHH:MM');
const validity = {
  from: date.optional().describe('first day the schedule may fire (in the time zone)'),
  until: date.optional().describe('last day the schedule may fire (in the time zone)'),
  timezone: z.string().optional().describe("IANA time zone (default: the campaign's)"),
};
export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;

/**
 * Triggers. Each recurring form maps to an EventBridge Scheduler expression:
 * daily -> cron(m h1,h2 * * ? *), weekly -> cron(m h ? * MON,FRI *), monthly -> cron(m h 1,15 * ? *),
 * interval -> rate(N minutes|hours), once -> at(yyyy-mm-ddThh:mm:ss); a monthly listing 'last' with
 * other days -> two (cron(m h 1,15 * ? *) and cron(m h L * ? *), see schedule.ts).
 */
export const triggerSchema = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('manual') })
    .strict()
    .describe('started by hand (CLI or API)'),
  z
    .object({ type: z.literal('asap') })
    .strict()
    .describe('runs once, as soon as it is published'),
  z
    .object({
      type: z.literal('once'),
      at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'a local date-time YYYY-MM-DDTHH:MM'),
      timezone: z.string().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('daily'),
      hours: z.array(z.number().int().min(0).max(23)).min(1).max(24).describe('one or several hours of the day'),
      minute: z.number().int().min(0).max(59).default(0),
      ...validity,
    })
    .strict(),
  z
    .object({
      type: z.literal('weekly'),
      days: z.array(z.enum(WEEKDAYS)).min(1),
      at: time,
      ...validity,
    })
    .strict(),
  z
    .object({
      type: z.literal('monthly'),
      days: z
        .array(z.union([z.number().int().min(1).max(31), z.literal('last')]))
        .min(1)
        .describe("days of the month, or 'last'"),
      at: time,
      ...validity,
    })
    .strict(),
  z
    .object({
      type: z.literal('interval'),
      every: z.number().int().min(1),
      unit: z.enum(['minutes', 'hours', 'days']),
      ...validity,
    })
    .strict()
    .describe('several times a day: every N minutes or hours'),
  z
    .object({
      type: z.literal('signal'),
      description: z.string().optional(),
    })
    .strict()
    .describe('started by an external signal (an API call with parameters, read as variables)'),
]);
export type Trigger = z.infer<typeof triggerSchema>;

export const variableSchema = z
  .object({
    type: z.enum(COLUMN_TYPES),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    description: z.string().optional(),
  })
  .strict();

export const errorPolicySchema = z
  .object({
    onError: z
      .enum(['abort', 'suspend', 'ignore'])
      .default('abort')
      .describe(
        'abort: the run fails; suspend: the run pauses on the failing activity until resumed; ignore: carry on',
      ),
    maxConsecutiveErrors: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe('with ignore: how many consecutive errors are ignored before the run fails'),
  })
  .strict();

export const transitionSchema = z
  .object({
    id: idSchema.optional().describe('default: <from>-<to>, or <from>-<output>-<to>'),
    from: idSchema,
    output: z
      .string()
      .min(1)
      .default('main')
      .describe('which output of the source activity: main, complement, a split subset, a test branch...'),
    to: idSchema,
  })
  .strict();
export type TransitionDef = z.infer<typeof transitionSchema> & { id: string };

const campaignFields = {
  $schema: z.string().optional(),
  id: z
    .string()
    .regex(CAMPAIGN_ID, `use lower-case letters, digits and -, starting with a letter (at most ${CAMPAIGN_ID_MAX})`),
  label: z.string().min(1).max(200),
  description: z.string().max(4000).optional(),
  dimension: z.string().regex(IDENTIFIER).describe('the default targeting dimension (a catalog table)'),
  timezone: z.string().default('UTC').describe('IANA time zone for relative dates and schedules'),
  variables: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'variable names use letters, digits and _'),
      variableSchema,
    )
    .default({}),
  errorPolicy: errorPolicySchema.default({ onError: 'abort', maxConsecutiveErrors: 1 }),
  trigger: triggerSchema.default({ type: 'manual' }),
  retentionDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(30)
    .describe('work tables of older runs are purged after this many days (the last run is kept)'),
  supervisors: z.array(z.string().email()).default([]).describe('who receives alerts'),
  transitions: z.array(transitionSchema).default([]),
};

/** The campaign with activities left for their own modules to check (better error messages). */
export const campaignEnvelopeSchema = z
  .object({
    ...campaignFields,
    activities: z.array(z.looseObject({ id: z.unknown(), type: z.unknown() })).min(1),
  })
  .strict();

const [firstSchema, ...otherSchemas] = ACTIVITY_MODULES.map((m) => m.schema);

/** The complete campaign, for the JSON Schema and for types. */
export const campaignSchema = z
  .object({
    ...campaignFields,
    activities: z.array(z.discriminatedUnion('type', [firstSchema!, ...otherSchemas])).min(1),
  })
  .strict();

export type { ActivityDef } from '../lambdas/activities/index.js';

export type Campaign = Omit<z.infer<typeof campaignEnvelopeSchema>, 'activities' | 'transitions'> & {
  activities: ActivityDef[];
  transitions: TransitionDef[];
};

export const CAMPAIGN_FIELDS = Object.keys(campaignFields).concat('activities');

export function transitionId(t: { id?: string | undefined; from: string; output: string; to: string }): string {
  return t.id ?? (t.output === 'main' ? `${t.from}-${t.to}` : `${t.from}-${t.output}-${t.to}`);
}

export function campaignJsonSchema(): unknown {
  return z.toJSONSchema(campaignSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
}
