/**
 * globalSetup: the sample data set (`orca generate`), generated once per test run and shared
 * read-only by the files that need it (through `sampleDataFolder()` in ./sample-data.ts). Its files
 * are made read-only, so that a test writing into it fails instead of changing another's data.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { generateSampleData } from '../../sampledata/generate.js';

/** What `orca generate` is given for the test runs. */
export const SAMPLE_DATA = { profiles: 5000, seed: 7 };

declare module 'vitest' {
  export interface ProvidedContext {
    /** The data folder of the shared sample data set: catalog/ (Parquet) and incoming/ (CSV). */
    sampleData: string;
  }
}

function chmodTree(dir: string, writable: boolean): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) chmodTree(p, writable);
    else chmodSync(p, writable ? 0o644 : 0o444);
  }
  chmodSync(dir, writable ? 0o755 : 0o555);
}

export default async function sampleData(project: TestProject): Promise<() => void> {
  const root = mkdtempSync(join(tmpdir(), 'orca-sample-'));
  const r = await generateSampleData({ dataRoot: root, ...SAMPLE_DATA });
  for (const shared of ['catalog', 'incoming']) chmodTree(join(root, shared), false);
  console.log(`sample data: ${r.rows.recipients} profiles in ${root} (${r.seconds.toFixed(1)} s)`);
  project.provide('sampleData', root);
  return () => {
    for (const shared of ['catalog', 'incoming']) chmodTree(join(root, shared), true);
    rmSync(root, { recursive: true, force: true });
  };
}
