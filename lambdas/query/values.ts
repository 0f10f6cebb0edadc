/**
 * Rule values (literals, variables, relative dates, periods) turned into SQL literals of the type
 * a condition expects. Values become SQL only through `literal`; a value that cannot be one is
 * thrown as a QueryError at the value's path.
 */
import { literal, literalProblem } from '../sql/literal.js';
import { comparable, type ColumnType } from '../sql/types.js';
import { didYouMean, type PathPart } from '../util/issues.js';
import { QueryError, type QueryLocation } from './problems.js';
import { PERIOD_PRESETS, RELATIVE_KEYWORDS, type PeriodPreset, type TimeUnit } from './rules.js';
import type { Scope } from './scope.js';
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

/** `literal(value, type)`; a value it refuses is thrown as a QueryError at `at` (prefixed with `what`). */
export function checkedLiteral(value: unknown, type: ColumnType, at: QueryLocation, what?: string): string {
  const problem = value === null ? undefined : literalProblem(value, type);
  if (problem) throw new QueryError(what ? `${what}: ${problem}` : problem, at);
  return literal(value, type);
}

/** The SQL type a value of a column type is cast to; sums of decimals get the room of 38 digits. */
export function sqlName(type: ColumnType): string {
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

/** Turns the value of a condition, at `path`, into SQL literals of the expected type. */
export class Values {
  constructor(
    private readonly scope: Scope,
    private readonly path: readonly PathPart[],
  ) {}

  /** Where a problem is: the value, or its `index`-th item. */
  private at(index?: number): QueryLocation {
    return { path: index === undefined ? this.path : [...this.path, index] };
  }

  private get today(): Ymd {
    return localDate(this.scope.env.now, this.scope.env.timezone);
  }

  /** A variable's value (or, when validating, a typed placeholder). */
  private variable(name: string, type: ColumnType, index?: number): string {
    const v = this.scope.env.variables.get(name);
    if (!v)
      throw new QueryError(
        `unknown variable '${name}'.${didYouMean(name, this.scope.env.variables.keys())}`,
        this.at(index),
      );
    if (!comparable(v.type, type))
      throw new QueryError(`variable '${name}' is a ${v.type}; a ${type} is expected here`, this.at(index));
    if (v.value === undefined) return `CAST(NULL AS ${sqlName(type)})`;
    if (v.value === null) return `CAST(NULL AS ${sqlName(type)})`;
    return this.literalOf(v.value, type, index, `variable '${name}'`);
  }

  private literalOf(value: unknown, type: ColumnType, index: number | undefined, what = 'value'): string {
    if (typeof value === 'string' && value.includes('\u0000') && type !== 'string')
      throw new QueryError(`${what} contains a NUL character`, this.at(index));
    return checkedLiteral(value, type, this.at(index), what);
  }

  scalar(value: unknown, type: ColumnType, index?: number): string {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const obj = value as Record<string, unknown>;
      if (typeof obj.variable === 'string') return this.variable(obj.variable, type, index);
      if ('ago' in obj || 'ahead' in obj)
        return this.relative(obj as { ago?: number; ahead?: number; unit: TimeUnit }, type, index);
      throw new QueryError(
        `a ${type} value is expected here, not a period; use the 'within' operator for periods`,
        this.at(index),
      );
    }
    if (Array.isArray(value)) throw new QueryError(`one ${type} value is expected, not a list`, this.at(index));
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
      throw new QueryError(`expected a whole number, got ${value}`, this.at(index));
    return this.literalOf(value, type, index);
  }

  private relative(v: { ago?: number; ahead?: number; unit: TimeUnit }, type: ColumnType, index?: number): string {
    if (type !== 'date' && type !== 'timestamp')
      throw new QueryError(`relative dates apply to dates and timestamps, not to a ${type}`, this.at(index));
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
      if (m && literalProblem(value, 'date') === undefined) return { y: +m[1]!, m: +m[2]!, d: +m[3]! };
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
        throw new QueryError(
          `'${value}' is not a period; use one of ${PERIOD_PRESETS.join(', ')}, or { last: N, unit: days } / { next: N, unit: days }.${didYouMean(value, PERIOD_PRESETS)}`,
          this.at(),
        );
      }
      const r = presetRange(value as PeriodPreset, this.today);
      return dates(r.from, r.to);
    }
    if (value && typeof value === 'object' && ('last' in value || 'next' in value)) {
      const v = value as { last?: number; next?: number; unit: TimeUnit };
      if (v.unit === 'minutes' || v.unit === 'hours') {
        if (type === 'date')
          throw new QueryError(`a date has no time of day: use days, weeks, months or years`, this.at());
        const a = v.last !== undefined ? shiftInstant(env.now, -v.last, v.unit, env.timezone) : env.now;
        const b = v.last !== undefined ? env.now : shiftInstant(env.now, v.next!, v.unit, env.timezone);
        return { from: literal(formatUtcTimestamp(a), 'timestamp'), to: literal(formatUtcTimestamp(b), 'timestamp') };
      }
      return v.last !== undefined
        ? dates(shiftDate(this.today, -v.last, v.unit), addDays(this.today, 1))
        : dates(this.today, addDays(shiftDate(this.today, v.next!, v.unit), 1));
    }
    throw new QueryError(
      `within needs a period: ${PERIOD_PRESETS.join(', ')}, or { last: N, unit: days } / { next: N, unit: days }`,
      this.at(),
    );
  }
}
