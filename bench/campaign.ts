/**
 * Benchmark: the reference campaign (examples/winback.yaml: build audience with a link condition,
 * combine exclusion, deduplication, enrichment with a filtered aggregate, split with limits and a
 * complement, save audience, test, alert, end) on N generated profiles, against one hand-written
 * DuckDB script (bench/reference.sql) computing the same audiences. Checks that both agree, and
 * prints per-activity times, peak memory and the summary line.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadCatalog } from '../lambdas/catalog/catalog.js';
import { readDocument } from '../lambdas/util/files.js';
import { validateCampaign } from '../statemachines/validate.js';
import { compileCampaign } from '../statemachines/compile.js';
import { LocalRuntime } from '../runtime/local-runtime.js';
import { newRunId } from '../lambdas/orchestrator/run-id.js';
import { generateSampleData } from '../sampledata/generate.js';
import {
  addDays,
  formatDate,
  formatUtcTimestamp,
  localDate,
  shiftDate,
  zonedTimeToUtc,
} from '../lambdas/query/time.js';

export interface CampaignBenchOptions {
  root: string;
  profiles: number;
  dataRoot: string;
  threads: number;
  memoryLimit: string;
  log: (line: string) => void;
}

export interface CampaignBenchResult {
  totalS: number;
  rawS: number;
  ratio: number;
  peakMb: number;
  activities: number;
  counts: Record<string, number>;
}

/** Samples the resident set size of the process (DuckDB's native memory included). */
function memorySampler(): { stop: () => number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

export async function ensureData(dataRoot: string, profiles: number, log: (s: string) => void): Promise<void> {
  const marker = join(dataRoot, 'bench-data.json');
  const asOf = new Date().toISOString().slice(0, 10);
  const want = JSON.stringify({ profiles, seed: 42, asOf });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === want) return;
  log(`generating ${profiles.toLocaleString('en-US')} profiles in ${dataRoot} (not timed)…`);
  rmSync(dataRoot, { recursive: true, force: true });
  mkdirSync(dataRoot, { recursive: true });
  const g = await generateSampleData({ dataRoot, profiles, seed: 42, asOf });
  log(
    `  ${Object.entries(g.rows)
      .map(([t, n]) => `${n.toLocaleString('en-US')} ${t}`)
      .join(', ')} in ${g.seconds.toFixed(1)} s`,
  );
  writeFileSync(marker, want);
}

export async function benchCampaign(o: CampaignBenchOptions): Promise<CampaignBenchResult> {
  await ensureData(o.dataRoot, o.profiles, o.log);
  const catalog = loadCatalog(join(o.root, 'examples/catalog.yaml'));
  const validation = validateCampaign(readDocument(join(o.root, 'examples/winback.yaml')), catalog);
  if (!validation.valid) throw new Error('the reference campaign is invalid');
  const compiled = compileCampaign(validation.analysis!);
  const activities = validation.analysis!.nodes.size;

  // orca
  rmSync(join(o.dataRoot, 'work'), { recursive: true, force: true });
  rmSync(join(o.dataRoot, 'audiences'), { recursive: true, force: true });
  const runtime = await LocalRuntime.open({
    dataRoot: o.dataRoot,
    catalog,
    threads: o.threads,
    memoryLimit: o.memoryLimit,
    memoryStore: true,
  });
  const runId = newRunId();
  const memory = memorySampler();
  const t0 = performance.now();
  const run = await runtime.run(compiled.definition, { runId });
  const totalS = (performance.now() - t0) / 1000;
  if (run.status !== 'completed') throw new Error(`the run ${run.status}: ${run.error}`);
  const acts = await runtime.store.listActivities(runId);
  const logs = await runtime.store.listLogs(runId);
  const queryMs = new Map(logs.filter((l) => l.activity && l.sql).map((l) => [l.activity!, l.durationMs ?? 0]));
  o.log(`orca: ${activities} activities in ${totalS.toFixed(2)} s`);
  for (const a of acts.sort((x, y) => (x.startedAt ?? '~').localeCompare(y.startedAt ?? '~'))) {
    const wall = a.startedAt && a.endedAt ? Date.parse(a.endedAt) - Date.parse(a.startedAt) : 0;
    o.log(
      `  ${a.activityId.padEnd(14)} ${a.type.padEnd(16)} ${a.status.padEnd(8)} ${String(a.rows ?? '').padStart(10)} rows  ${String(wall).padStart(6)} ms${queryMs.has(a.activityId) ? `  (query ${Math.round(queryMs.get(a.activityId)!)} ms)` : ''}`,
    );
  }
  const saved = Object.fromEntries(
    await Promise.all(
      ['vip', 'regular', 'control'].map(async (n) => [n, (await runtime.store.getAudience(`winback-${n}`))!] as const),
    ),
  );
  const audiences = Object.fromEntries(Object.entries(saved).map(([n, a]) => [n, a.population.rows]));
  await runtime.close();

  // hand-written SQL, same engine settings
  const out = join(o.dataRoot, 'raw');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const now = new Date(run.startedAt);
  const tz = 'Europe/Paris';
  const today = localDate(now, tz);
  const ts = (d: ReturnType<typeof localDate>) => formatUtcTimestamp(zonedTimeToUtc(d, tz));
  const script = readFileSync(join(o.root, 'bench/reference.sql'), 'utf8')
    .replaceAll('{root}', o.dataRoot)
    .replaceAll('{out}', out)
    .replaceAll('{seed}', runId)
    .replaceAll('{today}', formatDate(today))
    .replaceAll('{tomorrow}', ts(addDays(today, 1)))
    .replaceAll('{since180}', ts(shiftDate(today, -180, 'days')))
    .replaceAll('{since2y}', ts(shiftDate(today, -2, 'years')));
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(o.threads),
    memory_limit: o.memoryLimit,
    temp_directory: join(o.dataRoot, 'tmp', 'raw'),
    preserve_insertion_order: 'false',
  });
  const db = await instance.connect();
  const t1 = performance.now();
  await db.run(script);
  const rawS = (performance.now() - t1) / 1000;
  o.log(`hand-written SQL: ${rawS.toFixed(2)} s`);

  // Both must give the same audiences, row for row and column for column.
  const counts: Record<string, number> = {};
  for (const name of ['vip', 'regular', 'control']) {
    const cols = saved[name]!.population.columns.map((c) => `"${c.name}"`).join(', ');
    const raw = `(SELECT ${cols} FROM read_parquet('${out}/${name}.parquet'))`;
    const mine = `(SELECT ${cols} FROM read_parquet('${join(o.dataRoot, saved[name]!.population.location)}/orca_output=main/*.parquet'))`;
    const r = (
      await db.runAndReadAll(
        `SELECT (SELECT count(*) FROM ${raw}) AS n, (SELECT count(*) FROM (SELECT * FROM ${raw} EXCEPT SELECT * FROM ${mine})) AS missing, (SELECT count(*) FROM (SELECT * FROM ${mine} EXCEPT SELECT * FROM ${raw})) AS extra`,
      )
    ).getRowObjectsJson()[0]!;
    const n = Number(r.n);
    counts[name] = n;
    if (n !== audiences[name] || Number(r.missing) || Number(r.extra)) {
      throw new Error(
        `audience ${name}: orca ${audiences[name]} rows, hand-written SQL ${n} (${r.missing} missing, ${r.extra} extra)`,
      );
    }
  }
  db.closeSync();
  instance.closeSync();
  const peakMb = memory.stop() / 1024 / 1024;
  o.log(
    `audiences agree, every row and column: ${Object.entries(counts)
      .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
      .join(', ')}`,
  );
  return { totalS, rawS, ratio: totalS / rawS, peakMb, activities, counts };
}

/** Orchestration overhead: the run's wall time minus its queries' time, per activity, on tiny data. */
export async function benchOverhead(o: CampaignBenchOptions): Promise<{ perActivityMs: number; activities: number }> {
  await ensureData(o.dataRoot, o.profiles, o.log);
  const catalog = loadCatalog(join(o.root, 'examples/catalog.yaml'));
  const compiled = compileCampaign(
    validateCampaign(readDocument(join(o.root, 'examples/winback.yaml')), catalog).analysis!,
  );
  const runtime = await LocalRuntime.open({
    dataRoot: o.dataRoot,
    catalog,
    threads: o.threads,
    memoryLimit: o.memoryLimit,
    memoryStore: true,
  });
  const samples: number[] = [];
  let activities = 0;
  for (let i = 0; i < 6; i++) {
    const runId = newRunId();
    const t0 = performance.now();
    await runtime.run(compiled.definition, { runId });
    const wall = performance.now() - t0;
    const logs = await runtime.store.listLogs(runId);
    const queries = logs.filter((l) => l.sql).reduce((s, l) => s + (l.durationMs ?? 0), 0);
    activities = (await runtime.store.listActivities(runId)).length;
    if (i > 0) samples.push((wall - queries) / activities);
  }
  await runtime.close();
  samples.sort((a, b) => a - b);
  return { perActivityMs: samples[Math.floor(samples.length / 2)]!, activities };
}
