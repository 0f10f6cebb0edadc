/**
 * The registry of activity types: one module per type. The campaign's activity type (`ActivityDef`,
 * a union discriminated by `type`) is derived from it, so adding a type is one module file, its
 * test file and one line here.
 */
import { ActivityError } from '../util/errors.js';
import { alert } from './alert.js';
import { andJoin } from './and-join.js';
import { buildAudience } from './build-audience.js';
import { changeDimension } from './change-dimension.js';
import { email, push, sms } from './channels.js';
import { combine } from './combine.js';
import { deduplication } from './deduplication.js';
import { end } from './end.js';
import { enrichment } from './enrichment.js';
import { fork } from './fork.js';
import type { ActivityModule } from './framework.js';
import { incrementalQuery } from './incremental-query.js';
import { loadFile } from './load-file.js';
import { readAudience } from './read-audience.js';
import { reconciliation } from './reconciliation.js';
import { saveAudience } from './save-audience.js';
import { split } from './split.js';
import { test } from './test.js';
import { updateData } from './update-data.js';
import { wait } from './wait.js';

export const ACTIVITY_MODULES = [
  buildAudience,
  readAudience,
  incrementalQuery,
  changeDimension,
  combine,
  deduplication,
  enrichment,
  reconciliation,
  split,
  saveAudience,
  loadFile,
  updateData,
  fork,
  andJoin,
  wait,
  test,
  alert,
  end,
  email,
  sms,
  push,
] as const;

type DefOf<M> = M extends ActivityModule<infer A> ? A : never;

/** A campaign's activity, as its module's schema parses it. */
export type ActivityDef = DefOf<(typeof ACTIVITY_MODULES)[number]>;

/** A module over the whole union: its hooks take any activity, and the registry hands each its own type. */
export type AnyActivityModule = ActivityModule<ActivityDef>;

const modules: readonly AnyActivityModule[] = ACTIVITY_MODULES;

export const ACTIVITIES: ReadonlyMap<string, AnyActivityModule> = new Map(modules.map((m) => [m.type, m]));

/** The module of an activity. */
export function moduleOf(a: ActivityDef): AnyActivityModule {
  const m = ACTIVITIES.get(a.type);
  if (!m) throw new ActivityError(`unknown activity type ${a.type}`);
  return m;
}

export type { ActivityModule } from './framework.js';
