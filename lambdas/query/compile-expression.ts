/**
 * Compiles expressions (the text language of lambdas/query/expression.ts) to typed SQL, checking
 * names against the catalog and types against operators and functions. A problem is thrown as a
 * QueryError with its position in the text; `expressionField` reports it at the field's path.
 */
import { comparable, isNumeric, isTemporal, unify, type ColumnType } from '../sql/types.js';
import type { PathPart, Reporter } from '../util/issues.js';
import { didYouMean } from '../util/issues.js';
import { parseExpression, type Expr } from './expression.js';
import { FUNCTIONS } from './functions.js';
import { located, QueryError, reported } from './problems.js';
import type { Scope, TypedSql } from './scope.js';
import { checkedLiteral } from './values.js';

export function compileExpr(e: Expr, scope: Scope): TypedSql {
  switch (e.kind) {
    case 'literal':
      return compileLiteral(e);
    case 'ref':
      return located({ pos: e.pos }, () => scope.resolve(e.path));
    case 'call': {
      const name = e.name.toLowerCase();
      // Own names only: `constructor`, `toString`... are not functions of the language.
      const def = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
      if (!def)
        throw new QueryError(`unknown function '${e.name}'.${didYouMean(e.name, Object.keys(FUNCTIONS))}`, {
          pos: e.pos,
        });
      const [min, max] = def.arity;
      if (e.args.length < min || e.args.length > max)
        throw new QueryError(
          `${e.name} takes ${min === max ? min : `${min} to ${max}`} argument(s): ${def.signature}`,
          {
            pos: e.pos,
          },
        );
      const args = e.args.map((a) => compileExpr(a, scope));
      return located({ pos: e.pos }, () => def.compile(args, scope));
    }
    case 'unary': {
      const x = compileExpr(e.operand, scope);
      if (e.op === 'not') {
        requireType(x, 'boolean', 'NOT', e.pos);
        return { sql: `(NOT ${x.sql})`, type: 'boolean' };
      }
      if (x.type !== 'null' && !isNumeric(x.type)) throw new QueryError(`cannot negate a ${x.type}`, { pos: e.pos });
      return { sql: `(- ${x.sql})`, type: x.type, ...(x.constant !== undefined ? { constant: -x.constant } : {}) };
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
          if (!u) throw new QueryError(`CASE mixes ${type} and ${t.type} results`, { pos: x.pos });
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
  const at = { pos: e.pos };
  switch (e.type) {
    case 'null':
      return { sql: 'NULL', type: 'null' };
    case 'boolean':
      return { sql: checkedLiteral(e.value, 'boolean', at), type: 'boolean' };
    case 'string':
      return { sql: checkedLiteral(e.value, 'string', at), type: 'string' };
    case 'number': {
      const n = e.value as number;
      return Number.isSafeInteger(n)
        ? { sql: checkedLiteral(n, 'integer', at), type: 'integer', constant: n }
        : { sql: checkedLiteral(n, 'decimal', at), type: 'decimal', constant: n };
    }
    case 'date':
      return { sql: checkedLiteral(e.value, 'date', at), type: 'date' };
    case 'timestamp':
      return { sql: checkedLiteral(e.value, 'timestamp', at), type: 'timestamp' };
  }
}

function requireType(x: TypedSql, type: ColumnType, what: string, pos: number): void {
  if (x.type !== 'null' && x.type !== type) throw new QueryError(`${what} needs a ${type}, got a ${x.type}`, { pos });
}

function checkComparable(a: TypedSql, b: TypedSql, what: string, pos: number): void {
  if (a.type !== 'null' && b.type !== 'null' && !comparable(a.type, b.type)) {
    throw new QueryError(`${what}: cannot compare a ${a.type} with a ${b.type}`, { pos });
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
        throw new QueryError(`use addDays(), daysBetween() and the like for date arithmetic, not '${e.op}'`, {
          pos: e.pos,
        });
      }
      numericOperands(l, r, e);
      const type = l.type === 'null' ? r.type : r.type === 'null' ? l.type : unify(l.type, r.type)!;
      // x % 0 is NULL in DuckDB and fails in Trino ("Division by zero"): NULL in both.
      if (e.op === '%') return { sql: `(${l.sql} % NULLIF(${r.sql}, 0))`, type };
      return { sql: `(${l.sql} ${e.op} ${r.sql})`, type };
    }
  }
}

function numericOperands(l: TypedSql, r: TypedSql, e: Extract<Expr, { kind: 'binary' }>): void {
  for (const [x, pos] of [
    [l, e.left.pos],
    [r, e.right.pos],
  ] as const) {
    if (x.type !== 'null' && !isNumeric(x.type))
      throw new QueryError(`'${e.op}' needs numbers, got a ${x.type}`, { pos });
  }
}

function asText(x: TypedSql): string {
  return x.type === 'string' ? x.sql : `CAST(${x.sql} AS VARCHAR)`;
}

/** Parses and compiles an expression text; a problem is thrown with its position in the text. */
export function compileExpressionText(text: string, scope: Scope): TypedSql {
  return located({ expression: text }, () => compileExpr(parseExpression(text), scope));
}

/** Compiles an expression field and reports a problem at `path`; returns undefined when invalid. */
export function expressionField(text: string, scope: Scope, report: Reporter, path: PathPart[]): TypedSql | undefined {
  return reported(report, path, undefined, () => compileExpressionText(text, scope));
}
