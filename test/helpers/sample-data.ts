/** The shared sample data set of a test run (made once by ./global-sample-data.ts). */
import { chmodSync, cpSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
// The type of inject('sampleData') (declared where it is provided).
import type {} from './global-sample-data.js';

/**
 * A fresh data folder (its own work tables and run store) whose catalog/ is the shared sample data,
 * linked, read-only; incoming/ is copied (a few KB), since Load file refuses files whose real path
 * is outside the data folder.
 */
export function sampleDataFolder(prefix = 'orca-data-'): string {
  const shared = inject('sampleData');
  const dir = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(join(shared, 'catalog'), join(dir, 'catalog'), 'dir');
  // Its folders stay writable (the shared ones are read-only), so that the test can remove its data folder.
  cpSync(join(shared, 'incoming'), join(dir, 'incoming'), { recursive: true });
  chmodFolders(join(dir, 'incoming'));
  return dir;
}

function chmodFolders(dir: string): void {
  chmodSync(dir, 0o755);
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) chmodFolders(join(dir, e.name));
}
