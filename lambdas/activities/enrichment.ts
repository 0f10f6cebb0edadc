/**
 * Enrichment: adds columns to the population: attributes of its dimension or of tables reached
 * through N-1 / 1-1 links; computed expressions; from a 1-N collection, an aggregate (count, sum,
 * avg, min, max; optionally filtered) or the first N rows as N sets of columns; and data from
 * another inbound transition joined on pairs of keys.
 */
import { z } from 'zod';
import { AGGREGATES, ruleSchema } from '../query/rules.js';
import { aggregateParts, compileRule, expressionField } from '../query/compile.js';
import { type CollectionRef, QueryError, splitPath } from '../query/scope.js';
import { comparable, type Column, type ColumnType } from '../sql/types.js';
import { quoteIdent } from '../sql/literal.js';
import {
  addColumn,
  attributeColumn,
  attributeColumnName,
  columnList,
  commonFields,
  defineActivity,
  idSchema,
  inputIndex,
  inputScope,
  invalid,
  nameSchema,
  outputTag,
  sortSchema,
  collectionAt,
  resolveAt,
} from './framework.js';

const columnRef = z.union([
  z.string().min(1),
  z.object({ column: z.string().min(1), as: nameSchema.optional() }).strict(),
]);

export const enrichmentSchema = z
  .object({
    ...commonFields,
    type: z.literal('enrichment'),
    primary: idSchema.optional().describe('the inbound transition to enrich, when several are not joined'),
    attributes: z.array(attributeColumn).default([]).describe('attributes of the dimension or through N-1 / 1-1 links'),
    expressions: z.array(z.object({ expression: z.string().min(1), as: nameSchema }).strict()).default([]),
    aggregates: z
      .array(
        z
          .object({
            collection: z.string().min(1),
            function: z.enum(AGGREGATES),
            attribute: z.string().min(1).optional(),
            where: ruleSchema.optional(),
            as: nameSchema,
          })
          .strict(),
      )
      .default([])
      .describe('one value per row computed over a 1-N collection'),
    lines: z
      .array(
        z
          .object({
            collection: z.string().min(1),
            count: z.number().int().min(1).max(20),
            attributes: z.array(attributeColumn).min(1),
            where: ruleSchema.optional(),
            sort: sortSchema.optional(),
            as: nameSchema.describe('prefix of the columns: <as>_<n>_<attribute>'),
          })
          .strict(),
      )
      .default([])
      .describe('the first N rows of a 1-N collection, as N sets of columns'),
    joins: z
      .array(
        z
          .object({
            transition: idSchema.describe('another inbound transition'),
            on: z
              .array(z.object({ left: z.string().min(1), right: z.string().min(1) }).strict())
              .min(1)
              .describe('pairs of (attribute of the population, column of the other transition)'),
            columns: z.array(columnRef).min(1),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();
export type Enrichment = z.infer<typeof enrichmentSchema>;

const typeOf = (t: ColumnType | 'null'): ColumnType => (t === 'null' ? 'string' : t);

export const enrichment = defineActivity<Enrichment>({
  type: 'enrichment',
  title: 'Enrichment',
  category: 'targeting',
  execution: 'query',
  schema: enrichmentSchema,
  inbound: { min: 1, max: 8 },
  usesPopulation: true,
  outputs: () => ['main'],
  requires: (a, inbound) => {
    const joined = new Set(a.joins.map((j) => j.transition));
    return a.primary ? [a.primary] : inbound.filter((t) => !joined.has(t)).slice(0, 1);
  },
  plan(a, ctx) {
    const joined = new Set(a.joins.map((j) => j.transition));
    let mainIndex: number | undefined;
    if (a.primary) mainIndex = inputIndex(ctx, a.primary, ['primary']);
    else {
      const candidates = ctx.inputs.map((x, i) => (joined.has(x.transition) ? -1 : i)).filter((i) => i >= 0);
      if (candidates.length === 1) mainIndex = candidates[0];
      else
        ctx.report.error(
          ['primary'],
          candidates.length
            ? `several inbound transitions could be the population to enrich; name it with 'primary'`
            : 'every inbound transition is joined; name the population to enrich with primary',
        );
    }
    const main = mainIndex === undefined ? undefined : ctx.inputs[mainIndex];
    if (!main?.schema || !main.ref) {
      if (main) ctx.report.error([], `transition '${main.transition}' carries no population`);
      return invalid();
    }
    const scope = inputScope(ctx, { schema: main.schema }, 'w');
    const columns: Column[] = [...main.schema.columns];
    const select: string[] = [columnList(main.schema.columns, 'w')];
    const extraJoins: string[] = [];
    const add = (name: string, type: ColumnType | 'null', sql: string, at: (string | number)[]) => {
      if (addColumn(columns, name, typeOf(type), ctx.report, at)) select.push(`${sql} AS ${quoteIdent(name)}`);
    };

    a.attributes.forEach((attr, i) => {
      const { path, as } = attributeColumnName(attr);
      const r = resolveAt(ctx, scope, path, ['attributes', i]);
      if (r) add(as, r.type, r.sql, ['attributes', i]);
    });

    a.expressions.forEach((e, i) => {
      const r = expressionField(e.expression, scope, ctx.report, ['expressions', i, 'expression']);
      if (r) add(e.as, r.type, r.sql, ['expressions', i, 'as']);
    });

    // Aggregates over the same collection share one grouped scan (one FILTER per aggregate),
    // restricted to the population's keys when the collection hangs off its key.
    const byCollection = new Map<string, number[]>();
    for (const [i, g] of a.aggregates.entries())
      byCollection.set(g.collection, [...(byCollection.get(g.collection) ?? []), i]);
    for (const [path, indexes] of byCollection) {
      let coll: CollectionRef;
      try {
        coll = scope.collection(splitPath(path));
      } catch (err) {
        if (!(err instanceof QueryError)) throw err;
        // Each aggregate over a collection that cannot be reached has the problem.
        for (const i of indexes) ctx.report.error(['aggregates', i, 'collection'], err.issue);
        continue;
      }
      const inner = scope.child(coll.table);
      const alias = ctx.aliases.next('g');
      const items: string[] = [];
      for (const i of indexes) {
        const g = a.aggregates[i]!;
        const at = ['aggregates', i];
        const p = aggregateParts(g, inner, ctx.report, at);
        if (!p) continue;
        const column = `orca_v${i}`;
        items.push(`CAST(${p.value}${p.filter ? ` FILTER (WHERE ${p.filter})` : ''} AS ${p.sqlType}) AS ${column}`);
        // No row in the collection: a count is 0, a sum, an average, a min or a max is empty (as in a query).
        const v = `${alias}.${column}`;
        add(g.as, p.type, g.function === 'count' ? `COALESCE(${v}, 0)` : v, [...at, 'as']);
      }
      if (!items.length) continue;
      const keys = coll.link.on.map((p) => `${inner.tableAlias}.${quoteIdent(p.to)}`);
      const key = main.schema.dimension ? main.schema.columns[0]! : undefined;
      const hangsOffKey =
        coll.link.from === main.schema.dimension && coll.link.on.length === 1 && coll.link.on[0]!.from === key?.name;
      const restrict = hangsOffKey
        ? `\n    WHERE ${keys[0]} IN (SELECT ${quoteIdent(key!.name)} FROM ${ctx.env.dialect.workTable(main.ref)} AS k)`
        : '';
      extraJoins.push(
        `LEFT JOIN (\n    SELECT ${keys.map((k, j) => `${k} AS ${quoteIdent(coll.link.on[j]!.to)}`).join(', ')}, ${items.join(', ')}\n    FROM ${ctx.env.dialect.catalogTable(coll.table)} AS ${inner.tableAlias}${inner.joinSql()}${restrict}\n    GROUP BY ${keys.join(', ')}\n  ) AS ${alias} ON ${coll.correlate(alias)}`,
      );
    }

    a.lines.forEach((l, i) => {
      const at = ['lines', i];
      const coll = collectionAt(ctx, scope, l.collection, [...at, 'collection']);
      if (!coll) return;
      const inner = scope.child(coll.table);
      const attrs = l.attributes.map((attr, j) => {
        const { path, as } = attributeColumnName(attr);
        return { as, r: resolveAt(ctx, inner, path, [...at, 'attributes', j]) };
      });
      const where = l.where ? compileRule(l.where, inner, ctx.report, [...at, 'where']) : 'TRUE';
      const sort = l.sort
        ? expressionField(l.sort.expression, inner, ctx.report, [...at, 'sort', 'expression'])
        : undefined;
      const order = [
        sort ? `${sort.sql} ${l.sort!.order === 'highest' ? 'DESC' : 'ASC'} NULLS LAST` : undefined,
        `${inner.tableAlias}.${quoteIdent(coll.table.primaryKey)}`,
      ]
        .filter(Boolean)
        .join(', ');
      const keys = coll.link.on.map((p) => `${inner.tableAlias}.${quoteIdent(p.to)}`);
      const keyNames = coll.link.on.map((p) => quoteIdent(p.to));
      const alias = ctx.aliases.next('n');
      const pivots: string[] = [];
      for (let n = 1; n <= l.count; n++) {
        for (const [j, { as, r }] of attrs.entries()) {
          if (!r) continue;
          const name = `${l.as}_${n}_${as}`;
          pivots.push(`max(CASE WHEN x.orca_n = ${n} THEN x.orca_a${j} END) AS ${quoteIdent(name)}`);
          if (addColumn(columns, name, typeOf(r.type), ctx.report, [...at, 'as']))
            select.push(`${alias}.${quoteIdent(name)} AS ${quoteIdent(name)}`);
        }
      }
      const values = attrs.map(({ r }, j) => (r ? `${r.sql} AS orca_a${j}` : `NULL AS orca_a${j}`)).join(', ');
      const ranked = `SELECT ${keys.map((k, j) => `${k} AS ${keyNames[j]}`).join(', ')}, ${values}, ROW_NUMBER() OVER (PARTITION BY ${keys.join(', ')} ORDER BY ${order}) AS orca_n\n      FROM ${ctx.env.dialect.catalogTable(coll.table)} AS ${inner.tableAlias}${inner.joinSql()}\n      WHERE ${where}`;
      extraJoins.push(
        `LEFT JOIN (\n    SELECT ${keyNames.map((k) => `x.${k}`).join(', ')}, ${pivots.join(', ')}\n    FROM (\n      ${ranked}\n    ) AS x\n    WHERE x.orca_n <= ${l.count}\n    GROUP BY ${keyNames.map((k) => `x.${k}`).join(', ')}\n  ) AS ${alias} ON ${coll.correlate(alias)}`,
      );
    });

    a.joins.forEach((j, i) => {
      const at = ['joins', i];
      const oi = inputIndex(ctx, j.transition, [...at, 'transition']);
      if (oi === undefined) return;
      if (oi === mainIndex) {
        ctx.report.error(
          [...at, 'transition'],
          'this is the population being enriched; join another inbound transition',
        );
        return;
      }
      const other = ctx.inputs[oi]!;
      if (!other.schema || !other.ref) {
        ctx.report.error([...at, 'transition'], `transition '${other.transition}' carries no population`);
        return;
      }
      const cols = new Map(other.schema.columns.map((c) => [c.name, c]));
      const alias = ctx.aliases.next('j');
      const pairs: string[] = [];
      const rights: string[] = [];
      j.on.forEach((p, k) => {
        const left = resolveAt(ctx, scope, p.left, [...at, 'on', k, 'left']);
        const right = cols.get(p.right);
        if (!right)
          ctx.report.error(
            [...at, 'on', k, 'right'],
            `'${p.right}' is not a column of '${other.transition}'; it has: ${[...cols.keys()].join(', ')}`,
          );
        if (left && right && left.type !== 'null' && !comparable(left.type, right.type)) {
          ctx.report.error([...at, 'on', k], `cannot match ${p.left} (${left.type}) with ${p.right} (${right.type})`);
        }
        if (left && right) {
          pairs.push(`${alias}.${quoteIdent(right.name)} = ${left.sql}`);
          rights.push(`s.${quoteIdent(right.name)}`);
        }
      });
      const picked: Column[] = [];
      j.columns.forEach((c, k) => {
        const name = typeof c === 'string' ? c : c.column;
        const as = typeof c === 'string' ? c : (c.as ?? c.column);
        const col = cols.get(name);
        if (!col) {
          ctx.report.error(
            [...at, 'columns', k],
            `'${name}' is not a column of '${other.transition}'; it has: ${[...cols.keys()].join(', ')}`,
          );
          return;
        }
        if (addColumn(columns, as, col.type, ctx.report, [...at, 'columns', k])) {
          select.push(`${alias}.${quoteIdent(name)} AS ${quoteIdent(as)}`);
          picked.push(col);
        }
      });
      if (!pairs.length) return;
      // One row per join key on the other side, so that the population is never multiplied.
      const keep = [...new Set([...j.on.map((p) => p.right), ...picked.map((c) => c.name)])].filter((n) => cols.has(n));
      extraJoins.push(
        `LEFT JOIN (\n    SELECT ${keep.map((n) => quoteIdent(n)).join(', ')} FROM (\n      SELECT s.*, ROW_NUMBER() OVER (PARTITION BY ${rights.join(', ')} ORDER BY ${rights.join(', ')}) AS orca_n\n      FROM ${ctx.env.dialect.workTable(other.ref)} AS s\n    ) AS r WHERE r.orca_n = 1\n  ) AS ${alias} ON ${pairs.join(' AND ')}`,
      );
    });

    const sql = `SELECT ${select.join(',\n  ')}, ${outputTag('main')}\nFROM ${ctx.env.dialect.workTable(main.ref)} AS w${scope.joinSql()}${extraJoins.map((j) => `\n  ${j}`).join('')}`;
    return {
      action: { type: 'query', sql, location: ctx.outputLocation },
      outputs: { main: { dimension: main.schema.dimension, columns } },
    };
  },
});
