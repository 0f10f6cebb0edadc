/** The shared sample data set of a test run (made once by ./global-sample-data.ts). */
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
// The type of inject('sampleData') (declared where it is provided).
import type {} from './global-sample-data.js';

/**
 * A fresh data folder (its own work tables and run store) whose catalog/ and incoming/ are the
 * shared sample data, linked, read-only.
 */
export function sampleDataFolder(prefix = 'orca-data-'): string {
  const shared = inject('sampleData');
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const name of ['catalog', 'incoming']) symlinkSync(join(shared, name), join(dir, name), 'dir');
  return dir;
}
