/** The registry of activity types: one module per type. */
import type { ActivityModule } from './framework.js';
import { buildAudience } from './build-audience.js';
import { readAudience } from './read-audience.js';
import { incrementalQuery } from './incremental-query.js';
import { changeDimension } from './change-dimension.js';
import { combine } from './combine.js';
import { deduplication } from './deduplication.js';
import { enrichment } from './enrichment.js';
import { reconciliation } from './reconciliation.js';
import { split } from './split.js';
import { saveAudience } from './save-audience.js';
import { loadFile } from './load-file.js';
import { fork } from './fork.js';
import { andJoin } from './and-join.js';
import { wait } from './wait.js';
import { test } from './test.js';
import { alert } from './alert.js';
import { end } from './end.js';
import { email, sms, push } from './channels.js';

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
  fork,
  andJoin,
  wait,
  test,
  alert,
  end,
  email,
  sms,
  push,
] as unknown as ActivityModule[];

export const ACTIVITIES: ReadonlyMap<string, ActivityModule> = new Map(ACTIVITY_MODULES.map((m) => [m.type, m]));

export type { ActivityModule } from './framework.js';
