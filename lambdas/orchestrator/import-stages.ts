/**
 * The stages of an import job, one Task state each (statemachines/import-job.ts): before running its
 * stage, each looks at the job's status, so that pause and cancel act between stages. A stage that
 * fails, or a reject limit reached, ends the job (finishedWithErrors) with nothing applied: the
 * table changes only at the swap, the last stage, in one step.
 */
import type { Catalog, CatalogTable } from '../catalog/catalog.js';
import { rejectLimitExceeded, type ImportJob } from '../imports/job.js';
import { ImportFileError } from '../imports/read-source.js';
import {
  applySelect,
  canWarn,
  distinctKeysSelect,
  changeCountsSelect,
  doublesSelect,
  firstLinesSelect,
  matchedColumns,
  matchSelect,
  rawRelation,
  rejectCountsSelect,
  rejectsSelect,
  REJECT_COLUMNS,
  typedColumns,
  typeSelect,
  workRef,
  workTarget,
  writeStatement,
  type Stage,
} from '../imports/plan.js';
import type { Population } from '../sql/population.js';
import type { ImportEngine, ImportStore, JobCounts, JobRecord, TableSwitch } from '../ports/imports.js';
import { betweenStages } from './import-actions.js';
import { currentVersion, swapVersion, versionLocation } from './import-versions.js';

export interface ImportDeps {
  store: ImportStore;
  engine: ImportEngine;
  catalog: Catalog;
  tables?: TableSwitch | undefined;
}

/** What the state machine does next: the next stage, wait (paused) and ask again, or end. */
export type Next = 'go' | 'wait' | 'end';

export class RejectLimitReached extends Error {}

const now = () => new Date().toISOString();

function ref(job: JobRecord, stage: string, output: string, columns: Population['columns']): Population {
  return workRef(job.work, stage, output, columns, job.rows?.[stage]?.[output] ?? 0);
}

/** Runs one stage of a job unless its status says otherwise. */
export async function runStage(deps: ImportDeps, jobId: string, stage: Stage): Promise<{ next: Next }> {
  const job = await deps.store.getJob(jobId);
  if (!job) throw new Error(`no import job ${jobId}`);
  if (job.status === 'cancelling') {
    await discard(deps, job);
    await deps.store.updateJob(jobId, { status: 'cancelled', endedAt: now() });
    await deps.store.journal(jobId, {
      at: now(),
      kind: 'info',
      stage,
      message: `cancelled before ${stage}: the table is unchanged`,
    });
    return { next: 'end' };
  }
  const held = await betweenStages(deps.store, job, stage, now());
  if (held) return { next: held };
  const table = deps.catalog.table(job.table);
  const started = performance.now();
  try {
    if (!table) throw new Error(`import job ${job.name}: unknown table '${job.table}' in the catalog`);
    const patch = await STAGE_RUNNERS[stage](deps, job, table);
    const counts = { ...job.counts, ...patch.counts };
    // The stage's work is recorded even when a cancel arrived meanwhile (the next stage acts on it).
    // Two independent writes: the job's record and its journal entry.
    await Promise.all([
      deps.store.updateJob(jobId, { ...patch, counts, stage }),
      deps.store.journal(jobId, {
        at: now(),
        kind: 'stage',
        stage,
        message: patch.message ?? `${stage} done`,
        durationMs: Math.round(performance.now() - started),
        counts: patch.counts ?? {},
      }),
    ]);
    if (stage === 'swap') {
      await Promise.all([
        deps.store.updateJob(jobId, { status: 'finished', endedAt: now() }, ['running', 'pausing', 'cancelling']),
        deps.engine.remove(`${job.work}/source`),
      ]);
      return { next: 'end' };
    }
    return { next: 'go' };
  } catch (e) {
    const latest = await deps.store.getJob(jobId);
    if (latest?.status === 'cancelling') {
      await discard(deps, latest);
      await deps.store.updateJob(jobId, { status: 'cancelled', endedAt: now() });
      await deps.store.journal(jobId, {
        at: now(),
        kind: 'info',
        stage,
        message: `cancelled during ${stage}: the table is unchanged`,
      });
      return { next: 'end' };
    }
    const message = (e as Error).message;
    await discard(deps, job);
    await deps.store.updateJob(jobId, { status: 'finishedWithErrors', endedAt: now(), error: message });
    await deps.store.journal(jobId, {
      at: now(),
      kind: 'error',
      stage,
      message,
      durationMs: Math.round(performance.now() - started),
    });
    return { next: 'end' };
  }
}

/** Removes what the job wrote of the next version (never swapped): the table stays as it was. */
async function discard(deps: ImportDeps, job: JobRecord): Promise<void> {
  const latest = (await deps.store.getJob(job.id)) ?? job;
  if (latest.next && latest.versionAfter === undefined) await deps.engine.remove(latest.next);
}

type Patch = Partial<JobRecord> & { message?: string; counts?: JobCounts };
type Runner = (deps: ImportDeps, job: JobRecord, table: CatalogTable) => Promise<Patch>;

async function materialize(engine: ImportEngine, job: JobRecord, stage: string, select: string) {
  const target = workTarget(job.work, stage);
  await engine.prepareTarget(target);
  return (await engine.execute(engine.materialize(select, target))).rows;
}

const num = (v: unknown): number => Number(v ?? 0);

async function checkLimit(
  engine: ImportEngine,
  store: ImportStore,
  def: ImportJob,
  job: JobRecord,
  rejected: number,
  read: number,
  typed: Population,
  rejects: Population,
) {
  // Without rejects, the first lines are the first (at most 100) typed lines, none rejected.
  const first =
    rejects.rows > 0
      ? (await engine.rows(firstLinesSelect(engine.dialect.workTable(typed), engine.dialect.workTable(rejects))))[0]!
      : { lines: Math.min(100, typed.rows), rejected: 0 };
  const why = rejectLimitExceeded(def, {
    rejected,
    lines: read,
    firstLines: num(first.lines),
    firstRejected: num(first.rejected),
  });
  if (why) {
    await store.updateJob(job.id, { rejects: await writeRejects(engine, def, job, [rejects], undefined) });
    throw new RejectLimitReached(`import job ${def.name}: ${why}; nothing applied (see orca rejects ${job.id})`);
  }
}

async function writeRejects(
  engine: ImportEngine,
  def: ImportJob,
  job: JobRecord,
  rejects: Population[],
  matched: Population | undefined,
): Promise<string> {
  const location = `${job.work}/rejects`;
  const parts = rejects.filter((r) => r.rows > 0).map((r) => engine.dialect.workTable(r));
  const m = matched && matched.rows > 0 ? engine.dialect.workTable(matched) : undefined;
  const select =
    parts.length || m
      ? rejectsSelect(def, parts, m)
      : `SELECT CAST(NULL AS BIGINT) AS line, CAST(NULL AS VARCHAR) AS "column", CAST(NULL AS VARCHAR) AS value, CAST(NULL AS VARCHAR) AS reason WHERE FALSE`;
  await engine.prepareFolder(location);
  await engine.execute(
    writeStatement(engine.dialect, select, engine.url(location), workTarget(job.work, 'rejects').table),
  );
  return location;
}

const STAGE_RUNNERS: Record<Stage, Runner> = {
  async load({ engine, store }, job, table) {
    const base = await currentVersion(store, table);
    const { records, layout } = await engine.loadSource(job.definition, job.work);
    let read = records;
    if (read < 0)
      read = num(
        (
          await engine.rows(`SELECT count(*) AS n FROM ${rawRelation(engine.dialect, job.definition, job.work)} AS r`)
        )[0]!.n,
      );
    return {
      base,
      ...(layout ? { layout } : {}),
      versionBefore: base.version ?? 0,
      counts: { read },
      message: `read ${read} record(s) of ${job.definition.source.file}`,
    };
  },

  async type({ engine, store }, job, table) {
    const def = job.definition;
    const rows = await materialize(
      engine,
      job,
      'type',
      typeSelect(engine.dialect, def, table, rawRelation(engine.dialect, def, job.work, job.layout)),
    );
    const withRows = { ...job, rows: { ...job.rows, type: rows } };
    const typed = ref(withRows, 'type', 'main', typedColumns(def, table));
    const rejects = ref(withRows, 'type', 'rejects', REJECT_COLUMNS);
    const read = job.counts?.read ?? 0;
    // The engine read the file itself: it must have found the records the scan counted.
    if (job.layout && typed.rows + rejects.rows !== read)
      throw new ImportFileError(
        def.name,
        undefined,
        undefined,
        `the file holds ${read} record(s) but ${typed.rows + rejects.rows} were read as CSV (a quoted field spanning lines?): nothing applied`,
      );
    const warnings =
      typed.rows && canWarn(def, table)
        ? num(
            (
              await engine.rows(
                `SELECT count(*) AS n FROM ${engine.dialect.workTable(typed)} AS t WHERE t.orca_warning IS NOT NULL`,
              )
            )[0]!.n,
          )
        : 0;
    const byReason = rejects.rows ? await reasons(engine, rejects) : {};
    await checkLimit(engine, store, def, job, rejects.rows, read, typed, rejects);
    return {
      rows: withRows.rows,
      counts: { typed: typed.rows, warnings, rejected: rejects.rows, rejectedByReason: byReason },
    };
  },

  async doubles({ engine }, job, table) {
    const def = job.definition;
    const typed = ref(job, 'type', 'main', typedColumns(def, table));
    const cols = typedColumns(def, table).filter((c) => c.name !== 'orca_warning');
    if (typed.rows === 0) return { rows: { ...job.rows, doubles: {} }, counts: { doubles: 0 } };
    // One count: as many keys as lines, no doubles, and the match stage reads the typed lines as they are.
    const keys = num(
      (await engine.rows(distinctKeysSelect(def, engine.dialect.workTable({ ...typed, columns: cols }))))[0]!.n,
    );
    if (keys === typed.rows)
      return { rows: { ...job.rows, doubles: {} }, uniqueKeys: true, counts: { doubles: 0 }, message: 'no doubles' };
    const rows = await materialize(
      engine,
      job,
      'doubles',
      doublesSelect(def, table, engine.dialect.workTable({ ...typed, columns: cols })),
    );
    const dup = rows.rejects ?? 0;
    return {
      rows: { ...job.rows, doubles: rows },
      counts: {
        doubles: (rows.doubles ?? 0) + dup,
        rejected: (job.counts?.rejected ?? 0) + dup,
        rejectedByReason: { ...job.counts?.rejectedByReason, ...(dup ? { 'duplicate key': dup } : {}) },
      },
    };
  },

  async match({ engine, store }, job, table) {
    const def = job.definition;
    const cols = typedColumns(def, table).filter((c) => c.name !== 'orca_warning');
    const lines = ref(job, job.uniqueKeys ? 'type' : 'doubles', 'main', cols);
    const current = { name: table.name, location: job.base!.location, glue: table.glue };
    const rows = lines.rows
      ? await materialize(
          engine,
          job,
          'match',
          matchSelect(engine.dialect, def, table, engine.dialect.workTable(lines), current, job.uniqueKeys),
        )
      : {};
    const withRows = { ...job, rows: { ...job.rows, match: rows } };
    const matched = ref(withRows, 'match', 'main', matchedColumns(table));
    const changes: Record<string, number> = {};
    if (matched.rows)
      for (const r of await engine.rows(changeCountsSelect(engine.dialect.workTable(matched))))
        changes[String(r.change)] = num(r.n);
    const exists = changes.exists ?? 0;
    const rejected = (job.counts?.rejected ?? 0) + exists;
    const rejects = [ref(job, 'type', 'rejects', REJECT_COLUMNS), ref(job, 'doubles', 'rejects', REJECT_COLUMNS)];
    const location = await writeRejects(engine, def, job, rejects, matched);
    const read = job.counts?.read ?? 0;
    const why = rejectLimitExceeded(def, { rejected, lines: read, firstLines: 0, firstRejected: 0 });
    if (def.rejectLimit !== undefined && why) await store.updateJob(job.id, { rejects: location });
    if (def.rejectLimit !== undefined && why)
      throw new RejectLimitReached(`import job ${def.name}: ${why}; nothing applied (see orca rejects ${job.id})`);
    return {
      rows: withRows.rows,
      rejects: location,
      counts: {
        inserted: changes.insert ?? 0,
        updated: changes.update ?? 0,
        deleted: changes.delete ?? 0,
        unchanged: changes.unchanged ?? 0,
        notFound: changes.notFound ?? 0,
        matched: changes.matched ?? 0,
        doubles: (job.counts?.doubles ?? 0) + (changes.double ?? 0),
        rejected,
        rejectedByReason: { ...job.counts?.rejectedByReason, ...(exists ? { exists } : {}) },
      },
    };
  },

  async apply({ engine, store }, job, table) {
    const c = job.counts ?? {};
    if (!(c.inserted || c.updated || c.deleted)) return { message: 'nothing to change: the table keeps its version' };
    const matched = ref(job, 'match', 'main', matchedColumns(table));
    const current = { name: table.name, location: job.base!.location, glue: table.glue };
    const location = versionLocation(table.name, job.id);
    // Recorded first: a cancel, an error or a kill from here on leaves it to be removed.
    await store.updateJob(job.id, { next: location });
    await engine.prepareFolder(location);
    const select = applySelect(engine.dialect, table, engine.dialect.workTable(matched), current);
    await engine.execute(
      writeStatement(engine.dialect, select, engine.url(location), workTarget(job.work, 'version').table),
    );
    return { next: location, message: `wrote the next version to ${location}` };
  },

  async swap(deps, job, table) {
    if (!job.next) return { message: 'nothing to swap' };
    const version = await swapVersion(
      deps,
      table,
      job.base?.version,
      job.next,
      job.id,
      job.definition.keepVersions,
      now(),
    );
    return { versionAfter: version, message: `${table.name} is now at version ${version}` };
  },
};

async function reasons(engine: ImportEngine, rejects: Population): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await engine.rows(rejectCountsSelect(engine.dialect.workTable(rejects))))
    out[String(r.reason)] = num(r.n);
  return out;
}
