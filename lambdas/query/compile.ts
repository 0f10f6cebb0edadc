/**
 * Compiles rule trees to SQL, checking names against the catalog and types against operators.
 * A problem is reported with the path of the offending field and compilation carries on, so one
 * pass over a campaign lists every problem: each part of the query throws its problems as
 * QueryErrors (lambdas/query/problems.ts), and each rule of the tree reports them and stands for
 * FALSE. Values become SQL only through `literal`.
 *
 * The parts: expressions (compile-expression.ts), conditions and their operators (conditions.ts),
 * values (values.ts); the rule tree and the aggregates over collections, which nest rules and
 * are nested in them, are here.
 */
import { quoteIdent } from '../sql/literal.js';
import { isNumeric, type ColumnType } from '../sql/types.js';
import type { PathPart, Reporter } from '../util/issues.js';
import { compileExpressionText } from './compile-expression.js';
import { condition } from './conditions.js';
import { located, QueryError, reported } from './problems.js';
import type { Rule } from './rules.js';
import { splitPath, type Scope, type TypedSql } from './scope.js';
import { sqlName } from './values.js';

export { compileExpr, compileExpressionText, expressionField } from './compile-expression.js';
export { operatorsFor } from './conditions.js';

/** Compiles a rule tree to a boolean SQL expression. */
export function compileRule(rule: Rule, scope: Scope, report: Reporter, path: PathPart[] = []): string {
  if ('and' in rule) return group(rule.and, 'AND', scope, report, [...path, 'and']);
  if ('or' in rule) return group(rule.or, 'OR', scope, report, [...path, 'or']);
  if ('except' in rule) {
    const parts = rule.except.map((r, i) => compileRule(r, scope, report, [...path, 'except', i]));
    return `(${parts[0]}${parts
      .slice(1)
      .map((p) => ` AND NOT COALESCE(${p}, FALSE)`)
      .join('')})`;
  }
  return reported(report, path, 'FALSE', () => leaf(rule, scope, report, path));
}

function group(rules: Rule[], op: 'AND' | 'OR', scope: Scope, report: Reporter, path: PathPart[]): string {
  const parts = rules.map((r, i) => compileRule(r, scope, report, [...path, i]));
  return parts.length === 1 ? parts[0]! : `(${parts.join(` ${op} `)})`;
}

type Leaf = Exclude<Rule, { and: Rule[] } | { or: Rule[] } | { except: Rule[] }>;

/** A rule that is not a group: exists, an aggregate, an expression or an attribute condition. */
function leaf(rule: Leaf, scope: Scope, report: Reporter, path: PathPart[]): string {
  if ('notExists' in rule) return exists(rule.notExists, true, rule.where, scope, report, [...path, 'notExists'], path);
  if ('exists' in rule) return exists(rule.exists, false, rule.where, scope, report, [...path, 'exists'], path);
  if ('aggregate' in rule) {
    const agg = aggregateSubquery(rule.aggregate, scope, report, [...path, 'aggregate']);
    if (rule.aggregate.function === 'count' && (rule.operator === 'isEmpty' || rule.operator === 'isNotEmpty'))
      report.warn(
        [...path, 'operator'],
        "a count is never empty (it is 0 when there are no rows): use 'equal 0' for none, 'greater 0' for some",
      );
    return condition(agg, rule.operator, rule.value, 'value' in rule, scope, report, path);
  }
  if ('expression' in rule) {
    const epath = [...path, 'expression'];
    const x = located({ path: epath }, () => compileExpressionText(rule.expression, scope));
    if (rule.operator !== undefined)
      return condition(x, rule.operator, rule.value, 'value' in rule, scope, report, path);
    // Two problems at once are both reported: a value without an operator does not stop the check of the type.
    reported(report, [...path, 'operator'], undefined, () => {
      if ('value' in rule) throw new QueryError('a value needs an operator to compare the expression with');
    });
    if (x.type !== 'boolean' && x.type !== 'null') {
      throw new QueryError(
        `the expression is a ${x.type}; add an operator and a value, or write a condition (e.g. '… > 3')`,
        { path: epath },
      );
    }
    return x.sql;
  }
  const left = located({ path: [...path, 'attribute'] }, () => scope.resolve(splitPath(rule.attribute)));
  return condition(left, rule.operator, rule.value, 'value' in rule, scope, report, path);
}

/** exists / notExists over a collection, at `collectionPath` (its `where` under `path`). */
function exists(
  collection: string,
  negate: boolean,
  where: Rule | undefined,
  scope: Scope,
  report: Reporter,
  collectionPath: PathPart[],
  path: PathPart[],
): string {
  const coll = located({ path: collectionPath }, () => scope.collection(splitPath(collection)));
  const inner = scope.child(coll.table);
  const filter = where ? compileRule(where, inner, report, [...path, 'where']) : undefined;
  const from = `${scope.env.dialect.catalogTable(coll.table)} AS ${inner.tableAlias}${inner.joinSql()}`;
  if (coll.link.on.length === 1) {
    // A one-column link: an uncorrelated IN (a semi- or anti-join in both engines), the way one
    // writes it by hand. NULL keys are left out so that IN behaves exactly like EXISTS.
    const fk = `${inner.tableAlias}.${quoteIdent(coll.link.on[0]!.to)}`;
    const outer = coll.outer[0]!;
    const sub = `SELECT ${fk} FROM ${from}\n    WHERE ${fk} IS NOT NULL${filter ? ` AND ${filter}` : ''}`;
    return negate ? `(${outer} IS NULL OR ${outer} NOT IN (${sub}))` : `(${outer} IN (${sub}))`;
  }
  const sub = `SELECT 1 FROM ${from}\n    WHERE ${coll.correlate(inner.tableAlias)}${filter ? ` AND ${filter}` : ''}`;
  return `(${negate ? 'NOT ' : ''}EXISTS (${sub}))`;
}

// ---------------------------------------------------------------------------------------------
// Aggregates over a collection's rows

interface AggregateSpec {
  function: string;
  attribute?: string | undefined;
  where?: Rule | undefined;
}

interface AggregateParts {
  value: string;
  filter: string | undefined;
  type: ColumnType;
  sqlType: string;
}

/**
 * The parts of an aggregate over a collection's rows (`inner`: the collection's scope): its value
 * (`count(*)`, `sum(x)`...), its filter, its type and the SQL type to cast it to; undefined when
 * it is not valid (reported at `path`).
 */
export function aggregateParts(
  agg: AggregateSpec,
  inner: Scope,
  report: Reporter,
  path: PathPart[],
): AggregateParts | undefined {
  return reported(report, path, undefined, () => partsOf(agg, inner, report, path));
}

/** `count(*)`, `sum(x)`... of a collection's rows, optionally filtered, as a correlated scalar subquery. */
export function aggregateSql(
  agg: AggregateSpec & { collection: string },
  scope: Scope,
  report: Reporter,
  path: PathPart[],
): TypedSql | undefined {
  return reported(report, path, undefined, () => aggregateSubquery(agg, scope, report, path));
}

function aggregateSubquery(
  agg: AggregateSpec & { collection: string },
  scope: Scope,
  report: Reporter,
  path: PathPart[],
): TypedSql {
  const coll = located({ path: [...path, 'collection'] }, () => scope.collection(splitPath(agg.collection)));
  const inner = scope.child(coll.table);
  const p = partsOf(agg, inner, report, path);
  const sql = `(SELECT CAST(${p.value} AS ${p.sqlType}) FROM ${scope.env.dialect.catalogTable(coll.table)} AS ${inner.tableAlias}${inner.joinSql()}\n    WHERE ${coll.correlate(inner.tableAlias)}${p.filter ? ` AND ${p.filter}` : ''})`;
  return { sql, type: p.type };
}

function partsOf(agg: AggregateSpec, inner: Scope, report: Reporter, path: PathPart[]): AggregateParts {
  const { value, type } = aggregateValue(agg, inner, report, [...path, 'attribute']);
  const filter = agg.where ? compileRule(agg.where, inner, report, [...path, 'where']) : undefined;
  return { value, filter, type, sqlType: sqlName(type) };
}

function aggregateValue(
  agg: AggregateSpec,
  inner: Scope,
  report: Reporter,
  apath: PathPart[],
): { value: string; type: ColumnType } {
  if (agg.function === 'count') {
    if (agg.attribute) report.warn(apath, 'count counts rows; the attribute is ignored');
    return { value: 'count(*)', type: 'integer' };
  }
  const at = { path: apath };
  if (!agg.attribute) throw new QueryError(`${agg.function} needs the attribute to aggregate`, at);
  const attr = located(at, () => inner.resolve(splitPath(agg.attribute!)));
  const t = attr.type === 'null' ? 'string' : attr.type; // (an attribute is never NULL-typed; as in a condition)
  if ((agg.function === 'sum' || agg.function === 'avg') && !isNumeric(t))
    throw new QueryError(`${agg.function} needs a number; ${agg.attribute} is a ${t}`, at);
  if ((agg.function === 'min' || agg.function === 'max') && t === 'boolean')
    throw new QueryError(`${agg.function} of a boolean is not supported`, at);
  const type: ColumnType =
    agg.function === 'avg'
      ? 'double'
      : agg.function === 'sum'
        ? t === 'integer'
          ? 'integer'
          : t === 'double'
            ? 'double'
            : 'decimal'
        : t;
  return { value: agg.function === 'avg' ? `avg(CAST(${attr.sql} AS DOUBLE))` : `${agg.function}(${attr.sql})`, type };
}
