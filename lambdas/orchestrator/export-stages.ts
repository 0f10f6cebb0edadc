/**
 * The stages of an export job, one Task state each (statemachines/export-job.ts): read (what is
 * exported: the table's current version or the audience's rows, and how many rows), write (the
 * engine writes them into the job's folder), finish (the file becomes the export's `out` in one
 * step). Each stage looks at the job's status first, so that pause and cancel act between stages;
 * a job that does not finish leaves no file: its folder is removed, and `out` is written only by
 * the last step.
 */
import type { Catalog } from '../catalog/catalog.js';
import {
  csvLineSelect,
  type ExportStage,
  exportCountSelect,
  exportSelect,
  exportStatement,
  exportTarget,
  headerLine,
} from '../imports/export-plan.js';
import { checkedLocation } from '../layout.js';
import type { Population, SavedAudience } from '../sql/population.js';
import type { Column } from '../sql/types.js';
import type { ExportEngine, ExportRecord, ExportStore, ImportStore } from '../ports/imports.js';
import { ActivityError } from './errors.js';
import { betweenStages } from './import-actions.js';
import { currentVersion } from './import-versions.js';
import type { Next } from './import-stages.js';

export interface ExportDeps {
  store: ExportStore;
  engine: ExportEngine;
  catalog: Catalog;
  /** The tables' current versions (import jobs and update data activities swap them). */
  versions: Pick<ImportStore, 'getVersions'>;
  audiences: { getAudience(name: string): Promise<SavedAudience | undefined> };
}

const now = () => new Date().toISOString();

export async function runExportStage(deps: ExportDeps, jobId: string, stage: ExportStage): Promise<{ next: Next }> {
  const job = await deps.store.getJob(jobId);
  if (!job) throw new Error(`no export job ${jobId}`);
  const end = async (status: 'cancelled' | 'finishedWithErrors', message: string, error?: string) => {
    await deps.engine.remove(job.work);
    await deps.store.updateJob(jobId, { status, endedAt: now(), ...(error ? { error } : {}) });
    await deps.store.journal(jobId, { at: now(), kind: error ? 'error' : 'info', stage, message });
    return { next: 'end' as const };
  };
  if (job.status === 'cancelling') return end('cancelled', `cancelled before ${stage}: no file written`);
  const held = await betweenStages(deps.store, job, stage, now());
  if (held) return { next: held };
  const started = performance.now();
  try {
    const patch = await STAGES[stage](deps, job);
    await Promise.all([
      deps.store.updateJob(jobId, { ...patch, counts: { ...job.counts, ...patch.counts }, stage }),
      deps.store.journal(jobId, {
        at: now(),
        kind: 'stage',
        stage,
        message: patch.message,
        durationMs: Math.round(performance.now() - started),
        counts: patch.counts ?? {},
      }),
    ]);
    if (stage !== 'finish') return { next: 'go' };
    await deps.store.updateJob(jobId, { status: 'finished', endedAt: now() }, ['running', 'pausing', 'cancelling']);
    return { next: 'end' };
  } catch (e) {
    const latest = await deps.store.getJob(jobId);
    if (latest?.status === 'cancelling') return end('cancelled', `cancelled during ${stage}: no file written`);
    const message = (e as Error).message;
    return end('finishedWithErrors', message, message);
  }
}

type Patch = Partial<ExportRecord> & { message: string; counts?: ExportRecord['counts'] };

/** The exported columns with their types: the catalog table's, or the saved audience's. */
function columnsOf(deps: ExportDeps, job: ExportRecord): Column[] {
  const source = job.source!;
  const types = new Map<string, Column['type']>(
    source.population
      ? source.population.columns.map((c) => [c.name, c.type])
      : [...deps.catalog.table(job.definition.table!)!.columns.values()].map((c) => [c.name, c.type]),
  );
  return source.columns.map((name) => ({ name, type: types.get(name) ?? 'string' }));
}

/** The FROM item of what the read stage found. */
function relation(deps: ExportDeps, job: ExportRecord): string {
  const source = job.source!;
  if (source.population) return deps.engine.dialect.workTable(source.population);
  const table = deps.catalog.table(job.definition.table!)!;
  return deps.engine.dialect.catalogTable({
    ...table,
    location: checkedLocation(source.location, 'the table version'),
  });
}

const STAGES: Record<ExportStage, (deps: ExportDeps, job: ExportRecord) => Promise<Patch>> = {
  async read(deps, job) {
    const def = job.definition;
    let source: NonNullable<ExportRecord['source']>;
    let available: string[];
    if (def.table !== undefined) {
      const table = deps.catalog.table(def.table);
      if (!table) throw new ActivityError(`export ${def.name}: table: unknown table '${def.table}' in the catalog`);
      available = [...table.columns.keys()];
      const { location } = await currentVersion(deps.versions, table);
      source = { location, columns: def.columns ?? available, key: table.primaryKey };
    } else {
      const saved = await deps.audiences.getAudience(def.audience!);
      if (!saved)
        throw new ActivityError(
          `export ${def.name}: audience: audience '${def.audience}' does not exist yet; run the campaign that saves it first`,
        );
      const population: Population = saved.population;
      available = population.columns.map((c) => c.name);
      source = { location: population.location, columns: def.columns ?? available, key: available[0], population };
    }
    const missing = source.columns.findIndex((c) => !available.includes(c));
    if (missing >= 0)
      throw new ActivityError(
        `export ${def.name}: columns[${missing}]: '${source.columns[missing]}' is not a column of ${job.table}; it has: ${available.join(', ')}`,
      );
    const rows = Number((await deps.engine.rows(exportCountSelect(relation(deps, { ...job, source }))))[0]!.n);
    return { source, counts: { rows }, message: `${rows} row(s) of ${job.table} to write` };
  },

  async write(deps, job) {
    const def = job.definition;
    const source = job.source!;
    await deps.engine.prepareFolder(job.work);
    const from = relation(deps, job);
    // UNLOAD's TEXTFILE does not quote: the cloud writes whole CSV lines (export-plan.ts).
    const select =
      def.format === 'csv' && deps.engine.dialect.name !== 'duckdb'
        ? csvLineSelect(deps.engine.dialect, from, columnsOf(deps, job), source.key, def.delimiter)
        : exportSelect(from, source.columns, source.key);
    const target = deps.engine.url(exportTarget(deps.engine.dialect, job.work, def.format));
    await deps.engine.execute(exportStatement(deps.engine.dialect, select, target, def));
    return { message: `wrote ${job.counts?.rows ?? 0} row(s) as ${def.format.toUpperCase()}` };
  },

  async finish(deps, job) {
    const def = job.definition;
    // UNLOAD writes no header: the engine that needs one puts it first.
    const header =
      def.format === 'csv' && def.header && deps.engine.dialect.name !== 'duckdb'
        ? headerLine(job.source!.columns, def.delimiter)
        : undefined;
    const bytes = await deps.engine.publish(job.work, job.out, header);
    await deps.engine.remove(job.work);
    return { counts: { bytes }, message: `${job.out}: ${bytes} byte(s)` };
  },
};
