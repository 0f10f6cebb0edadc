/**
 * Import jobs in the embedded runtime: the compiled job state machine (statemachines/import-job.ts)
 * run by the local Step Functions runner, each stage served in-process by the same stage function as
 * in the cloud, against DuckDB and the status store of the runtime (dynalite under the data folder).
 */
import { DynamoDbImportStore } from '../lambdas/adapters/dynamodb-import-store.js';
import { DuckDbImportEngine } from '../lambdas/adapters/duckdb-import-engine.js';
import type { ImportJob } from '../lambdas/imports/job.js';
import type { Stage } from '../lambdas/imports/plan.js';
import { runStage, type ImportDeps } from '../lambdas/orchestrator/import-stages.js';
import { rollback } from '../lambdas/orchestrator/import-versions.js';
import { actOnJob, beginJob, JobRefused, recordJob, rollbackRefusal } from '../lambdas/orchestrator/import-actions.js';
import { newJobId } from '../lambdas/orchestrator/run-id.js';
import { ENDED, type JobRecord } from '../lambdas/ports/imports.js';
import { allStates } from '../statemachines/asl.js';
import type { ImportPlatform, RejectRow } from '../lambdas/api/import-platform.js';
import { compileImportJob, FAIL_STAGE } from '../statemachines/import-job.js';
import { interruptJob, type JobFailure } from '../lambdas/orchestrator/job-interrupted.js';
import { stringLiteral } from '../lambdas/sql/literal.js';
import { TABLE } from './dynalite.js';
import { type LocalHandlers, type LocalRuntime, startLocalExecution } from './local-runtime.js';

/** How often a paused job looks at its status again, locally (ms). */
const LOCAL_PAUSE_POLL_MS = 200;

const now = () => new Date().toISOString();

export { newJobId };

/** A refused action (an unknown job, a status that refuses it). */
export { JobRefused as JobActionRefused };

export class LocalImports {
  readonly store: DynamoDbImportStore;
  readonly engine: DuckDbImportEngine;
  private readonly executions = new Map<string, { abort: () => void }>();

  private constructor(readonly runtime: LocalRuntime) {
    this.store = new DynamoDbImportStore(runtime.dynamo.client, TABLE);
    this.engine = new DuckDbImportEngine(runtime.engine);
  }

  /** Jobs still in progress in the store were left by a process that ended without ending them: interrupted. */
  static async open(runtime: LocalRuntime): Promise<LocalImports> {
    const imports = new LocalImports(runtime);
    for (const job of await imports.store.listJobs(1000)) {
      if (ENDED.includes(job.status) || job.status === 'editing') continue;
      if (job.next && job.versionAfter === undefined) await imports.engine.remove(job.next);
      await imports.store.updateJob(job.id, { status: 'interrupted', endedAt: now() });
      await imports.store.journal(job.id, {
        at: now(),
        kind: 'error',
        message: `interrupted: the process running it ended during ${job.stage ? `the stage after ${job.stage}` : 'load'}; the table is unchanged`,
      });
    }
    return imports;
  }

  /** What the API's import service asks of this runtime for import jobs (the server adds exports'). */
  get platform(): Omit<ImportPlatform, 'startExport'> {
    return {
      start: (id, actor) => this.start(id, actor),
      cancelled: (job) => this.cancelled(job),
      rejects: (job, limit, offset) => this.rejectsOf(job, limit, offset),
    };
  }

  get deps(): ImportDeps {
    return { store: this.store, engine: this.engine, catalog: this.runtime.options.catalog };
  }

  /** Records a job (status editing) from a checked definition. */
  async create(definition: ImportJob, actor = 'user'): Promise<JobRecord> {
    return recordJob(this.store, definition, newJobId(), actor, now());
  }

  /** Runs a job to its end through its state machine; `onStage` hears each stage as it ends. */
  async run(
    id: string,
    actor = 'user',
    onStage?: (job: JobRecord, stage: Stage) => void | Promise<void>,
  ): Promise<JobRecord> {
    await this.begin(id, actor);
    return this.execute(id, onStage);
  }

  /** Starts a recorded job in this process and returns once it is running; it goes on in the background. */
  async start(id: string, actor: string): Promise<void> {
    await this.begin(id, actor);
    const done = this.execute(id).then(
      () => {},
      (e: unknown) =>
        this.onError(`import job ${id} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
    );
    this.background.add(done);
    void done.finally(() => this.background.delete(done));
  }

  /** Hears what went wrong in a job run in the background (the server's log). */
  onError: (message: string) => void = () => {};
  private readonly background = new Set<Promise<void>>();

  private begin(id: string, actor: string): Promise<void> {
    return beginJob(this.store, id, actor, now());
  }

  private async execute(
    id: string,
    onStage?: (job: JobRecord, stage: Stage) => void | Promise<void>,
  ): Promise<JobRecord> {
    const definition = compileImportJob();
    const handlers: LocalHandlers = {};
    const waits: Record<string, number> = {};
    for (const [name, state] of allStates(definition)) {
      if (state.Type === 'Wait') waits[name] = LOCAL_PAUSE_POLL_MS;
      if (state.Type !== 'Task') continue;
      const stage = (state.Parameters as { Payload: { stage: Stage | typeof FAIL_STAGE } }).Payload.stage;
      if (stage === FAIL_STAGE) {
        // The machine's Catch: a stage threw past its own handling.
        handlers[name] = async (input) => {
          const failure = (input as { Payload?: { failure?: JobFailure } }).Payload?.failure;
          const deps = this.deps;
          return { StatusCode: 200, Payload: await interruptJob({ ...deps, versions: deps.store }, id, failure) };
        };
        continue;
      }
      handlers[name] = async () => {
        const r = await runStage(this.deps, id, stage);
        if (onStage && r.next !== 'wait') await onStage((await this.store.getJob(id))!, stage);
        return { StatusCode: 200, Payload: r };
      };
    }
    const execution = startLocalExecution(definition, id, { jobId: id }, handlers, waits);
    this.executions.set(id, execution);
    try {
      await execution.result;
    } finally {
      this.executions.delete(id);
    }
    return (await this.store.getJob(id))!;
  }

  pause(id: string, actor = 'user') {
    return actOnJob(this.store, id, 'pause', actor, now());
  }

  resume(id: string, actor = 'user') {
    return actOnJob(this.store, id, 'resume', actor, now());
  }

  /** Cancel: between stages the job ends with the table untouched; a running query is interrupted. */
  async cancel(id: string, actor = 'user') {
    const job = await actOnJob(this.store, id, 'cancel', actor, now());
    await this.cancelled(job);
    return job;
  }

  /** Interrupts the job's running statement (in this process) once it is being cancelled. */
  async cancelled(job: JobRecord): Promise<void> {
    this.engine.cancelMatching(job.work);
  }

  async rollback(table: string, version: number) {
    const t = this.runtime.options.catalog.table(table);
    if (!t) throw new JobRefused(`unknown table '${table}'`, 'not_found');
    const refusal = await rollbackRefusal(this.store, table);
    if (refusal) throw new JobRefused(refusal, 'conflict');
    return rollback(this.deps, t, version);
  }

  /** A page of a job's rejected lines (line, column, value, reason), in file order. */
  async rejects(id: string, limit = 100, offset = 0): Promise<RejectRow[]> {
    const job = await this.store.getJob(id);
    if (!job) throw new JobRefused(`no import job ${id}`, 'not_found');
    return this.rejectsOf(job, limit, offset);
  }

  /** A page of a job's rejected lines, in file order (none when it rejected none). */
  async rejectsOf(job: JobRecord, limit: number, offset: number): Promise<RejectRow[]> {
    if (!job.rejects) return [];
    const rows = await this.engine.rows(
      `SELECT * FROM read_parquet(${stringLiteral(`${this.engine.url(job.rejects)}/*.parquet`)}) ORDER BY line LIMIT ${Math.floor(limit)} OFFSET ${Math.floor(offset)}`,
    );
    return rows.map((r) => ({ ...r, line: Number(r.line) }) as RejectRow);
  }

  /** Writes a job's rejects as CSV (header line, comma-separated) to an absolute file path. */
  async rejectsCsv(id: string, file: string): Promise<void> {
    const job = await this.store.getJob(id);
    if (!job?.rejects) throw new JobRefused(`job ${id} has no rejects`, 'not_found');
    await this.engine.execute(
      `COPY (SELECT * FROM read_parquet(${stringLiteral(`${this.engine.url(job.rejects)}/*.parquet`)}) ORDER BY line) TO ${stringLiteral(file)} (FORMAT CSV, HEADER true)`,
    );
  }

  /** Ends the executions of this process (the runtime is closing). */
  abortAll(): void {
    for (const e of this.executions.values()) e.abort();
  }

  /**
   * The server is shutting down: its jobs in progress are marked stopping (interrupted at the next
   * start, their table unchanged unless they had swapped it), then their executions end.
   */
  async stopAll(): Promise<void> {
    for (const id of this.executions.keys())
      await this.store.updateJob(id, { status: 'stopping' }, ['running', 'pausing', 'paused', 'cancelling']);
    this.abortAll();
    await Promise.allSettled([...this.background]);
  }
}
