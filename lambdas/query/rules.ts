/**
 * The rule tree of the query modeler, as campaign files write it:
 *
 *   query:
 *     and:
 *       - { attribute: country, operator: in, value: [FR, BE] }
 *       - { attribute: birth_date, operator: less, value: { ago: 18, unit: years } }
 *       - { exists: purchases, where: { attribute: product.category, operator: equal, value: shoes } }
 *       - { aggregate: { function: sum, collection: purchases, attribute: amount }, operator: greater, value: 500 }
 *       - except:
 *           - { attribute: email, operator: isNotEmpty }
 *           - { attribute: email, operator: endsWith, value: '@example.com' }
 *
 * Groups: `and`, `or`, and `except` (the first rule minus each of the others). Conditions compare an
 * attribute (through N-1 links: `product.category`), or an expression, to a value; test a 1-N
 * collection with exists / notExists; or compare an aggregate of a collection to a value.
 */
import { z } from 'zod';

/** Comparisons with one value, and tests of emptiness: for every type (Test activities use these). */
export const COMPARISONS = ['equal', 'notEqual', 'greater', 'less', 'greaterOrEqual', 'lessOrEqual'] as const;
export const EMPTINESS = ['isEmpty', 'isNotEmpty'] as const;
export const LISTS = ['in', 'notIn'] as const;
export const TEXT_MATCHES = ['startsWith', 'notStartsWith', 'contains', 'notContains', 'like', 'notLike'] as const;

export const OPERATORS = [...COMPARISONS, ...LISTS, ...EMPTINESS, ...TEXT_MATCHES, 'within'] as const;
export type Operator = (typeof OPERATORS)[number];

export const PERIOD_PRESETS = [
  'today',
  'yesterday',
  'tomorrow',
  'thisWeek',
  'lastWeek',
  'nextWeek',
  'thisMonth',
  'lastMonth',
  'nextMonth',
  'thisYear',
  'lastYear',
  'nextYear',
] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export const TIME_UNITS = ['minutes', 'hours', 'days', 'weeks', 'months', 'years'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

/** Relative dates and times, evaluated at the run's start time in the campaign's time zone. */
export const RELATIVE_KEYWORDS = ['today', 'yesterday', 'tomorrow', 'now'] as const;

export const AGGREGATES = ['count', 'sum', 'avg', 'min', 'max'] as const;
export type AggregateFunction = (typeof AGGREGATES)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const count = z.number().int().positive().max(100_000);
export const valueSchema = z.union([
  scalar,
  z.array(scalar).min(1).max(10_000),
  z.object({ variable: z.string() }).strict().describe('the value of a campaign variable'),
  z
    .object({ ago: count, unit: z.enum(TIME_UNITS) })
    .strict()
    .describe('a date or time relative to the run: N units before'),
  z
    .object({ ahead: count, unit: z.enum(TIME_UNITS) })
    .strict()
    .describe('a date or time relative to the run: N units after'),
  z
    .object({ last: count, unit: z.enum(TIME_UNITS) })
    .strict()
    .describe('for within: the last N units up to now (dates: up to and including today)'),
  z
    .object({ next: count, unit: z.enum(TIME_UNITS) })
    .strict()
    .describe('for within: the next N units from now (dates: from today)'),
]);
export type RuleValue = z.infer<typeof valueSchema>;

export type Rule =
  | { attribute: string; operator: Operator; value?: RuleValue }
  | { expression: string; operator?: Operator; value?: RuleValue }
  | { exists: string; where?: Rule }
  | { notExists: string; where?: Rule }
  | {
      aggregate: { function: AggregateFunction; collection: string; attribute?: string; where?: Rule };
      operator: Operator;
      value?: RuleValue;
    }
  | { and: Rule[] }
  | { or: Rule[] }
  | { except: Rule[] };

export const RULE_SHAPES =
  'a condition { attribute, operator, value }, { expression[, operator, value] }, { exists[, where] }, { notExists[, where] }, ' +
  '{ aggregate: { function, collection, attribute, where }, operator, value }, or a group { and: [...] }, { or: [...] }, { except: [...] }';

export const ruleSchema: z.ZodType<Rule> = z.lazy(() =>
  z.union(
    [
      z.object({ attribute: z.string().min(1), operator: z.enum(OPERATORS), value: valueSchema.optional() }).strict(),
      z
        .object({
          expression: z.string().min(1),
          operator: z.enum(OPERATORS).optional(),
          value: valueSchema.optional(),
        })
        .strict(),
      z.object({ exists: z.string().min(1), where: ruleSchema.optional() }).strict(),
      z.object({ notExists: z.string().min(1), where: ruleSchema.optional() }).strict(),
      z
        .object({
          aggregate: z
            .object({
              function: z.enum(AGGREGATES),
              collection: z.string().min(1),
              attribute: z.string().min(1).optional(),
              where: ruleSchema.optional(),
            })
            .strict(),
          operator: z.enum(OPERATORS),
          value: valueSchema.optional().describe('none for isEmpty / isNotEmpty'),
        })
        .strict(),
      z.object({ and: z.array(ruleSchema).min(1) }).strict(),
      z.object({ or: z.array(ruleSchema).min(1) }).strict(),
      z.object({ except: z.array(ruleSchema).min(2) }).strict(),
    ],
    { error: `expected ${RULE_SHAPES}` },
  ),
) as z.ZodType<Rule>;
