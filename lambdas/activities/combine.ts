/**
 * Combine: union, intersection or exclusion of two or more inbound populations, reconciled on
 * their keys (same dimension) or on chosen attributes. Inbound transitions that did not run
 * (a Test branch not taken...) are left out; an exclusion whose primary set did not run is skipped.
 */
import { z } from 'zod';
import { quoteIdent } from '../sql/literal.js';
import { sqlType } from '../sql/types.js';
import { QueryError, splitPath } from '../query/scope.js';
import {
  columnList,
  commonFields,
  defineActivity,
  invalid,
  generateComplement,
  idSchema,
  inputIndex,
  inputScope,
  outputTag,
  type PopulationInput,
  type PlanContext,
  type WorkSchema,
} from './framework.js';

export const combineSchema = z
  .object({
    ...commonFields,
    type: z.literal('combine'),
    operation: z.enum(['union', 'intersection', 'exclusion']),
    primary: idSchema
      .optional()
      .describe(
        'inbound transition whose rows and columns are kept (exclusion: the set the others are removed from; default: the first inbound)',
      ),
    on: z.array(z.string().min(1)).min(1).optional().describe('attributes to reconcile rows on instead of their keys'),
    generateComplement,
  })
  .strict();
export type Combine = z.infer<typeof combineSchema>;

type Ready = PopulationInput;

export const combine = defineActivity<Combine>({
  type: 'combine',
  title: 'Combine',
  category: 'targeting',
  execution: 'query',
  schema: combineSchema,
  inbound: { min: 2, max: 32 },
  usesPopulation: true,
  outputs: (a) => (a.generateComplement ? ['main', 'complement'] : ['main']),
  requires: (a) => (a.operation === 'exclusion' && a.primary ? [a.primary] : []),
  dropsInactive: true,
  plan(a, ctx) {
    if (a.operation === 'exclusion' && !a.primary)
      ctx.report.error(
        ['primary'],
        'an exclusion needs its primary set: the inbound transition the others are removed from',
      );
    if (a.operation === 'union' && a.generateComplement)
      ctx.report.error(['generateComplement'], 'a union has no complement');
    const inputs = ctx.inputs.filter((x): x is Ready => {
      if (x.schema && x.ref) return true;
      ctx.report.error([], `transition '${x.transition}' carries no population`);
      return false;
    });
    // The primary set, or the first inbound one; at run time a union or intersection whose primary
    // did not run keeps the first set that did.
    const pi =
      !a.primary || (ctx.run && !ctx.inputs.some((x) => x.transition === a.primary))
        ? 0
        : inputIndex(ctx, a.primary, ['primary']);
    if (pi === undefined || inputs.length !== ctx.inputs.length || inputs.length === 0) return invalid();
    const primary = inputs[pi]!;
    const others = inputs.filter((_, i) => i !== pi);
    const byKey = !a.on;
    if (byKey || a.operation === 'union') {
      for (const x of inputs) {
        if (x.schema.dimension !== primary.schema.dimension || !x.schema.dimension) {
          ctx.report.error(
            a.on ? ['on'] : [],
            `inbound populations have different dimensions (${describeDims(inputs)}); ${a.on ? 'a union needs one dimension' : "reconcile them on attributes with 'on', or change the dimension first"}`,
          );
          return invalid();
        }
      }
    }
    const match = byKey ? keyMatch(primary.schema) : columnMatch(a.on!, inputs, ctx);
    if (!match) return invalid();
    const d = ctx.env.dialect;
    const rel = (x: Ready) => match.relation(x, d.workTable(x.ref));
    const outputs: Record<string, WorkSchema | null> = {};
    let sql: string;
    if (a.operation === 'union') {
      // The primary set's columns; a set that lacks one gives it empty (NULL) on its rows.
      const columns = primary.schema.columns;
      let clash = false;
      for (const x of others)
        for (const c of columns) {
          const y = x.schema.columns.find((z) => z.name === c.name);
          if (y && y.type !== c.type) {
            clash = true;
            ctx.report.error(
              [],
              `column '${c.name}' has type ${c.type} in '${primary.transition}' and ${y.type} in '${x.transition}'; rename one of them`,
            );
          }
        }
      if (clash) return invalid();
      outputs.main = { dimension: primary.schema.dimension, columns };
      const cols = columnList(columns);
      const select = (x: Ready, alias: string) =>
        columns
          .map((c) =>
            x.schema.columns.some((y) => y.name === c.name)
              ? `${alias}.${quoteIdent(c.name)}`
              : `CAST(NULL AS ${sqlType(c.type)}) AS ${quoteIdent(c.name)}`,
          )
          .join(', ');
      const ordered = [primary, ...others];
      if (byKey && columns.length === 1) {
        sql = `SELECT ${cols}, ${outputTag('main')}\nFROM (\n  ${ordered.map((x) => `SELECT ${cols} FROM ${d.workTable(x.ref)} AS w${inputs.indexOf(x)}`).join('\n  UNION\n  ')}\n) AS u`;
      } else {
        const all = ordered
          .map((x, i) => `SELECT ${select(x, 'w')}, ${match.columns('w')}${i} AS orca_src FROM ${rel(x)} AS w`)
          .join('\n    UNION ALL\n    ');
        const rank = `CASE WHEN ${match.nullTest('u')} THEN 1 ELSE ROW_NUMBER() OVER (PARTITION BY ${match.partition('u')} ORDER BY u.orca_src) END`;
        sql = `SELECT ${cols}, ${outputTag('main')}\nFROM (\n  SELECT ${columnList(columns, 'u')}, ${rank} AS orca_rank\n  FROM (\n    ${all}\n  ) AS u\n) AS r\nWHERE r.orca_rank = 1`;
      }
    } else {
      outputs.main = primary.schema;
      const cols = columnList(primary.schema.columns, 'p');
      const tests = others.map(
        (x, i) => `EXISTS (SELECT 1 FROM ${rel(x)} AS o${i} WHERE ${match.equal(`o${i}`, 'p')})`,
      );
      const inMain = a.operation === 'intersection' ? tests.join(' AND ') : `NOT (${tests.join(' OR ')})`;
      const parts = [`SELECT ${cols}, ${outputTag('main')}\nFROM ${rel(primary)} AS p\nWHERE ${inMain}`];
      if (a.generateComplement) {
        outputs.complement = primary.schema;
        parts.push(`SELECT ${cols}, ${outputTag('complement')}\nFROM ${rel(primary)} AS p\nWHERE NOT (${inMain})`);
        if (a.operation === 'intersection' && byKey) {
          // Rows of the other sets that are not in the intersection, with the primary's extra columns empty.
          const k = quoteIdent(primary.schema.columns[0]!.name);
          const nulls = primary.schema.columns
            .slice(1)
            .map((c) => `CAST(NULL AS ${sqlType(c.type)}) AS ${quoteIdent(c.name)}`);
          const rest = others
            .map((x) => `SELECT ${k} FROM ${d.workTable(x.ref)} AS x${inputs.indexOf(x)}`)
            .join(' UNION ');
          parts.push(
            `SELECT o.${k}${nulls.map((n) => `, ${n}`).join('')}, ${outputTag('complement')}\nFROM (${rest}) AS o\nWHERE NOT EXISTS (SELECT 1 FROM ${d.workTable(primary.ref)} AS p WHERE p.${k} = o.${k})`,
          );
        }
      }
      sql = parts.join('\nUNION ALL\n');
    }
    return { action: { type: 'query', sql, location: ctx.outputLocation }, outputs };
  },
});

function describeDims(inputs: Ready[]): string {
  return inputs.map((x) => `${x.transition}: ${x.schema.dimension ?? 'no dimension'}`).join(', ');
}

interface Match {
  /** FROM item for an input, with the match columns when reconciling on attributes. */
  relation(x: Ready, workTable: string): string;
  equal(a: string, b: string): string;
  partition(alias: string): string;
  nullTest(alias: string): string;
  /** Extra select items carrying the match columns from alias, ending with a comma, or ''. */
  columns(alias: string): string;
}

function keyMatch(schema: WorkSchema): Match {
  const k = quoteIdent(schema.columns[0]!.name);
  return {
    relation: (_x, t) => t,
    equal: (a, b) => `${a}.${k} = ${b}.${k}`,
    partition: (a) => `${a}.${k}`,
    nullTest: (a) => `${a}.${k} IS NULL`,
    columns: () => '',
  };
}

function columnMatch(on: string[], inputs: Ready[], ctx: PlanContext): Match | undefined {
  const exprs = new Map<Ready, string[]>();
  let ok = true;
  const types: string[] = [];
  for (const x of inputs) {
    const scope = inputScope(ctx, x, 'w');
    const items: string[] = [];
    on.forEach((path, i) => {
      try {
        const r = scope.resolve(splitPath(path));
        if (types[i] === undefined) types[i] = r.type;
        else if (types[i] !== r.type) {
          ctx.report.error(
            ['on', i],
            `'${path}' is a ${types[i]} in one population and a ${r.type} in '${x.transition}'`,
          );
          ok = false;
        }
        items.push(`${r.sql} AS orca_m${i}`);
      } catch (err) {
        if (!(err instanceof QueryError)) throw err;
        ctx.report.error(['on', i], `in '${x.transition}': ${err.message}`);
        ok = false;
      }
    });
    exprs.set(x, [items.join(', '), scope.joinSql()]);
  }
  if (!ok) return undefined;
  const ms = on.map((_, i) => `orca_m${i}`);
  return {
    relation: (x, t) => {
      const [items, joins] = exprs.get(x)!;
      return `(SELECT w.*, ${items} FROM ${t} AS w${joins})`;
    },
    equal: (a, b) => ms.map((m) => `${a}.${m} = ${b}.${m}`).join(' AND '),
    partition: (a) => ms.map((m) => `${a}.${m}`).join(', '),
    nullTest: (a) => ms.map((m) => `${a}.${m} IS NULL`).join(' OR '),
    columns: (a) => `${ms.map((m) => `${a}.${m}`).join(', ')}, `,
  };
}
