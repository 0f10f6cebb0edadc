/**
 * A job whose function crashed (ran out of time or memory, or threw past its own handling): the job
 * machine's Catch calls the same function with the `fail` step (statemachines/import-job.ts
 * jobFailureStates), which marks the job interrupted, journals why, and removes what it wrote: its
 * work folder and, for an import, the next version unless the table was already switched to it
 * (then the table is at the job's version and its files stay). A job already ended is left as it is.
 */
import { ENDED, type JobStatus, type JournalEntry, type TableVersions } from '../ports/imports.js';

/** What the machine's Catch passes on ("AWS Step Functions Developer Guide — Error handling": Error and Cause). */
export interface JobFailure {
  Error?: string;
  Cause?: string;
}

export interface InterruptDeps {
  store: {
    getJob(id: string): Promise<{ status: JobStatus; work: string; table: string; next?: string } | undefined>;
    updateJob(
      id: string,
      patch: { status: JobStatus; endedAt: string; error: string },
      onlyIf: readonly JobStatus[],
    ): Promise<boolean>;
    journal(id: string, entry: JournalEntry): Promise<void>;
  };
  engine: { remove(location: string): Promise<void> };
  /** Import jobs: where the table's current version is (an export writes no version). */
  versions?: { getVersions(table: string): Promise<TableVersions | undefined> };
}

const LIVE: readonly JobStatus[] = ['running', 'pausing', 'paused', 'cancelling', 'stopping'];

/** The failure in one line: Lambda's errorMessage when the Cause is its JSON, else the Cause itself. */
export function failureMessage(f: JobFailure | undefined): string {
  let cause = f?.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') cause = parsed.errorMessage;
  } catch {
    // Not JSON: the Cause as it is.
  }
  const line = [f?.Error, cause.split('\n')[0]].filter(Boolean).join(': ');
  return (line || 'the job function failed').slice(0, 500);
}

export async function interruptJob(deps: InterruptDeps, jobId: string, failure: JobFailure | undefined) {
  const job = await deps.store.getJob(jobId);
  if (!job || ENDED.includes(job.status)) return { next: 'end' as const };
  const why = failureMessage(failure);
  let switched = false;
  if (job.next && deps.versions) {
    const v = await deps.versions.getVersions(job.table);
    const current = v?.versions.find((x) => x.version === v.current);
    switched = current?.location === job.next;
  }
  await deps.engine.remove(job.work);
  if (job.next && !switched) await deps.engine.remove(job.next);
  const at = new Date().toISOString();
  if (await deps.store.updateJob(jobId, { status: 'interrupted', endedAt: at, error: why }, LIVE))
    await deps.store.journal(jobId, {
      at,
      kind: 'error',
      message: `interrupted: the job function failed (${why}); ${switched ? `${job.table} was already switched to the job's version` : `${job.table} is unchanged`}`,
    });
  return { next: 'end' as const };
}
