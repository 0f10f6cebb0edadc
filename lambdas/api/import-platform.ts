/**
 * What differs between the cloud and the embedded service for jobs: starting a recorded import or
 * export job's state machine (in-process locally, a Step Functions execution in the cloud), interrupting
 * a cancelled job's running statement, and reading a page of its rejected lines.
 */
import type { JobRecord, RejectRow } from '../ports/imports.js';

export type { RejectRow };

export interface ImportPlatform {
  /** Starts an import job recorded as editing: once it returns the job is running (or already ended). */
  start(jobId: string, actor: string): Promise<void>;
  /** Starts an export job recorded as editing, the same way (its own state machine). */
  startExport(jobId: string, actor: string): Promise<void>;
  /** The job is now cancelling: stop its running statement if this process can (best effort). */
  cancelled(job: JobRecord): Promise<void>;
  /** A page of the job's rejected lines in file order; none when it has no rejects. */
  rejects(job: JobRecord, limit: number, offset: number): Promise<RejectRow[]>;
}
