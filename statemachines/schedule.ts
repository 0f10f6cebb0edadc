/**
 * Triggers as EventBridge Scheduler schedules: each recurring trigger maps to one expression (cron,
 * rate or at) with a time zone and an optional validity window, except a monthly trigger listing
 * 'last' with other days: cron cannot list `L` with other days of the month, so it becomes two
 * expressions (the listed days, and `L`), deployed as two schedules of the campaign. The preview of
 * the next launches is computed from those same expressions, so it shows what will be deployed.
 */
import { CronExpressionParser } from 'cron-parser';
import type { Trigger } from './campaign.js';
import { zonedTimeToUtc, type Ymd } from '../lambdas/query/time.js';

export interface ScheduleSpec {
  /** cron(...), rate(...) or at(...), in EventBridge Scheduler syntax. */
  expression: string;
  /**
   * The last day of the month, when a monthly trigger lists it with other days: a second cron
   * expression, deployed as a second schedule (named with LAST_DAY_SCHEDULE_SUFFIX).
   */
  lastDay?: string;
  timezone: string;
  /** Validity window (UTC instants). */
  start?: Date;
  end?: Date;
}

function hm(at: string): [number, number] {
  const [h, m] = at.split(':').map(Number);
  return [h!, m!];
}

function localInstant(value: string, tz: string, endOfDay: boolean): Date {
  const [date, time] = value.split('T');
  const [y, m, d] = date!.split('-').map(Number);
  const day: Ymd = { y: y!, m: m!, d: d! };
  if (time) {
    const [hh, mi] = hm(time);
    return zonedTimeToUtc(day, tz, hh, mi);
  }
  if (!endOfDay) return zonedTimeToUtc(day, tz);
  const next = new Date(Date.UTC(day.y, day.m - 1, day.d + 1));
  return new Date(
    zonedTimeToUtc({ y: next.getUTCFullYear(), m: next.getUTCMonth() + 1, d: next.getUTCDate() }, tz).getTime() - 1000,
  );
}

/** The schedule of a campaign's trigger, or undefined for triggers that are not scheduled. */
export function scheduleOf(trigger: Trigger, campaignTimezone: string): ScheduleSpec | undefined {
  if (trigger.type === 'manual' || trigger.type === 'asap' || trigger.type === 'signal') return undefined;
  const timezone = trigger.timezone ?? campaignTimezone;
  const window = 'from' in trigger || 'until' in trigger ? trigger : undefined;
  const validity = {
    ...(window && 'from' in window && window.from ? { start: localInstant(window.from, timezone, false) } : {}),
    ...(window && 'until' in window && window.until ? { end: localInstant(window.until, timezone, true) } : {}),
  };
  switch (trigger.type) {
    case 'once': {
      const at = trigger.at.length === 16 ? `${trigger.at}:00` : trigger.at;
      return { expression: `at(${at})`, timezone };
    }
    case 'daily':
      return {
        expression: `cron(${trigger.minute} ${[...trigger.hours].sort((a, b) => a - b).join(',')} * * ? *)`,
        timezone,
        ...validity,
      };
    case 'weekly': {
      const [h, m] = hm(trigger.at);
      return { expression: `cron(${m} ${h} ? * ${trigger.days.join(',')} *)`, timezone, ...validity };
    }
    case 'monthly': {
      const [h, m] = hm(trigger.at);
      const listed = [...new Set(trigger.days.filter((d) => d !== 'last'))].sort((a, b) => a - b);
      if (!trigger.days.includes('last') || !listed.length) {
        const days = trigger.days.map((d) => (d === 'last' ? 'L' : String(d))).join(',');
        return { expression: `cron(${m} ${h} ${days} * ? *)`, timezone, ...validity };
      }
      const expression = `cron(${m} ${h} ${listed.join(',')} * ? *)`;
      const months = lastDayMonths(listed);
      if (!months.length) return { expression, timezone, ...validity };
      const monthField = months.length === 12 ? '*' : months.join(',');
      return { expression, lastDay: `cron(${m} ${h} L ${monthField} ? *)`, timezone, ...validity };
    }
    case 'interval': {
      const unit = trigger.every === 1 ? trigger.unit.slice(0, -1) : trigger.unit;
      return { expression: `rate(${trigger.every} ${unit})`, timezone, ...validity };
    }
  }
}

/**
 * The months in which the last day is not already a listed day (a 31-day month when 31 is listed,
 * a 30-day month when 30 is): the `L` schedule fires in those only. February is left out when both
 * 28 and 29 are listed; with one of them, its last day is a listed day one year in four (or three
 * in four), and the two schedules fire together then (the preview shows one launch).
 */
function lastDayMonths(listed: number[]): number[] {
  const has = (d: number) => listed.includes(d);
  const lengths = [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return lengths.flatMap((len, i) => ((i === 1 ? has(28) && has(29) : has(len)) ? [] : [i + 1]));
}

/** The suffix of the name of a campaign's second schedule (its last-day one); `_` is not in campaign ids. */
export const LAST_DAY_SCHEDULE_SUFFIX = '_last';

/** The schedules a spec is deployed as: a name (from the campaign's) and an expression each. */
export function scheduleParts(name: string, spec: ScheduleSpec): Array<{ name: string; expression: string }> {
  return [
    { name, expression: spec.expression },
    ...(spec.lastDay ? [{ name: `${name}${LAST_DAY_SCHEDULE_SUFFIX}`, expression: spec.lastDay }] : []),
  ];
}

/** The next `count` launch times after `from`, within the validity window (of both schedules, merged). */
export function nextLaunches(spec: ScheduleSpec, from: Date, count = 10): Date[] {
  if (spec.lastDay) {
    const { lastDay, ...rest } = spec;
    const all = [...nextLaunches(rest, from, count), ...nextLaunches({ ...rest, expression: lastDay }, from, count)];
    const unique = [...new Map(all.map((d) => [d.getTime(), d])).values()];
    return unique.sort((a, b) => a.getTime() - b.getTime()).slice(0, count);
  }
  const after = spec.start && spec.start > from ? spec.start : from;
  const within = (d: Date) => !spec.end || d <= spec.end;
  const out: Date[] = [];
  const at = /^at\((.+)\)$/.exec(spec.expression);
  if (at) {
    const d = localInstant(at[1]!.slice(0, 16), spec.timezone, false);
    return d > from && within(d) ? [d] : [];
  }
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(spec.expression);
  if (rate) {
    const step = Number(rate[1]) * { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[rate[2] as 'minute'];
    // A rate schedule first fires at its start (or when it is created), then every step.
    const origin = spec.start ?? from;
    let t = origin.getTime();
    if (t <= from.getTime()) t += Math.ceil((from.getTime() - t + 1) / step) * step;
    for (; out.length < count && within(new Date(t)); t += step) out.push(new Date(t));
    return out;
  }
  const cron = /^cron\((.+)\)$/.exec(spec.expression);
  if (!cron) throw new Error(`not a schedule expression: ${spec.expression}`);
  const [min, hour, dom, month, dow] = cron[1]!.split(' ');
  const it = CronExpressionParser.parse(
    `${min} ${hour} ${dom === '?' ? '*' : dom} ${month} ${dow === '?' ? '*' : dow}`,
    { currentDate: after, tz: spec.timezone },
  );
  while (out.length < count) {
    const next = it.next().toDate();
    if (!within(next)) break;
    out.push(next);
  }
  return out;
}

/** How often a schedule fires at most, in minutes (for the "more often than 15 minutes" warning). */
export function minimumGapMinutes(spec: ScheduleSpec, from = new Date()): number | undefined {
  const times = nextLaunches(spec, from, 50);
  if (times.length < 2) return undefined;
  let gap = Infinity;
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, (times[i]!.getTime() - times[i - 1]!.getTime()) / 60_000);
  return gap;
}

/** Why a schedule cannot be deployed now (it would never fire), or undefined. */
export function scheduleProblem(spec: ScheduleSpec, now: Date): string | undefined {
  return nextLaunches(spec, now, 1).length
    ? undefined
    : 'the schedule has no launch after now (a past date, or a validity window that has ended); change the trigger';
}

/** The validity window as EventBridge Scheduler takes it: it refuses a start date in the past (a window already open). */
export function schedulerWindow(spec: ScheduleSpec, now: Date): { start?: Date; end?: Date } {
  return { ...(spec.start && spec.start > now ? { start: spec.start } : {}), ...(spec.end ? { end: spec.end } : {}) };
}

/** A one-off schedule (at(...)): fires once. */
export const isOneOff = (spec: ScheduleSpec): boolean => spec.expression.startsWith('at(');
