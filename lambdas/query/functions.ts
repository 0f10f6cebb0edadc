/**
 * The functions of the expression language, with their types and their SQL in each dialect.
 * Names are case-insensitive in expressions; the table keys are lower-case.
 */
import type { DatePart } from '../sql/dialect.js';
import { literal } from '../sql/literal.js';
import { isNumeric, isTemporal, sqlType, unify, type ColumnType } from '../sql/types.js';
import { QueryError } from './problems.js';
import type { Scope, TypedSql } from './scope.js';
import { formatDate, formatUtcTimestamp, localDate } from './time.js';

type ArgType = ColumnType | 'null';

interface FunctionDef {
  /** e.g. 'addDays(date|timestamp, integer)', shown in errors. */
  signature: string;
  arity: [min: number, max: number];
  compile(args: TypedSql[], scope: Scope): TypedSql;
}

const expect = (fn: string, def: FunctionDef, i: number, arg: TypedSql, ok: (t: ArgType) => boolean): void => {
  if (arg.type !== 'null' && !ok(arg.type)) {
    throw new QueryError(`${fn}: argument ${i + 1} is ${arg.type}; expected ${def.signature}`);
  }
};

const numeric = (t: ArgType) => t !== 'null' && isNumeric(t);
const temporal = (t: ArgType) => t !== 'null' && isTemporal(t);
const str = (t: ArgType) => t === 'string';
const int = (t: ArgType) => t === 'integer';

function simple(
  name: string,
  signature: string,
  arity: [number, number],
  check: Array<(t: ArgType) => boolean>,
  result: (args: TypedSql[]) => ColumnType,
  render?: (args: string[]) => string,
): FunctionDef {
  const def: FunctionDef = {
    signature,
    arity,
    compile(args) {
      for (const [i, a] of args.entries()) expect(name, def, i, a, check[Math.min(i, check.length - 1)]!);
      return {
        sql: render ? render(args.map((a) => a.sql)) : `${name}(${args.map((a) => a.sql).join(', ')})`,
        type: result(args),
      };
    },
  };
  return def;
}

const resultOf = (args: TypedSql[]): ColumnType => (args[0]!.type === 'null' ? 'integer' : args[0]!.type);

/**
 * The most a constant may shift a date: 100,000 days (about 273 years) in each unit. Further, the
 * result leaves the range of DuckDB's timestamps (its date arithmetic goes through them) and the
 * engines fail at run time ("Date and time not in timestamp range") instead of at validation.
 */
export const MAX_DATE_SHIFT_DAYS = 100_000;
const DAYS_PER: Record<DatePart, number> = {
  day: 1,
  week: 7,
  month: 31,
  year: 366,
  hour: 1 / 24,
  minute: 1 / 1440,
  second: 1 / 86_400,
};

function dateAdd(unit: DatePart, name: string): FunctionDef {
  const def: FunctionDef = {
    signature: `${name}(date|timestamp, integer)`,
    arity: [2, 2],
    compile(args, scope) {
      expect(name, def, 0, args[0]!, temporal);
      expect(name, def, 1, args[1]!, int);
      const n = args[1]!.constant;
      const max = Math.floor(MAX_DATE_SHIFT_DAYS / DAYS_PER[unit]);
      if (n !== undefined && Math.abs(n) > max)
        throw new QueryError(
          `${name}: ${n} ${unit}s is out of the range of dates; shift by at most ${max.toLocaleString('en-US')} ${unit}s (about 273 years) either way`,
        );
      let type = args[0]!.type === 'date' ? 'date' : 'timestamp';
      if (type === 'date' && (unit === 'hour' || unit === 'minute')) type = 'timestamp';
      const x = type === 'timestamp' && args[0]!.type === 'date' ? `CAST(${args[0]!.sql} AS TIMESTAMP)` : args[0]!.sql;
      return {
        sql: scope.env.dialect.dateAdd(unit, args[1]!.sql, x, type as 'date' | 'timestamp'),
        type: type as ColumnType,
      };
    },
  };
  return def;
}

function dateDiff(unit: DatePart, name: string): FunctionDef {
  const def: FunctionDef = {
    signature: `${name}(date|timestamp, date|timestamp): whole ${unit}s from the first to the second`,
    arity: [2, 2],
    compile(args, scope) {
      for (const [i, a] of args.entries()) expect(name, def, i, a, temporal);
      const mixed = args[0]!.type !== args[1]!.type || unit === 'hour' || unit === 'minute';
      const [a, b] = args.map((x) => (mixed && x.type === 'date' ? `CAST(${x.sql} AS TIMESTAMP)` : x.sql));
      return { sql: `CAST(${scope.env.dialect.dateDiff(unit, a!, b!)} AS BIGINT)`, type: 'integer' };
    },
  };
  return def;
}

function cast(name: string, to: ColumnType): FunctionDef {
  return {
    signature: `${name}(any)`,
    arity: [1, 1],
    compile(args, scope) {
      // The date of a timestamp is its date in the campaign's time zone.
      const x = to === 'date' ? local(args[0]!, scope) : args[0]!.sql;
      return { sql: scope.env.dialect.tryCast(x, sqlType(to)), type: to };
    },
  };
}

/**
 * A timestamp (UTC in the data) as the wall clock of the campaign's time zone, the zone of relative
 * dates and today(): day(), hour(), date()... of a timestamp are the zone's. A date has no zone.
 */
function local(arg: TypedSql, scope: Scope): string {
  const tz = scope.env.timezone;
  if (arg.type !== 'timestamp' || tz === 'UTC' || tz === 'Etc/UTC') return arg.sql;
  return scope.env.dialect.inTimeZone(arg.sql, tz);
}

/** A part of a date or a timestamp (its year, day, hour, date...), in the campaign's time zone. */
function part(
  name: string,
  signature: string,
  sql: (x: string, scope: Scope) => string,
  type: ColumnType = 'integer',
): FunctionDef {
  const def: FunctionDef = {
    signature,
    arity: [1, 1],
    compile(args, scope) {
      expect(name, def, 0, args[0]!, temporal);
      return { sql: sql(local(args[0]!, scope), scope), type };
    },
  };
  return def;
}

function variadicSameType(name: string): FunctionDef {
  return {
    signature: `${name}(value, value, ...) with values of one type`,
    arity: [1, 100],
    compile(args) {
      let type: ArgType = 'null';
      for (const a of args) {
        if (a.type === 'null') continue;
        const u: ArgType | undefined = type === 'null' ? a.type : unify(type, a.type);
        if (!u) throw new QueryError(`${name}: cannot mix ${type} and ${a.type}`);
        type = u;
      }
      return { sql: `${name}(${args.map((a) => a.sql).join(', ')})`, type: type === 'null' ? 'string' : type };
    },
  };
}

export const FUNCTIONS: Record<string, FunctionDef> = {
  lower: simple('lower', 'lower(string)', [1, 1], [str], () => 'string'),
  upper: simple('upper', 'upper(string)', [1, 1], [str], () => 'string'),
  trim: simple('trim', 'trim(string)', [1, 1], [str], () => 'string'),
  length: simple(
    'length',
    'length(string)',
    [1, 1],
    [str],
    () => 'integer',
    ([a]) => `CAST(length(${a}) AS BIGINT)`,
  ),
  substr: simple('substr', 'substr(string, start integer[, length integer])', [2, 3], [str, int], () => 'string'),
  replace: simple('replace', 'replace(string, search string, replacement string)', [3, 3], [str], () => 'string'),
  concat: {
    signature: 'concat(value, ...)',
    arity: [1, 100],
    compile: (args) => ({
      sql: `concat(${args.map((a) => (a.type === 'string' ? a.sql : `CAST(${a.sql} AS VARCHAR)`)).join(', ')})`,
      type: 'string',
    }),
  },
  coalesce: variadicSameType('coalesce'),
  nullif: simple('nullif', 'nullif(value, value)', [2, 2], [() => true], resultOf),
  abs: simple('abs', 'abs(number)', [1, 1], [numeric], resultOf),
  round: simple('round', 'round(number[, digits integer])', [1, 2], [numeric, int], resultOf),
  floor: simple('floor', 'floor(number)', [1, 1], [numeric], resultOf),
  ceil: simple('ceil', 'ceil(number)', [1, 1], [numeric], resultOf),
  year: part('year', 'year(date|timestamp)', (x) => `CAST(year(${x}) AS BIGINT)`),
  month: part('month', 'month(date|timestamp)', (x) => `CAST(month(${x}) AS BIGINT)`),
  day: part('day', 'day(date|timestamp)', (x) => `CAST(day(${x}) AS BIGINT)`),
  hour: part('hour', 'hour(timestamp)', (x) => `CAST(hour(${x}) AS BIGINT)`),
  dayofweek: part(
    'dayOfWeek',
    'dayOfWeek(date|timestamp): 1 = Monday … 7 = Sunday',
    (x, scope) => `CAST(${scope.env.dialect.dayOfWeek(x)} AS BIGINT)`,
  ),
  dayofyear: part(
    'dayOfYear',
    'dayOfYear(date|timestamp)',
    (x, scope) => `CAST(${scope.env.dialect.dayOfYear(x)} AS BIGINT)`,
  ),
  date: part('date', 'date(timestamp)', (x) => `CAST(${x} AS DATE)`, 'date'),
  today: {
    signature: 'today(): the run date in the campaign time zone',
    arity: [0, 0],
    compile: (_args, scope) => ({
      sql: literal(formatDate(localDate(scope.env.now, scope.env.timezone)), 'date'),
      type: 'date',
    }),
  },
  now: {
    signature: 'now(): the run start time (UTC)',
    arity: [0, 0],
    compile: (_args, scope) => ({ sql: literal(formatUtcTimestamp(scope.env.now), 'timestamp'), type: 'timestamp' }),
  },
  adddays: dateAdd('day', 'addDays'),
  addweeks: dateAdd('week', 'addWeeks'),
  addmonths: dateAdd('month', 'addMonths'),
  addyears: dateAdd('year', 'addYears'),
  addhours: dateAdd('hour', 'addHours'),
  addminutes: dateAdd('minute', 'addMinutes'),
  daysbetween: dateDiff('day', 'daysBetween'),
  weeksbetween: dateDiff('week', 'weeksBetween'),
  monthsbetween: dateDiff('month', 'monthsBetween'),
  yearsbetween: dateDiff('year', 'yearsBetween'),
  hoursbetween: dateDiff('hour', 'hoursBetween'),
  minutesbetween: dateDiff('minute', 'minutesBetween'),
  age: {
    signature: 'age(date): whole years from the date to the run date',
    arity: [1, 1],
    compile(args, scope) {
      expect('age', this, 0, args[0]!, temporal);
      const today = literal(formatDate(localDate(scope.env.now, scope.env.timezone)), 'date');
      const a = args[0]!.type === 'timestamp' ? `CAST(${local(args[0]!, scope)} AS DATE)` : args[0]!.sql;
      return { sql: `CAST(${scope.env.dialect.dateDiff('year', a, today)} AS BIGINT)`, type: 'integer' };
    },
  },
  tostring: cast('toString', 'string'),
  tointeger: cast('toInteger', 'integer'),
  todecimal: cast('toDecimal', 'decimal'),
  todouble: cast('toDouble', 'double'),
  todate: cast('toDate', 'date'),
  totimestamp: cast('toTimestamp', 'timestamp'),
};
