/**
 * Export jobs in the embedded runtime: the compiled export machine (statemachines/export-job.ts)
 * run by the local Step Functions runner, each stage served in-process by the same stage function
 * as in the cloud, against DuckDB and the runtime's store (the import jobs' items: `orca jobs`,
 * `orca job ID` and pause, resume, cancel act on both kinds).
 */
import { DynamoDbExportStore } from '../lambdas/adapters/dynamodb-export-store.js';
import { DynamoDbImportStore } from '../lambdas/adapters/dynamodb-import-store.js';
import { DuckDbExportEngine } from '../lambdas/adapters/duckdb-export-engine.js';
import type { ExportJob } from '../lambdas/imports/export.js';
import { recordExport } from '../lambdas/orchestrator/export-actions.js';
import { beginJob } from '../lambdas/orchestrator/import-actions.js';
import type { ExportStage } from '../lambdas/imports/export-plan.js';
import { type ExportDeps, runExportStage } from '../lambdas/orchestrator/export-stages.js';
import { newExportId } from '../lambdas/orchestrator/run-id.js';
import { ENDED, type ExportRecord } from '../lambdas/ports/imports.js';
import { allStates } from '../statemachines/asl.js';
import { compileExportJob } from '../statemachines/export-job.js';
import { FAIL_STAGE } from '../statemachines/import-job.js';
import { interruptJob, type JobFailure } from '../lambdas/orchestrator/job-interrupted.js';
import { TABLE } from './dynalite.js';
import type { LocalImports } from './local-imports.js';
import { type LocalHandlers, type LocalRuntime, startLocalExecution } from './local-runtime.js';

/** How often a paused job looks at its status again, locally (ms). */
const LOCAL_PAUSE_POLL_MS = 200;

const now = () => new Date().toISOString();

export class LocalExports {
  readonly store: DynamoDbExportStore;
  readonly engine: DuckDbExportEngine;
  private readonly jobs: DynamoDbImportStore;

  private constructor(readonly runtime: LocalRuntime) {
    this.jobs = new DynamoDbImportStore(runtime.dynamo.client, TABLE);
    this.store = new DynamoDbExportStore(this.jobs);
    this.engine = new DuckDbExportEngine(runtime.engine, runtime.options.dataRoot);
  }

  /**
   * Export jobs left in progress by a process that ended are marked interrupted (LocalImports.open
   * marks every kind) and their folders removed: they wrote no file.
   */
  static async open(runtime: LocalRuntime, imports: LocalImports): Promise<LocalExports> {
    const exports = new LocalExports(runtime);
    for (const job of await imports.store.listJobs(1000)) {
      if (job.kind !== 'export' || (ENDED.includes(job.status) && job.status !== 'interrupted')) continue;
      await exports.engine.remove(job.work);
    }
    return exports;
  }

  get deps(): ExportDeps {
    return {
      store: this.store,
      engine: this.engine,
      catalog: this.runtime.options.catalog,
      versions: this.jobs,
      audiences: this.runtime.store,
    };
  }

  /** Records a job (status editing) from a checked definition. */
  create(definition: ExportJob, actor = 'user'): Promise<ExportRecord> {
    return recordExport(this.store, definition, newExportId(), actor, now());
  }

  /** Runs a job to its end through its state machine; `onStage` hears each stage as it ends. */
  async run(
    id: string,
    actor = 'user',
    onStage?: (job: ExportRecord, stage: ExportStage) => void | Promise<void>,
  ): Promise<ExportRecord> {
    await beginJob(this.store, id, actor, now());
    return this.execute(id, onStage);
  }

  /** Starts a recorded job in this process (the API's) and returns once it is running; it goes on in the background. */
  async start(id: string, actor: string): Promise<void> {
    await beginJob(this.store, id, actor, now());
    const done = this.execute(id).then(
      () => {},
      (e: unknown) =>
        this.onError(`export job ${id} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
    );
    this.background.add(done);
    void done.finally(() => this.background.delete(done));
  }

  /** Hears what went wrong in a job run in the background (the server's log). */
  onError: (message: string) => void = () => {};
  private readonly background = new Set<Promise<void>>();
  private readonly executions = new Map<string, { abort: () => void }>();

  private async execute(
    id: string,
    onStage?: (job: ExportRecord, stage: ExportStage) => void | Promise<void>,
  ): Promise<ExportRecord> {
    const definition = compileExportJob();
    const handlers: LocalHandlers = {};
    const waits: Record<string, number> = {};
    for (const [name, state] of allStates(definition)) {
      if (state.Type === 'Wait') waits[name] = LOCAL_PAUSE_POLL_MS;
      if (state.Type !== 'Task') continue;
      const stage = (state.Parameters as { Payload: { stage: ExportStage | typeof FAIL_STAGE } }).Payload.stage;
      if (stage === FAIL_STAGE) {
        // The machine's Catch: a stage threw past its own handling.
        handlers[name] = async (input) => {
          const failure = (input as { Payload?: { failure?: JobFailure } }).Payload?.failure;
          return { StatusCode: 200, Payload: await interruptJob(this.deps, id, failure) };
        };
        continue;
      }
      handlers[name] = async () => {
        const r = await runExportStage(this.deps, id, stage);
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

  /**
   * The server is shutting down: its exports in progress are marked stopping (interrupted at the
   * next start: they wrote no file), then their executions end.
   */
  async stopAll(): Promise<void> {
    for (const [id, e] of this.executions) {
      await this.store.updateJob(id, { status: 'stopping' }, ['running', 'pausing', 'paused', 'cancelling']);
      e.abort();
    }
    await Promise.allSettled([...this.background]);
  }
}
