/**
 * A condition of a rule, `left operator value`: the operators each type allows, the value turned
 * into SQL of the left side's type. A problem is thrown as a QueryError at the operator's or the
 * value's path.
 */
import { literal } from '../sql/literal.js';
import { isTemporal, type ColumnType } from '../sql/types.js';
import { didYouMean, type PathPart, type Reporter } from '../util/issues.js';
import { QueryError, reported } from './problems.js';
import { COMPARISONS, EMPTINESS, LISTS, OPERATORS, type Operator, type RuleValue, TEXT_MATCHES } from './rules.js';
import type { Scope, TypedSql } from './scope.js';
import { addDays, formatUtcTimestamp, zonedTimeToUtc, type Ymd } from './time.js';
import { Values } from './values.js';

const NUMBER_OPS: Operator[] = [...COMPARISONS, ...LISTS, ...EMPTINESS];
const STRING_OPS: Operator[] = [...NUMBER_OPS, ...TEXT_MATCHES];
const TEMPORAL_OPS: Operator[] = [...NUMBER_OPS, 'within'];
const BOOLEAN_OPS: Operator[] = ['equal', 'notEqual', 'isEmpty', 'isNotEmpty'];

export function operatorsFor(type: ColumnType): Operator[] {
  if (type === 'string') return STRING_OPS;
  if (type === 'boolean') return BOOLEAN_OPS;
  if (isTemporal(type)) return TEMPORAL_OPS;
  return NUMBER_OPS;
}

/**
 * The one rule of empty values, for every operator and every place a condition appears: a value is
 * empty when it is NULL or, for a string, when nothing but spaces (U+0020) is left once they are
 * trimmed ('', '   '). An empty value matches `isEmpty` and nothing else: no comparison, list, text
 * match or period, negative ones (`notEqual`, `notIn`, `notStartsWith`, `notContains`, `notLike`)
 * included. Only the space is trimmed, written out (`trim(BOTH ' ' FROM x)`), because each engine's
 * one-argument trim removes other characters (Trino: any Unicode white space; DuckDB: spaces).
 */
export function emptySql(x: string, type: ColumnType | 'null'): string {
  return type === 'string' ? `(${x} IS NULL OR ${blank(x)} = '')` : `(${x} IS NULL)`;
}

export function notEmptySql(x: string, type: ColumnType): string {
  return type === 'string' ? `(${x} IS NOT NULL AND ${blank(x)} <> '')` : `(${x} IS NOT NULL)`;
}

const blank = (x: string): string => `trim(BOTH ' ' FROM ${x})`;

/**
 * `test` restricted to non-empty values. NULL needs no guard: every operator's SQL is unknown on
 * NULL (never true), which the groups treat as no match (EXCEPT takes COALESCE(…, FALSE)); a
 * blank string is a value to SQL, so string conditions say it is not one.
 */
function onValues(x: string, type: ColumnType, test: string): string {
  return type === 'string' ? `(${blank(x)} <> '' AND ${test})` : test;
}

/** The rule of empty values on a value already read (a Test activity's variable): the same as emptySql. */
export function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && /^ *$/.test(v));
}

const COMPARISON_SQL: Partial<Record<Operator, string>> = {
  equal: '=',
  notEqual: '<>',
  greater: '>',
  less: '<',
  greaterOrEqual: '>=',
  lessOrEqual: '<=',
};

/** `left operator value`, type-checked; the rule is at `path` (its `operator` and `value` under it). */
export function condition(
  left: TypedSql,
  operator: Operator,
  value: RuleValue | undefined,
  hasValue: boolean,
  scope: Scope,
  report: Reporter,
  path: readonly PathPart[],
): string {
  const type: ColumnType = left.type === 'null' ? 'string' : left.type;
  const opath = [...path, 'operator'];
  if (!OPERATORS.includes(operator))
    throw new QueryError(`unknown operator '${operator}'.${didYouMean(operator, OPERATORS)}`, { path: opath });
  const allowed = operatorsFor(type);
  if (!allowed.includes(operator)) {
    throw new QueryError(`operator '${operator}' does not apply to a ${type}; use one of: ${allowed.join(', ')}`, {
      path: opath,
    });
  }
  const x = left.sql;
  const vpath = [...path, 'value'];
  if (operator === 'isEmpty' || operator === 'isNotEmpty') {
    // A value given anyway is a problem, but the condition stays what it says.
    reported(report, vpath, undefined, () => {
      if (hasValue) throw new QueryError(`${operator} takes no value`);
    });
    return operator === 'isEmpty' ? emptySql(x, type) : notEmptySql(x, type);
  }
  return onValues(x, type, test(x, type, operator, value, scope, vpath));
}

/** The SQL of an operator other than isEmpty / isNotEmpty, for values that are not empty. */
function test(
  x: string,
  type: ColumnType,
  operator: Operator,
  value: RuleValue | undefined,
  scope: Scope,
  vpath: readonly PathPart[],
): string {
  if (value === undefined) throw new QueryError(`${operator} needs a value`, { path: vpath });
  const values = new Values(scope, vpath);
  switch (operator) {
    case 'in':
    case 'notIn': {
      if (!Array.isArray(value))
        throw new QueryError(`${operator} needs a list of values, e.g. [a, b]`, { path: vpath });
      // A timestamp in a list of days is on one of those days, as `equal` a day is on that day.
      const days = type === 'timestamp' ? value.map((v) => values.dayOf(v)) : [];
      if (days.some((d) => d !== undefined)) {
        const any = value.map((v, i) => {
          const day = days[i];
          return day ? dayComparison(x, 'equal', day, scope) : `(${x} = ${values.scalar(v, type, i)})`;
        });
        const sql = any.length === 1 ? any[0]! : `(${any.join(' OR ')})`;
        return operator === 'in' ? sql : `(NOT ${sql})`;
      }
      const items = value.map((v, i) => values.scalar(v, type, i));
      return `(${x} ${operator === 'in' ? 'IN' : 'NOT IN'} (${items.join(', ')}))`;
    }
    case 'startsWith':
    case 'notStartsWith':
      return `(${operator === 'notStartsWith' ? 'NOT ' : ''}starts_with(${x}, ${values.scalar(value, 'string')}))`;
    case 'contains':
      return `(strpos(${x}, ${values.scalar(value, 'string')}) > 0)`;
    case 'notContains':
      return `(strpos(${x}, ${values.scalar(value, 'string')}) = 0)`;
    case 'like':
    case 'notLike':
      return `(${x} ${operator === 'like' ? 'LIKE' : 'NOT LIKE'} ${values.scalar(value, 'string')})`;
    case 'within': {
      const range = values.period(value, type as 'date' | 'timestamp');
      return `(${x} >= ${range.from} AND ${x} < ${range.to})`;
    }
    default: {
      if (Array.isArray(value))
        throw new QueryError(`${operator} compares with one value; use 'in' for a list`, { path: vpath });
      const op = COMPARISON_SQL[operator]!;
      if (type === 'timestamp') {
        const day = values.dayOf(value);
        if (day) return dayComparison(x, operator, day, scope);
      }
      return `(${x} ${op} ${values.scalar(value, type)})`;
    }
  }
}

/** A timestamp compared with a whole day: equal means "on that day", greater means "after that day"... */
function dayComparison(x: string, operator: Operator, day: Ymd, scope: Scope): string {
  const start = literal(formatUtcTimestamp(zonedTimeToUtc(day, scope.env.timezone)), 'timestamp');
  const end = literal(formatUtcTimestamp(zonedTimeToUtc(addDays(day, 1), scope.env.timezone)), 'timestamp');
  switch (operator) {
    case 'equal':
      return `(${x} >= ${start} AND ${x} < ${end})`;
    case 'notEqual':
      return `(${x} < ${start} OR ${x} >= ${end})`;
    case 'greater':
      return `(${x} >= ${end})`;
    case 'greaterOrEqual':
      return `(${x} >= ${start})`;
    case 'less':
      return `(${x} < ${start})`;
    default:
      return `(${x} < ${end})`;
  }
}
