/** Runs small campaigns through the whole embedded stack (local Step Functions, DuckDB, dynalite). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalog } from '../../lambdas/catalog/catalog.js';
import { validateCampaign } from '../../statemachines/validate.js';
import { compileCampaign } from '../../statemachines/compile.js';
import { LocalRuntime, type RunOptions } from '../../runtime/local-runtime.js';
import type { RunRecord, TransitionRecord } from '../../lambdas/ports/store.js';

export interface CampaignRun {
  run: RunRecord;
  /** Rows of the transition leaving `from` by `output` (main by default), sorted by `key`. */
  rows(from: string, output?: string, key?: string): Promise<Record<string, unknown>[]>;
  ids(from: string, output?: string): Promise<number[]>;
  transition(from: string, output?: string): TransitionRecord | undefined;
  transitions: TransitionRecord[];
  activity(id: string): Promise<{ status: string; error?: string; rows?: number }>;
}

export async function openRuntime(
  catalog: Catalog,
  dataRoot?: string,
): Promise<{ rt: LocalRuntime; dir: string; close: () => Promise<void> }> {
  const dir = dataRoot ?? mkdtempSync(join(tmpdir(), 'orca-rt-'));
  const rt = await LocalRuntime.open({
    dataRoot: dir,
    catalog,
    memoryStore: true,
    waitMs: 0,
    threads: 2,
    memoryLimit: '1GB',
  });
  return {
    rt,
    dir,
    close: async () => {
      await rt.close();
      if (!dataRoot) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Validates (must be valid), compiles and runs a campaign. */
export async function runCampaign(
  rt: LocalRuntime,
  catalog: Catalog,
  doc: Record<string, unknown>,
  options: RunOptions = {},
): Promise<CampaignRun> {
  const full = { id: 'test', label: 'Test', dimension: 'recipients', timezone: 'UTC', ...doc };
  const v = validateCampaign(full, catalog, { now: new Date() });
  if (!v.valid) throw new Error(`invalid test campaign: ${JSON.stringify(v.errors, null, 1)}`);
  const compiled = compileCampaign(v.analysis!);
  const run = await rt.run(compiled.definition, options);
  const transitions = await rt.store.listTransitions(run.runId);
  const find = (from: string, output = 'main') => transitions.find((t) => t.from === from && t.output === output);
  const rows = async (from: string, output = 'main', key = 'id') => {
    const t = find(from, output);
    if (!t) throw new Error(`no transition from ${from}.${output}`);
    if (!t.active || !t.population) return [];
    const r = await rt.engine.preview(t.population, 1_000_000, 0);
    return r.sort(
      (a, b) => (Number(a[key]) || 0) - (Number(b[key]) || 0) || String(a[key]).localeCompare(String(b[key])),
    );
  };
  return {
    run,
    rows,
    ids: async (from, output) => (await rows(from, output)).map((r) => Number(r.id)),
    transition: find,
    transitions,
    activity: async (id) => (await rt.store.listActivities(run.runId)).find((a) => a.activityId === id)!,
  };
}

/** A linear chain of activities, each feeding the next. */
export function chain(...activities: Array<Record<string, unknown>>): {
  activities: Array<Record<string, unknown>>;
  transitions: Array<Record<string, unknown>>;
} {
  const acts = [...activities, { id: 'the_end', type: 'end' }];
  return { activities: acts, transitions: acts.slice(1).map((a, i) => ({ from: acts[i]!.id, to: a.id })) };
}
