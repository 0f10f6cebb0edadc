/**
 * Test: branches on a condition, on the inbound population's row count or on a campaign
 * variable. The first branch whose condition holds gets the population; otherwise the default
 * branch, or, without one, the path stops there.
 */
import { z } from 'zod';
import { valueSchema } from '../query/rules.js';
import { literalProblem } from '../sql/literal.js';
import { didYouMean } from '../util/issues.js';
import { COMPARISONS, EMPTINESS, type RuleValue } from '../query/rules.js';
import { isEmptyValue } from '../query/conditions.js';
import { commonFields, defineActivity, idSchema, type Input } from './framework.js';

const TEST_OPERATORS = [...COMPARISONS, ...EMPTINESS] as const;

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
  execution: 'atOnce',
  schema: testSchema,
  inbound: { min: 0, max: 1 },
  usesPopulation: true,
  outputs: (a) => [...a.branches.map((b) => b.id), ...(a.default ? ['default'] : [])],
  plan(a, ctx) {
    const schema = ctx.inputs[0]?.schema ?? null;
    const seen = new Set<string>();
    a.branches.forEach((b, i) => {
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
        return;
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
    });
    const outputs = Object.fromEntries([
      ...a.branches.map((b) => [b.id, schema]),
      ...(a.default ? [['default', schema]] : []),
    ]);
    return { action: { type: 'atOnce', from: {} }, outputs };
  },
  async act(a, ctx) {
    const chosen = a.branches.find((b) => holds(testOf(b.when), ctx.inputs, ctx.run.variables))?.id;
    const output = chosen ?? (a.default ? 'default' : undefined);
    return output
      ? { forward: { [output]: 0 }, note: `took branch '${output}'` }
      : { forward: {}, note: 'no branch matched: the path stops here' };
  },
});

type Operator = (typeof TEST_OPERATORS)[number];

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

interface BranchTest {
  subject: { population: true } | { variable: string };
  operator: Operator;
  value?: RuleValue;
}

function testOf(w: Test['branches'][number]['when']): BranchTest {
  const value = w.value !== undefined ? { value: w.value } : {};
  return 'population' in w
    ? { subject: { population: true }, operator: w.population, ...value }
    : { subject: { variable: w.variable }, operator: w.operator, ...value };
}

/** Whether a branch's condition holds for the inbound population's row count or a variable's value. */
function holds(test: BranchTest, inputs: Input[], variables: Record<string, unknown>): boolean {
  const subject = 'population' in test.subject ? (inputs[0]?.ref?.rows ?? 0) : variables[test.subject.variable];
  const empty = isEmptyValue(subject);
  if (test.operator === 'isEmpty') return empty;
  if (test.operator === 'isNotEmpty') return !empty;
  const a = subject;
  const b = test.value;
  if (empty || !isScalar(a) || !isScalar(b)) return false;
  const [x, y] = typeof a === 'number' || typeof b === 'number' ? [Number(a), Number(b)] : [a, b];
  switch (test.operator) {
    case 'equal':
      return x === y;
    case 'notEqual':
      return x !== y;
    case 'greater':
      return x > y;
    case 'less':
      return x < y;
    case 'greaterOrEqual':
      return x >= y;
    case 'lessOrEqual':
      return x <= y;
  }
}
