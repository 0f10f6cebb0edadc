/**
 * Compiles expressions and rule trees to SQL, checking names against the catalog and types against
 * operators. Errors are reported with the path of the offending field and compilation carries on,
 * so one pass over a campaign lists every problem. Values become SQL only through `literal`.
 */
import { literal, quoteIdent } from '../sql/literal.js';
import { comparable, isNumeric, isTemporal, unify, type ColumnType } from '../sql/types.js';
import type { Reporter } from '../util/issues.js';
import { didYouMean } from '../util/issues.js';
import { parseExpression, ExpressionSyntaxError, type Expr } from './expression.js';
import { FUNCTIONS } from './functions.js';
import {
  OPERATORS,
  PERIOD_PRESETS,
  RELATIVE_KEYWORDS,
  type Operator,
  type PeriodPreset,
  type Rule,
  type RuleValue,
  type TimeUnit,
} from './rules.js';
import { QueryError, splitPath, type Scope, type TypedSql } from './scope.js';
import {
  addDays,
  formatDate,
  formatUtcTimestamp,
  localDate,
  presetRange,
  shiftDate,
  shiftInstant,
  zonedTimeToUtc,
  type Ymd,
} from './time.js';

// ---------------------------------------------------------------------------------------------
// Expressions

export function compileExpr(e: Expr, scope: Scope): TypedSql {
  switch (e.kind) {
    case 'literal':
      return compileLiteral(e);
    case 'ref':
      try {
        return scope.resolve(e.path);
      } catch (err) {
        if (err instanceof QueryError) throw new QueryError(err.message, e.pos);
        throw err;
      }
    case 'call': {
      const def = FUNCTIONS[e.name.toLowerCase()];
      if (!def)
        throw new QueryError(`unknown function '${e.name}'.${didYouMean(e.name, Object.keys(FUNCTIONS))}`, e.pos);
      const [min, max] = def.arity;
      if (e.args.length < min || e.args.length > max)
        throw new QueryError(
          `${e.name} takes ${min === max ? min : `${min} to ${max}`} argument(s): ${def.signature}`,
          e.pos,
        );
      const args = e.args.map((a) => compileExpr(a, scope));
      try {
        return def.compile(args, scope);
      } catch (err) {
        if (err instanceof QueryError && err.pos === undefined) throw new QueryError(err.message, e.pos);
        throw err;
      }
    }
    case 'unary': {
      const x = compileExpr(e.operand, scope);
      if (e.op === 'not') {
        requireType(x, 'boolean', 'NOT', e.pos);
        return { sql: `(NOT ${x.sql})`, type: 'boolean' };
      }
      if (x.type !== 'null' && !isNumeric(x.type)) throw new QueryError(`cannot negate a ${x.type}`, e.pos);
      return { sql: `(- ${x.sql})`, type: x.type };
    }
    case 'binary':
      return compileBinary(e, scope);
    case 'case': {
      let type: ColumnType | 'null' = 'null';
      const parts: string[] = [];
      const branch = (x: Expr): string => {
        const t = compileExpr(x, scope);
        if (t.type !== 'null') {
          const u = type === 'null' ? t.type : unify(type, t.type);
          if (!u) throw new QueryError(`CASE mixes ${type} and ${t.type} results`, x.pos);
          type = u;
        }
        return t.sql;
      };
      for (const w of e.whens) {
        const cond = compileExpr(w.when, scope);
        requireType(cond, 'boolean', 'WHEN', w.when.pos);
        parts.push(`WHEN ${cond.sql} THEN ${branch(w.then)}`);
      }
      const otherwise = e.else ? ` ELSE ${branch(e.else)}` : '';
      return { sql: `(CASE ${parts.join(' ')}${otherwise} END)`, type };
    }
    case 'isNull': {
      const x = compileExpr(e.operand, scope);
      return { sql: `(${x.sql} IS ${e.negated ? 'NOT ' : ''}NULL)`, type: 'boolean' };
    }
    case 'in': {
      const x = compileExpr(e.operand, scope);
      const items = e.list.map((i) => {
        const t = compileExpr(i, scope);
        checkComparable(x, t, 'IN', i.pos);
        return t.sql;
      });
      return { sql: `(${x.sql} ${e.negated ? 'NOT IN' : 'IN'} (${items.join(', ')}))`, type: 'boolean' };
    }
    case 'between': {
      const x = compileExpr(e.operand, scope);
      const lo = compileExpr(e.low, scope);
      const hi = compileExpr(e.high, scope);
      checkComparable(x, lo, 'BETWEEN', e.low.pos);
      checkComparable(x, hi, 'BETWEEN', e.high.pos);
      return { sql: `(${x.sql} ${e.negated ? 'NOT ' : ''}BETWEEN ${lo.sql} AND ${hi.sql})`, type: 'boolean' };
    }
  }
}

function compileLiteral(e: Extract<Expr, { kind: 'literal' }>): TypedSql {
  try {
    switch (e.type) {
      case 'null':
        return { sql: 'NULL', type: 'null' };
      case 'boolean':
        return { sql: literal(e.value, 'boolean'), type: 'boolean' };
      case 'string':
        return { sql: literal(e.value, 'string'), type: 'string' };
      case 'number': {
        const n = e.value as number;
        return Number.isSafeInteger(n)
          ? { sql: literal(n, 'integer'), type: 'integer' }
          : { sql: literal(n, 'decimal'), type: 'decimal' };
      }
      case 'date':
        return { sql: literal(e.value, 'date'), type: 'date' };
      case 'timestamp':
        return { sql: literal(e.value, 'timestamp'), type: 'timestamp' };
    }
  } catch (err) {
    throw new QueryError((err as Error).message, e.pos);
  }
}

function requireType(x: TypedSql, type: ColumnType, what: string, pos: number): void {
  if (x.type !== 'null' && x.type !== type) throw new QueryError(`${what} needs a ${type}, got a ${x.type}`, pos);
}

function checkComparable(a: TypedSql, b: TypedSql, what: string, pos: number): void {
  if (a.type !== 'null' && b.type !== 'null' && !comparable(a.type, b.type)) {
    throw new QueryError(`${what}: cannot compare a ${a.type} with a ${b.type}`, pos);
  }
}

function compileBinary(e: Extract<Expr, { kind: 'binary' }>, scope: Scope): TypedSql {
  const l = compileExpr(e.left, scope);
  const r = compileExpr(e.right, scope);
  switch (e.op) {
    case 'and':
    case 'or':
      requireType(l, 'boolean', e.op.toUpperCase(), e.left.pos);
      requireType(r, 'boolean', e.op.toUpperCase(), e.right.pos);
      return { sql: `(${l.sql} ${e.op.toUpperCase()} ${r.sql})`, type: 'boolean' };
    case '=':
    case '<>':
    case '<':
    case '<=':
    case '>':
    case '>=':
      checkComparable(l, r, e.op, e.pos);
      return { sql: `(${l.sql} ${e.op} ${r.sql})`, type: 'boolean' };
    case 'like':
    case 'not like':
      requireType(l, 'string', 'LIKE', e.left.pos);
      requireType(r, 'string', 'LIKE', e.right.pos);
      return { sql: `(${l.sql} ${e.op.toUpperCase()} ${r.sql})`, type: 'boolean' };
    case '||':
      return { sql: `(${asText(l)} || ${asText(r)})`, type: 'string' };
    case '/': {
      numericOperands(l, r, e);
      return { sql: `(CAST(${l.sql} AS DOUBLE) / NULLIF(CAST(${r.sql} AS DOUBLE), 0))`, type: 'double' };
    }
    case '+':
    case '-':
    case '*':
    case '%': {
      if ((l.type !== 'null' && isTemporal(l.type)) || (r.type !== 'null' && isTemporal(r.type))) {
        throw new QueryError(`use addDays(), daysBetween() and the like for date arithmetic, not '${e.op}'`, e.pos);
      }
      numericOperands(l, r, e);
      const type = l.type === 'null' ? r.type : r.type === 'null' ? l.type : unify(l.type, r.type)!;
      return { sql: `(${l.sql} ${e.op} ${r.sql})`, type };
    }
  }
}

function numericOperands(l: TypedSql, r: TypedSql, e: Extract<Expr, { kind: 'binary' }>): void {
  for (const [x, pos] of [
    [l, e.left.pos],
    [r, e.right.pos],
  ] as const) {
    if (x.type !== 'null' && !isNumeric(x.type)) throw new QueryError(`'${e.op}' needs numbers, got a ${x.type}`, pos);
  }
}

function asText(x: TypedSql): string {
  return x.type === 'string' ? x.sql : `CAST(${x.sql} AS VARCHAR)`;
}

/** Parses and compiles an expression text; errors name the position in the text. */
export function compileExpressionText(text: string, scope: Scope): TypedSql {
  let ast: Expr;
  try {
    ast = parseExpression(text);
  } catch (err) {
    if (err instanceof ExpressionSyntaxError) throw new QueryError(`syntax error: ${err.message}`, err.pos);
    throw err;
  }
  return compileExpr(ast, scope);
}

/** Compiles an expression field and reports a problem at `path`; returns undefined when invalid. */
export function expressionField(
  text: string,
  scope: Scope,
  report: Reporter,
  path: (string | number)[],
): TypedSql | undefined {
  try {
    return compileExpressionText(text, scope);
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    report.error(path, expressionMessage(text, err));
    return undefined;
  }
}

function expressionMessage(text: string, err: QueryError): string {
  const where =
    err.pos !== undefined && text.length > 0
      ? ` (at character ${err.pos + 1} of '${text.length > 80 ? `${text.slice(0, 80)}…` : text}')`
      : '';
  return `${err.message}${where}`;
}

// ---------------------------------------------------------------------------------------------
// Rules

const STRING_OPS: Operator[] = [
  'equal',
  'notEqual',
  'greater',
  'less',
  'greaterOrEqual',
  'lessOrEqual',
  'in',
  'notIn',
  'isEmpty',
  'isNotEmpty',
  'startsWith',
  'notStartsWith',
  'contains',
  'notContains',
  'like',
  'notLike',
];
const NUMBER_OPS: Operator[] = [
  'equal',
  'notEqual',
  'greater',
  'less',
  'greaterOrEqual',
  'lessOrEqual',
  'in',
  'notIn',
  'isEmpty',
  'isNotEmpty',
];
const TEMPORAL_OPS: Operator[] = [...NUMBER_OPS, 'within'];
const BOOLEAN_OPS: Operator[] = ['equal', 'notEqual', 'isEmpty', 'isNotEmpty'];

export function operatorsFor(type: ColumnType): Operator[] {
  if (type === 'string') return STRING_OPS;
  if (type === 'boolean') return BOOLEAN_OPS;
  if (isTemporal(type)) return TEMPORAL_OPS;
  return NUMBER_OPS;
}

const COMPARISON_SQL: Partial<Record<Operator, string>> = {
  equal: '=',
  notEqual: '<>',
  greater: '>',
  less: '<',
  greaterOrEqual: '>=',
  lessOrEqual: '<=',
};

/** Compiles a rule tree to a boolean SQL expression. */
export function compileRule(rule: Rule, scope: Scope, report: Reporter, path: (string | number)[] = []): string {
  if ('and' in rule) return group(rule.and, 'AND', scope, report, [...path, 'and']);
  if ('or' in rule) return group(rule.or, 'OR', scope, report, [...path, 'or']);
  if ('except' in rule) {
    const parts = rule.except.map((r, i) => compileRule(r, scope, report, [...path, 'except', i]));
    return `(${parts[0]}${parts
      .slice(1)
      .map((p) => ` AND NOT COALESCE(${p}, FALSE)`)
      .join('')})`;
  }
  if ('exists' in rule || 'notExists' in rule) {
    const negate = 'notExists' in rule;
    const collectionPath = negate ? (rule as { notExists: string }).notExists : (rule as { exists: string }).exists;
    const key = negate ? 'notExists' : 'exists';
    try {
      const coll = scope.collection(splitPath(collectionPath));
      const inner = scope.child(coll.table);
      const where = rule.where ? compileRule(rule.where, inner, report, [...path, 'where']) : undefined;
      const from = `${scope.env.dialect.catalogTable(coll.table)} AS ${inner.tableAlias}${inner.joinSql()}`;
      if (coll.link.on.length === 1) {
        // A one-column link: an uncorrelated IN (a semi- or anti-join in both engines), the way one
        // writes it by hand. NULL keys are left out so that IN behaves exactly like EXISTS.
        const fk = `${inner.tableAlias}.${quoteIdent(coll.link.on[0]!.to)}`;
        const outer = coll.outer[0]!;
        const sub = `SELECT ${fk} FROM ${from}\n    WHERE ${fk} IS NOT NULL${where ? ` AND ${where}` : ''}`;
        return negate ? `(${outer} IS NULL OR ${outer} NOT IN (${sub}))` : `(${outer} IN (${sub}))`;
      }
      const sub = `SELECT 1 FROM ${from}\n    WHERE ${coll.correlate(inner.tableAlias)}${where ? ` AND ${where}` : ''}`;
      return `(${negate ? 'NOT ' : ''}EXISTS (${sub}))`;
    } catch (err) {
      return reportQueryError(err, report, [...path, key]);
    }
  }
  if ('aggregate' in rule) {
    const agg = aggregateSql(rule.aggregate, scope, report, [...path, 'aggregate']);
    if (!agg) return 'FALSE';
    return condition(agg, rule.operator, rule.value, 'value' in rule, scope, report, path);
  }
  if ('expression' in rule) {
    const x = expressionField(rule.expression, scope, report, [...path, 'expression']);
    if (!x) return 'FALSE';
    if (rule.operator === undefined) {
      if ('value' in rule)
        report.error([...path, 'operator'], 'a value needs an operator to compare the expression with');
      if (x.type !== 'boolean' && x.type !== 'null') {
        report.error(
          [...path, 'expression'],
          `the expression is a ${x.type}; add an operator and a value, or write a condition (e.g. '… > 3')`,
        );
        return 'FALSE';
      }
      return x.sql;
    }
    return condition(x, rule.operator, rule.value, 'value' in rule, scope, report, path);
  }
  // attribute condition
  let left: TypedSql;
  try {
    left = scope.resolve(splitPath(rule.attribute));
  } catch (err) {
    return reportQueryError(err, report, [...path, 'attribute']);
  }
  return condition(left, rule.operator, rule.value, 'value' in rule, scope, report, path);
}

function group(rules: Rule[], op: 'AND' | 'OR', scope: Scope, report: Reporter, path: (string | number)[]): string {
  const parts = rules.map((r, i) => compileRule(r, scope, report, [...path, i]));
  return parts.length === 1 ? parts[0]! : `(${parts.join(` ${op} `)})`;
}

function reportQueryError(err: unknown, report: Reporter, path: (string | number)[]): string {
  if (!(err instanceof QueryError)) throw err;
  report.error(path, err.message);
  return 'FALSE';
}

/**
 * The parts of an aggregate over a collection's rows (`inner`: the collection's scope): its value
 * (`count(*)`, `sum(x)`...), its filter, its type and the SQL type to cast it to; undefined when
 * it is not valid (reported at `path`).
 */
export function aggregateParts(
  agg: { function: string; attribute?: string | undefined; where?: Rule | undefined },
  inner: Scope,
  report: Reporter,
  path: (string | number)[],
): { value: string; filter: string | undefined; type: ColumnType; sqlType: string } | undefined {
  let value = 'count(*)';
  let type: ColumnType = 'integer';
  if (agg.function === 'count') {
    if (agg.attribute) report.warn([...path, 'attribute'], 'count counts rows; the attribute is ignored');
  } else {
    if (!agg.attribute) {
      report.error([...path, 'attribute'], `${agg.function} needs the attribute to aggregate`);
      return undefined;
    }
    let attr: TypedSql;
    try {
      attr = inner.resolve(splitPath(agg.attribute));
    } catch (err) {
      reportQueryError(err, report, [...path, 'attribute']);
      return undefined;
    }
    if (attr.type === 'null') return undefined;
    const t = attr.type as ColumnType;
    if ((agg.function === 'sum' || agg.function === 'avg') && !isNumeric(t)) {
      report.error([...path, 'attribute'], `${agg.function} needs a number; ${agg.attribute} is a ${t}`);
      return undefined;
    }
    if ((agg.function === 'min' || agg.function === 'max') && t === 'boolean') {
      report.error([...path, 'attribute'], `${agg.function} of a boolean is not supported`);
      return undefined;
    }
    type =
      agg.function === 'avg'
        ? 'double'
        : agg.function === 'sum'
          ? t === 'integer'
            ? 'integer'
            : t === 'double'
              ? 'double'
              : 'decimal'
          : t;
    value = agg.function === 'avg' ? `avg(CAST(${attr.sql} AS DOUBLE))` : `${agg.function}(${attr.sql})`;
  }
  const filter = agg.where ? compileRule(agg.where, inner, report, [...path, 'where']) : undefined;
  return { value, filter, type, sqlType: sqlName(type) };
}

/** `count(*)`, `sum(x)`... of a collection's rows, optionally filtered, as a correlated scalar subquery. */
export function aggregateSql(
  agg: { function: string; collection: string; attribute?: string | undefined; where?: Rule | undefined },
  scope: Scope,
  report: Reporter,
  path: (string | number)[],
): TypedSql | undefined {
  try {
    const coll = scope.collection(splitPath(agg.collection));
    const inner = scope.child(coll.table);
    const p = aggregateParts(agg, inner, report, path);
    if (!p) return undefined;
    const sql = `(SELECT CAST(${p.value} AS ${p.sqlType}) FROM ${scope.env.dialect.catalogTable(coll.table)} AS ${inner.tableAlias}${inner.joinSql()}\n    WHERE ${coll.correlate(inner.tableAlias)}${p.filter ? ` AND ${p.filter}` : ''})`;
    return { sql, type: p.type };
  } catch (err) {
    reportQueryError(err, report, [...path, 'collection']);
    return undefined;
  }
}

/** Sums of decimals get the room of 38 digits. */
function sqlName(type: ColumnType): string {
  return {
    string: 'VARCHAR',
    integer: 'BIGINT',
    decimal: 'DECIMAL(38, 2)',
    double: 'DOUBLE',
    boolean: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
  }[type];
}

/** `left operator value`, type-checked. */
function condition(
  left: TypedSql,
  operator: Operator,
  value: RuleValue | undefined,
  hasValue: boolean,
  scope: Scope,
  report: Reporter,
  path: (string | number)[],
): string {
  const type: ColumnType = left.type === 'null' ? 'string' : left.type;
  if (!OPERATORS.includes(operator)) {
    report.error([...path, 'operator'], `unknown operator '${operator}'.${didYouMean(operator, OPERATORS)}`);
    return 'FALSE';
  }
  const allowed = operatorsFor(type);
  if (!allowed.includes(operator)) {
    report.error(
      [...path, 'operator'],
      `operator '${operator}' does not apply to a ${type}; use one of: ${allowed.join(', ')}`,
    );
    return 'FALSE';
  }
  const x = left.sql;
  if (operator === 'isEmpty' || operator === 'isNotEmpty') {
    if (hasValue) report.error([...path, 'value'], `${operator} takes no value`);
    if (type === 'string')
      return operator === 'isEmpty' ? `(${x} IS NULL OR ${x} = '')` : `(${x} IS NOT NULL AND ${x} <> '')`;
    return `(${x} IS ${operator === 'isEmpty' ? '' : 'NOT '}NULL)`;
  }
  const vpath = [...path, 'value'];
  if (value === undefined) {
    report.error(vpath, `${operator} needs a value`);
    return 'FALSE';
  }
  const values = new Values(scope, report, vpath);
  try {
    switch (operator) {
      case 'in':
      case 'notIn': {
        if (!Array.isArray(value)) {
          report.error(vpath, `${operator} needs a list of values, e.g. [a, b]`);
          return 'FALSE';
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
        if (Array.isArray(value)) {
          report.error(vpath, `${operator} compares with one value; use 'in' for a list`);
          return 'FALSE';
        }
        const op = COMPARISON_SQL[operator]!;
        if (type === 'timestamp') {
          const day = values.dayOf(value);
          if (day) return dayComparison(x, operator, day, scope);
        }
        return `(${x} ${op} ${values.scalar(value, type)})`;
      }
    }
  } catch (err) {
    if (err instanceof InvalidValue) return 'FALSE';
    throw err;
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

class InvalidValue extends Error {}

/** Turns rule values (literals, variables, relative dates) into SQL literals of the expected type. */
class Values {
  constructor(
    private readonly scope: Scope,
    private readonly report: Reporter,
    private readonly path: (string | number)[],
  ) {}

  private fail(message: string, index?: number): never {
    this.report.error(index === undefined ? this.path : [...this.path, index], message);
    throw new InvalidValue(message);
  }

  private get today(): Ymd {
    return localDate(this.scope.env.now, this.scope.env.timezone);
  }

  /** A variable's value (or, when validating, a typed placeholder). */
  private variable(name: string, type: ColumnType, index?: number): string {
    const v = this.scope.env.variables.get(name);
    if (!v) this.fail(`unknown variable '${name}'.${didYouMean(name, this.scope.env.variables.keys())}`, index);
    if (!comparable(v.type, type)) this.fail(`variable '${name}' is a ${v.type}; a ${type} is expected here`, index);
    if (v.value === undefined) return `CAST(NULL AS ${sqlName(type)})`;
    if (v.value === null) return `CAST(NULL AS ${sqlName(type)})`;
    return this.literalOf(v.value, type, index, `variable '${name}'`);
  }

  private literalOf(value: unknown, type: ColumnType, index: number | undefined, what = 'value'): string {
    if (typeof value === 'string' && value.includes('\u0000') && type !== 'string')
      this.fail(`${what} contains a NUL character`, index);
    try {
      return literal(value, type);
    } catch (err) {
      return this.fail(`${what}: ${(err as Error).message}`, index);
    }
  }

  scalar(value: unknown, type: ColumnType, index?: number): string {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const obj = value as Record<string, unknown>;
      if (typeof obj.variable === 'string') return this.variable(obj.variable, type, index);
      if ('ago' in obj || 'ahead' in obj)
        return this.relative(obj as { ago?: number; ahead?: number; unit: TimeUnit }, type, index);
      return this.fail(`a ${type} value is expected here, not a period; use the 'within' operator for periods`, index);
    }
    if (Array.isArray(value)) this.fail(`one ${type} value is expected, not a list`, index);
    if (
      typeof value === 'string' &&
      (RELATIVE_KEYWORDS as readonly string[]).includes(value) &&
      (type === 'date' || type === 'timestamp')
    ) {
      if (value === 'now')
        return type === 'date'
          ? literal(formatDate(this.today), 'date')
          : literal(formatUtcTimestamp(this.scope.env.now), 'timestamp');
      const day = addDays(this.today, value === 'today' ? 0 : value === 'yesterday' ? -1 : 1);
      return type === 'date'
        ? literal(formatDate(day), 'date')
        : literal(formatUtcTimestamp(zonedTimeToUtc(day, this.scope.env.timezone)), 'timestamp');
    }
    if (type === 'integer' && typeof value === 'number' && !Number.isInteger(value))
      this.fail(`expected a whole number, got ${value}`, index);
    return this.literalOf(value, type, index);
  }

  private relative(v: { ago?: number; ahead?: number; unit: TimeUnit }, type: ColumnType, index?: number): string {
    if (type !== 'date' && type !== 'timestamp')
      this.fail(`relative dates apply to dates and timestamps, not to a ${type}`, index);
    const n = v.ago !== undefined ? -v.ago : v.ahead!;
    const env = this.scope.env;
    if (type === 'date' || v.unit === 'days' || v.unit === 'weeks' || v.unit === 'months' || v.unit === 'years') {
      const day =
        v.unit === 'minutes' || v.unit === 'hours'
          ? localDate(shiftInstant(env.now, n, v.unit, env.timezone), env.timezone)
          : shiftDate(this.today, n, v.unit);
      return type === 'date'
        ? literal(formatDate(day), 'date')
        : literal(formatUtcTimestamp(zonedTimeToUtc(day, env.timezone)), 'timestamp');
    }
    return literal(formatUtcTimestamp(shiftInstant(env.now, n, v.unit, env.timezone)), 'timestamp');
  }

  /** When a value denotes a whole day (a date, today, 3 days ago), that day; else undefined. */
  dayOf(value: unknown): Ymd | undefined {
    if (typeof value === 'string') {
      if (value === 'today' || value === 'yesterday' || value === 'tomorrow')
        return addDays(this.today, value === 'today' ? 0 : value === 'yesterday' ? -1 : 1);
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      if (m && !literalFails(value, 'date')) return { y: +m[1]!, m: +m[2]!, d: +m[3]! };
      return undefined;
    }
    if (value && typeof value === 'object' && 'unit' in value && ('ago' in value || 'ahead' in value)) {
      const v = value as { ago?: number; ahead?: number; unit: TimeUnit };
      if (v.unit === 'minutes' || v.unit === 'hours') return undefined;
      return shiftDate(this.today, v.ago !== undefined ? -v.ago : v.ahead!, v.unit);
    }
    if (value && typeof value === 'object' && 'variable' in value) {
      const v = this.scope.env.variables.get(String((value as { variable: string }).variable));
      if (v?.type === 'date' && typeof v.value === 'string') return this.dayOf(v.value);
    }
    return undefined;
  }

  /** A period for `within`, as [from, to) literals of the column's type. */
  period(value: unknown, type: 'date' | 'timestamp'): { from: string; to: string } {
    const env = this.scope.env;
    const dates = (from: Ymd, to: Ymd) =>
      type === 'date'
        ? { from: literal(formatDate(from), 'date'), to: literal(formatDate(to), 'date') }
        : {
            from: literal(formatUtcTimestamp(zonedTimeToUtc(from, env.timezone)), 'timestamp'),
            to: literal(formatUtcTimestamp(zonedTimeToUtc(to, env.timezone)), 'timestamp'),
          };
    if (typeof value === 'string') {
      if (!(PERIOD_PRESETS as readonly string[]).includes(value)) {
        this.fail(
          `'${value}' is not a period; use one of ${PERIOD_PRESETS.join(', ')}, or { last: N, unit: days } / { next: N, unit: days }.${didYouMean(value, PERIOD_PRESETS)}`,
        );
      }
      const r = presetRange(value as PeriodPreset, this.today);
      return dates(r.from, r.to);
    }
    if (value && typeof value === 'object' && ('last' in value || 'next' in value)) {
      const v = value as { last?: number; next?: number; unit: TimeUnit };
      if (v.unit === 'minutes' || v.unit === 'hours') {
        if (type === 'date') this.fail(`a date has no time of day: use days, weeks, months or years`);
        const a = v.last !== undefined ? shiftInstant(env.now, -v.last, v.unit, env.timezone) : env.now;
        const b = v.last !== undefined ? env.now : shiftInstant(env.now, v.next!, v.unit, env.timezone);
        return { from: literal(formatUtcTimestamp(a), 'timestamp'), to: literal(formatUtcTimestamp(b), 'timestamp') };
      }
      return v.last !== undefined
        ? dates(shiftDate(this.today, -v.last, v.unit), addDays(this.today, 1))
        : dates(this.today, addDays(shiftDate(this.today, v.next!, v.unit), 1));
    }
    return this.fail(
      `within needs a period: ${PERIOD_PRESETS.join(', ')}, or { last: N, unit: days } / { next: N, unit: days }`,
    );
  }
}

function literalFails(value: string, type: ColumnType): boolean {
  try {
    literal(value, type);
    return false;
  } catch {
    return true;
  }
}
