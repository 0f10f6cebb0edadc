/**
 * Relative dates ("today", "last 30 days", "this month") are computed here, in JavaScript, from the
 * run's start time in the campaign's time zone, and reach SQL as plain date or timestamp literals.
 * Both engines then see the same constants, queries stay sargable, and a resumed run sees the same
 * dates as an uninterrupted one. Timestamps in the data are taken as UTC.
 */
import type { PeriodPreset, TimeUnit } from './rules.js';

export interface Ymd {
  y: number;
  m: number; // 1-12
  d: number;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function formatDate(x: Ymd): string {
  return `${pad(x.y, 4)}-${pad(x.m)}-${pad(x.d)}`;
}

export function formatUtcTimestamp(t: Date): string {
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

const validZones = new Map<string, boolean>();
/** Whether the IANA zone exists (an Intl formatter is costly to make: each answer is kept). */
export function isValidTimeZone(tz: string): boolean {
  let valid = validZones.get(tz);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      valid = true;
    } catch {
      valid = false;
    }
    if (validZones.size < 1000) validZones.set(tz, valid);
  }
  return valid;
}

const partsCache = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = partsCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partsCache.set(tz, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a time zone. */
export function wallClock(t: Date, tz: string): Ymd & { hh: number; mi: number; ss: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(t)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { y: parts.year!, m: parts.month!, d: parts.day!, hh: parts.hour!, mi: parts.minute!, ss: parts.second! };
}

export function localDate(t: Date, tz: string): Ymd {
  const { y, m, d } = wallClock(t, tz);
  return { y, m, d };
}

/** The instant at which the wall clock in `tz` shows this date at midnight (or the given time). */
export function zonedTimeToUtc(date: Ymd, tz: string, hh = 0, mi = 0): Date {
  const wall = Date.UTC(date.y, date.m - 1, date.d, hh, mi);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const w = wallClock(new Date(guess), tz);
    const shown = Date.UTC(w.y, w.m - 1, w.d, w.hh, w.mi, w.ss);
    const diff = wall - shown;
    if (diff === 0) break;
    guess += diff;
  }
  return new Date(guess);
}

export function addDays(x: Ymd, n: number): Ymd {
  const t = new Date(Date.UTC(x.y, x.m - 1, x.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

export function addMonths(x: Ymd, n: number): Ymd {
  const total = x.y * 12 + (x.m - 1) + n;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { y, m, d: Math.min(x.d, last) };
}

export function shiftDate(x: Ymd, n: number, unit: TimeUnit): Ymd {
  switch (unit) {
    case 'days':
      return addDays(x, n);
    case 'weeks':
      return addDays(x, 7 * n);
    case 'months':
      return addMonths(x, n);
    case 'years':
      return addMonths(x, 12 * n);
    default:
      return x;
  }
}

export function shiftInstant(t: Date, n: number, unit: TimeUnit, tz: string): Date {
  if (unit === 'minutes') return new Date(t.getTime() + n * 60_000);
  if (unit === 'hours') return new Date(t.getTime() + n * 3_600_000);
  // Calendar units move the wall clock, so "1 month ago" is the same time of day a month before.
  const w = wallClock(t, tz);
  const date = shiftDate(w, n, unit);
  return zonedTimeToUtc(date, tz, w.hh, w.mi);
}

function isoWeekday(x: Ymd): number {
  const dow = new Date(Date.UTC(x.y, x.m - 1, x.d)).getUTCDay();
  return dow === 0 ? 7 : dow;
}

/** A half-open range of local dates [from, to). */
export interface DateRange {
  from: Ymd;
  to: Ymd;
}

export function presetRange(preset: PeriodPreset, today: Ymd): DateRange {
  const monday = addDays(today, 1 - isoWeekday(today));
  const first = { y: today.y, m: today.m, d: 1 };
  const jan1 = { y: today.y, m: 1, d: 1 };
  switch (preset) {
    case 'today':
      return { from: today, to: addDays(today, 1) };
    case 'yesterday':
      return { from: addDays(today, -1), to: today };
    case 'tomorrow':
      return { from: addDays(today, 1), to: addDays(today, 2) };
    case 'thisWeek':
      return { from: monday, to: addDays(monday, 7) };
    case 'lastWeek':
      return { from: addDays(monday, -7), to: monday };
    case 'nextWeek':
      return { from: addDays(monday, 7), to: addDays(monday, 14) };
    case 'thisMonth':
      return { from: first, to: addMonths(first, 1) };
    case 'lastMonth':
      return { from: addMonths(first, -1), to: first };
    case 'nextMonth':
      return { from: addMonths(first, 1), to: addMonths(first, 2) };
    case 'thisYear':
      return { from: jan1, to: addMonths(jan1, 12) };
    case 'lastYear':
      return { from: addMonths(jan1, -12), to: jan1 };
    case 'nextYear':
      return { from: addMonths(jan1, 12), to: addMonths(jan1, 24) };
  }
}
