/**
 * Jobs in the cloud API: a job starts as an execution of its machine (orca_imports, orca_exports)
 * named after it, a cancelled job's running Athena statement is stopped (every CTAS of a job names
 * the job in its location), and its rejects are read from their Parquet files in the data bucket.
 */
import type { ImportPlatform } from '../api/import-platform.js';
import { beginJob } from '../orchestrator/import-actions.js';
import { rejectsPage } from '../orchestrator/job-rejects.js';
import type { ImportStore, JobLauncher, JobRecord, RejectRow } from '../ports/imports.js';
import type { ObjectStore } from '../ports/objects.js';

export interface CloudImportPlatformDeps {
  store: ImportStore;
  launcher: JobLauncher;
  /** Starts export jobs (the export machine, orca_exports). */
  exportLauncher: JobLauncher;
  /** Stops the workgroup's running statements whose text holds `text` (AthenaImportEngine). */
  cancelMatching(text: string): unknown;
  objects: ObjectStore;
  clock?: () => Date;
}

export class CloudImportPlatform implements ImportPlatform {
  constructor(private readonly d: CloudImportPlatformDeps) {}

  private now() {
    return (this.d.clock?.() ?? new Date()).toISOString();
  }

  start(jobId: string, actor: string): Promise<void> {
    return this.launch(this.d.launcher, jobId, actor);
  }

  startExport(jobId: string, actor: string): Promise<void> {
    return this.launch(this.d.exportLauncher, jobId, actor);
  }

  private async launch(launcher: JobLauncher, jobId: string, actor: string): Promise<void> {
    await beginJob(this.d.store, jobId, actor, this.now());
    try {
      await launcher.start(jobId);
    } catch (e) {
      // Nothing ran: the job ends with the reason instead of staying running with no execution.
      const error = `the job's state machine could not be started: ${(e as Error).message}`;
      await this.d.store.updateJob(jobId, { status: 'finishedWithErrors', endedAt: this.now(), error }, ['running']);
      await this.d.store.journal(jobId, { at: this.now(), kind: 'error', message: error });
      throw e;
    }
  }

  async cancelled(job: JobRecord): Promise<void> {
    await this.d.cancelMatching(job.id);
  }

  rejects(job: JobRecord, limit: number, offset: number): Promise<RejectRow[]> {
    return job.rejects ? rejectsPage(this.d.objects, job.rejects, limit, offset) : Promise.resolve([]);
  }
}
