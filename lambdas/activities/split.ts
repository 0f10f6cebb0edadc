/**
 * Split: cuts the population into ordered subsets, each with an optional filter, a limit (a count
 * or a percentage; with a sort, the top N, otherwise a pseudo-random pick seeded by the run) and
 * "skip if empty". Without overlap a row goes to the first subset whose filter it matches, and rows
 * beyond a subset's limit go to the complement. With overlap each subset is drawn from the whole
 * population. Subsets become outputs, or one output with a segment column.
 */
import { z } from 'zod';
import { ruleSchema } from '../query/rules.js';
import { compileRule, expressionField } from '../query/compile.js';
import { quoteIdent, stringLiteral } from '../sql/literal.js';
import {
  addColumn,
  columnList,
  commonFields,
  defineActivity,
  generateComplement,
  idSchema,
  inputScope,
  invalid,
  nameSchema,
  OUTPUT,
  populationInput,
  sortSchema,
  type WorkSchema,
} from './framework.js';

export const splitSchema = z
  .object({
    ...commonFields,
    type: z.literal('split'),
    subsets: z
      .array(
        z
          .object({
            id: idSchema.describe('the output name of this subset'),
            label: z.string().optional(),
            filter: ruleSchema.optional(),
            limit: z
              .union([
                z.object({ count: z.number().int().min(0) }).strict(),
                z.object({ percent: z.number().min(0).max(100) }).strict(),
              ])
              .optional(),
            sort: z
              .array(sortSchema)
              .optional()
              .describe('for a limit: keep the top rows in this order (default: a random pick)'),
            skipIfEmpty: z.boolean().default(false).describe('an empty subset does not continue'),
          })
          .strict(),
      )
      .min(1),
    overlap: z.boolean().default(false).describe('a row may belong to several subsets'),
    segmentColumn: nameSchema
      .optional()
      .describe('write every subset to the main output, with this column holding the subset id'),
    generateComplement,
  })
  .strict();
export type Split = z.infer<typeof splitSchema>;

export const split = defineActivity<Split>({
  type: 'split',
  title: 'Split',
  category: 'targeting',
  execution: 'query',
  schema: splitSchema,
  inbound: { min: 1, max: 1 },
  usesPopulation: true,
  outputs: (a) => [
    ...(a.segmentColumn ? ['main'] : a.subsets.map((s) => s.id)),
    ...(a.generateComplement ? ['complement'] : []),
  ],
  plan(a, ctx) {
    const input = populationInput(ctx);
    if (!input) return invalid();
    const seen = new Set<string>();
    a.subsets.forEach((s, i) => {
      if (s.id === 'complement' || s.id === 'main')
        ctx.report.error(['subsets', i, 'id'], `'${s.id}' is reserved; choose another subset id`);
      if (seen.has(s.id)) ctx.report.error(['subsets', i, 'id'], `duplicate subset id '${s.id}'`);
      seen.add(s.id);
      if (s.sort && !s.limit) ctx.report.warn(['subsets', i, 'sort'], 'a sort only matters with a limit');
    });
    const scope = inputScope(ctx, input, 'w');
    const filters = a.subsets.map((s, i) =>
      s.filter ? `COALESCE(${compileRule(s.filter, scope, ctx.report, ['subsets', i, 'filter'])}, FALSE)` : 'TRUE',
    );
    const sorts = a.subsets.map((s, i) =>
      (s.sort ?? []).map((o, j) => {
        const x = expressionField(o.expression, scope, ctx.report, ['subsets', i, 'sort', j, 'expression']);
        return { sql: x?.sql ?? 'NULL', dir: o.order === 'highest' ? 'DESC' : 'ASC' };
      }),
    );
    const key = input.schema.dimension ? input.schema.columns[0]! : undefined;
    const random = (alias: string) =>
      key
        ? ctx.env.dialect.randomFromKey(`${alias}.${quoteIdent(key.name)}`, ctx.env.seed)
        : columnList(input.schema.columns, alias);
    const cols = columnList(input.schema.columns);
    const baseCols = [
      columnList(input.schema.columns, 'w'),
      ...filters.map((f, i) => `${f} AS orca_f${i}`),
      ...sorts.flatMap((ss, i) => ss.map((s, j) => `${s.sql} AS orca_s${i}_${j}`)),
    ];
    const base = `SELECT ${baseCols.join(', ')}\n  FROM ${ctx.env.dialect.workTable(input.ref)} AS w${scope.joinSql()}`;
    const limitTest = (i: number, rank: string, size: string): string => {
      const l = a.subsets[i]!.limit;
      if (!l) return 'TRUE';
      return 'count' in l ? `${rank} <= ${l.count}` : `${rank} <= floor(${size} * ${l.percent} / 100.0 + 0.5)`;
    };
    const hasPercent = a.subsets.some((s) => s.limit && 'percent' in s.limit);

    const schema = input.schema;
    const outputs: Record<string, WorkSchema> = {};
    let segmentColumn: string | undefined;
    if (a.segmentColumn) {
      const columns = [...schema.columns];
      if (addColumn(columns, a.segmentColumn, 'string', ctx.report, ['segmentColumn']))
        segmentColumn = quoteIdent(a.segmentColumn);
      outputs.main = { ...schema, columns };
    } else for (const s of a.subsets) outputs[s.id] = schema;
    if (a.generateComplement) outputs.complement = schema;
    const tag = (i: number) =>
      a.segmentColumn ? `'main' AS ${OUTPUT}` : `${stringLiteral(a.subsets[i]!.id)} AS ${OUTPUT}`;
    const seg = (expr: string) => (segmentColumn ? `, ${expr} AS ${segmentColumn}` : '');

    let sql: string;
    if (!a.overlap) {
      // Sequential: subset i draws from the rows that earlier subsets did not take, so a limited
      // control group first and segments after it each get their share. One layer per subset
      // computes orca_t<i> ("taken by subset i"); a limit ranks the eligible rows in a window.
      let layer = `SELECT b.* FROM (\n  ${base}\n  ) AS b`;
      a.subsets.forEach((s, i) => {
        const earlier = a.subsets.slice(0, i).map((_, j) => `x.orca_t${j}`);
        const eligible = `(x.orca_f${i}${earlier.length ? ` AND NOT (${earlier.join(' OR ')})` : ''})`;
        let taken = eligible;
        if (s.limit) {
          const order = [...sorts[i]!.map((o, j) => `x.orca_s${i}_${j} ${o.dir} NULLS LAST`), random('x')].join(', ');
          const rank = `ROW_NUMBER() OVER (PARTITION BY ${eligible} ORDER BY ${order})`;
          const bound =
            'count' in s.limit
              ? String(s.limit.count)
              : `floor(COUNT(*) OVER (PARTITION BY ${eligible}) * ${s.limit.percent} / 100.0 + 0.5)`;
          taken = `(${eligible} AND ${rank} <= ${bound})`;
        }
        layer = `SELECT x.*, ${taken} AS orca_t${i} FROM (\n  ${layer}\n  ) AS x`;
      });
      const outputCase = a.segmentColumn
        ? `CASE WHEN ${a.subsets.map((_, i) => `r.orca_t${i}`).join(' OR ')} THEN 'main' ELSE 'complement' END`
        : `CASE ${a.subsets.map((s, i) => `WHEN r.orca_t${i} THEN ${stringLiteral(s.id)}`).join(' ')} ELSE 'complement' END`;
      const segCase = `CASE ${a.subsets.map((s, i) => `WHEN r.orca_t${i} THEN ${stringLiteral(s.id)}`).join(' ')} END`;
      const anyTaken = a.subsets.map((_, i) => `r.orca_t${i}`).join(' OR ');
      sql = `SELECT ${columnList(schema.columns, 'r')}${seg(segCase)}, ${outputCase} AS ${OUTPUT}\nFROM (\n  ${layer}\n) AS r${a.generateComplement ? '' : `\nWHERE ${anyTaken}`}`;
    } else {
      const parts = a.subsets.map((s, i) => {
        const orderBy = [...sorts[i]!.map((o, j) => `b.orca_s${i}_${j} ${o.dir} NULLS LAST`), random('b')].join(', ');
        return `SELECT ${cols}${seg(stringLiteral(s.id))}, ${tag(i)} FROM (\n  SELECT b.*, ROW_NUMBER() OVER (ORDER BY ${orderBy}) AS orca_rank${hasPercent ? ', COUNT(*) OVER () AS orca_size' : ''}\n  FROM base AS b WHERE b.orca_f${i}\n) AS r WHERE ${limitTest(i, 'r.orca_rank', 'r.orca_size')}`;
      });
      let body = parts.join('\nUNION ALL\n');
      if (a.generateComplement) {
        if (!key)
          ctx.report.error(
            ['generateComplement'],
            'with overlap, a complement needs a population with a dimension (rows are told apart by their key)',
          );
        const k = quoteIdent(key?.name ?? 'orca_none');
        body = `SELECT * FROM sel\nUNION ALL\nSELECT ${columnList(schema.columns, 'b')}${seg('CAST(NULL AS VARCHAR)')}, 'complement' AS ${OUTPUT} FROM base AS b WHERE NOT EXISTS (SELECT 1 FROM sel WHERE sel.${k} = b.${k})`;
        sql = `WITH base AS (\n  ${base}\n), sel AS (\n${parts.join('\nUNION ALL\n')}\n)\n${body}`;
      } else sql = `WITH base AS (\n  ${base}\n)\n${body}`;
    }
    return { action: { type: 'query', sql, location: ctx.outputLocation }, outputs };
  },
  settle: (a, rows) => ({
    inactive: a.segmentColumn
      ? []
      : a.subsets.filter((s) => s.skipIfEmpty && (Object.hasOwn(rows, s.id) ? rows[s.id] : 0) === 0).map((s) => s.id),
  }),
});
