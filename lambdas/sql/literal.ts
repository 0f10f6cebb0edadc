/**
 * The only two ways text from a campaign or a catalog reaches a SQL statement.
 *
 * - Identifiers: names are validated against IDENTIFIER and double-quoted. A name that does not
 *   match is a programming error (the catalog and the campaign validation reject such names first).
 * - Values: `literal` renders a typed value as one closed SQL expression. Strings are single-quoted
 *   with quotes doubled (neither DuckDB nor Trino treat backslashes specially in standard strings);
 *   a NUL character, which cannot appear inside a literal, is spliced in with chr(0).
 *
 * Nothing else in orca concatenates user text into SQL.
 */
import { type ColumnType, sqlType } from './types.js';
import { OrcaError } from '../util/errors.js';

export const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export class SqlSafetyError extends OrcaError {
  static override readonly errorName = 'SqlSafetyError';
}

export function quoteIdent(name: string): string {
  if (!IDENTIFIER.test(name) || name.length > 128)
    throw new SqlSafetyError(`not a valid identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

export function stringLiteral(value: string): string {
  if (!value.isWellFormed()) throw new SqlSafetyError('string value is not well-formed Unicode');
  const parts = value.split('\u0000').map((p) => `'${p.replaceAll("'", "''")}'`);
  return parts.length === 1 ? parts[0]! : `(${parts.join(' || chr(0) || ')})`;
}

const INTEGER = /^-?\d{1,18}$/;
const DECIMAL = /^-?\d{1,18}(\.\d{1,18})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?(Z)?$/;

export function isValidDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

export function isValidTimestamp(s: string): boolean {
  const m = TIMESTAMP.exec(s);
  if (!m) return false;
  return isValidDate(`${m[1]}-${m[2]}-${m[3]}`) && +m[4]! < 24 && +m[5]! < 60 && +(m[6] ?? 0) < 60;
}

/** Why a value cannot be a literal of this type, or undefined when it can. */
export function literalProblem(value: unknown, type: ColumnType): string | undefined {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') return `expected a string, got ${describe(value)}`;
      if (!value.isWellFormed()) return 'the string is not well-formed Unicode';
      return undefined;
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return undefined;
      if (typeof value === 'string' && INTEGER.test(value)) return undefined;
      return `expected an integer, got ${describe(value)}`;
    case 'decimal':
    case 'double':
      if (typeof value === 'number' && Number.isFinite(value)) {
        return type === 'decimal' && Math.abs(value) >= 1e18
          ? `${value} is out of range for a decimal (at most 18 digits)`
          : undefined;
      }
      if (typeof value === 'string' && DECIMAL.test(value)) return undefined;
      return `expected a number, got ${describe(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${describe(value)}`;
    case 'date':
      return typeof value === 'string' && isValidDate(value)
        ? undefined
        : `expected a date YYYY-MM-DD, got ${describe(value)}`;
    case 'timestamp':
      return typeof value === 'string' && (isValidTimestamp(value) || isValidDate(value))
        ? undefined
        : `expected a timestamp YYYY-MM-DD HH:MM:SS, got ${describe(value)}`;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Renders a value of a column type as a SQL literal expression. Throws on a value of the wrong type. */
export function literal(value: unknown, type: ColumnType): string {
  if (value === null) return `CAST(NULL AS ${sqlType(type)})`;
  const problem = literalProblem(value, type);
  if (problem) throw new SqlSafetyError(problem);
  switch (type) {
    case 'string':
      return stringLiteral(value as string);
    case 'integer':
      return String(value);
    case 'decimal':
    case 'double': {
      const text = typeof value === 'number' ? numberText(value) : (value as string);
      return type === 'double' ? `CAST(${text} AS DOUBLE)` : text;
    }
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'date':
      return `DATE '${value as string}'`;
    case 'timestamp': {
      const s = value as string;
      if (isValidDate(s)) return `TIMESTAMP '${s} 00:00:00'`;
      const m = TIMESTAMP.exec(s)!;
      return `TIMESTAMP '${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}'`;
    }
  }
}

function numberText(n: number): string {
  const text = String(n);
  // Exponent notation is read as DOUBLE by both engines: spell small numbers out (decimals are
  // below 1e18, so only tiny ones have an exponent); a double keeps it inside its CAST.
  return /e-/i.test(text) ? n.toFixed(18).replace(/0+$/, '').replace(/\.$/, '') : text;
}
