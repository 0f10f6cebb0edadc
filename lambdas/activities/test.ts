/**
 * Test: branches on a condition, on the inbound population's row count or on a campaign
 * variable. The first branch whose condition holds gets the population; otherwise the default
 * branch, or, without one, the path stops there.
 */
import { z } from 'zod';
import { valueSchema } from '../query/rules.js';
import { literalProblem } from '../sql/literal.js';
import { didYouMean } from '../util/issues.js';
import { commonFields, defineActivity, idSchema, type BranchTest } from './framework.js';

const TEST_OPERATORS = [
  'equal',
  'notEqual',
  'greater',
  'less',
  'greaterOrEqual',
  'lessOrEqual',
  'isEmpty',
  'isNotEmpty',
] as const;

export const testSchema = z
  .object({
    ...commonFields,
    type: z.literal('test'),
    branches: z
      .array(
        z
          .object({
            id: idSchema.describe('the output name of this branch'),
            label: z.string().optional(),
            when: z.union([
              z
                .object({ population: z.enum(TEST_OPERATORS), value: z.number().int().min(0).optional() })
                .strict()
                .describe('compare the inbound row count'),
              z
                .object({
                  variable: z.string().min(1),
                  operator: z.enum(TEST_OPERATORS),
                  value: valueSchema.optional(),
                })
                .strict(),
            ]),
          })
          .strict(),
      )
      .min(1),
    default: z.boolean().default(true).describe("add a 'default' output taken when no branch matches"),
  })
  .strict();
export type Test = z.infer<typeof testSchema>;

export const test = defineActivity<Test>({
  type: 'test',
  title: 'Test',
  category: 'flow',
  schema: testSchema,
  inbound: { min: 0, max: 1 },
  usesPopulation: true,
  outputs: (a) => [...a.branches.map((b) => b.id), ...(a.default ? ['default'] : [])],
  plan(a, ctx) {
    const schema = ctx.inputs[0]?.schema ?? null;
    const seen = new Set<string>();
    const branches = a.branches.map((b, i): { output: string; test: BranchTest } => {
      const at = ['branches', i];
      if (b.id === 'default') ctx.report.error([...at, 'id'], "'default' is reserved for the default branch");
      if (seen.has(b.id)) ctx.report.error([...at, 'id'], `duplicate branch id '${b.id}'`);
      seen.add(b.id);
      const w = b.when;
      const empty = ('population' in w ? w.population : w.operator).startsWith('is');
      if (!empty && w.value === undefined) ctx.report.error([...at, 'when', 'value'], 'this comparison needs a value');
      if ('population' in w) {
        if (!ctx.inputs[0]) ctx.report.error([...at, 'when'], 'a test on the population needs an inbound transition');
        else if (!schema && ctx.inputs[0].schema === null)
          ctx.report.error([...at, 'when'], `transition '${ctx.inputs[0].transition}' carries no population to count`);
        return {
          output: b.id,
          test: {
            subject: { population: true },
            operator: w.population,
            ...(w.value !== undefined ? { value: w.value } : {}),
          },
        };
      }
      const v = ctx.env.variables.get(w.variable);
      if (!v)
        ctx.report.error(
          [...at, 'when', 'variable'],
          `unknown variable '${w.variable}'; declare it under 'variables'.${didYouMean(w.variable, ctx.env.variables.keys())}`,
        );
      else if (w.value !== undefined) {
        const problem = literalProblem(w.value, v.type);
        if (problem) ctx.report.error([...at, 'when', 'value'], `variable '${w.variable}' is a ${v.type}: ${problem}`);
      }
      return {
        output: b.id,
        test: {
          subject: { variable: w.variable },
          operator: w.operator,
          ...(w.value !== undefined ? { value: w.value } : {}),
        },
      };
    });
    const outputs = Object.fromEntries([
      ...branches.map((b) => [b.output, schema]),
      ...(a.default ? [['default', schema]] : []),
    ]);
    return { action: { type: 'branch', branches, ...(a.default ? { otherwise: 'default' } : {}) }, outputs };
  },
});
