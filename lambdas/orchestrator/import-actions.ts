/**
 * What users do to import jobs, the same from the CLI and the API in both deployments: record a
 * job from a checked definition, start it, pause, resume and cancel it (status changes in the store, which
 * the stages read before each stage: import-stages.ts, so they act between stages whichever
 * process runs the job), and refuse a rollback while a job works on the table.
 */
import type { ImportJob } from '../imports/job.js';
import {
  ENDED,
  type ExportStore,
  type ImportStore,
  type JournalEntry,
  type JobRecord,
  type JobStatus,
} from '../ports/imports.js';
import { OrcaError } from '../util/errors.js';

/** A refused action: `kind` says whether the job is unknown or in a status that refuses it. */
export class JobRefused extends OrcaError {
  static override readonly errorName = 'JobRefused';
  constructor(
    message: string,
    readonly kind: 'not_found' | 'conflict',
  ) {
    super(message);
  }
}

export type JobAction = 'pause' | 'resume' | 'cancel';

/** Each action: the status it sets, the statuses it starts from, and its word in the journal. */
export const JOB_ACTIONS: Record<JobAction, { to: JobStatus; from: readonly JobStatus[]; done: string }> = {
  pause: { to: 'pausing', from: ['running'], done: 'paused' },
  resume: { to: 'running', from: ['paused', 'pausing'], done: 'resumed' },
  cancel: { to: 'cancelling', from: ['running', 'pausing', 'paused'], done: 'cancelled' },
};

/** Statuses in which a job may still write its table. */
export const inProgress = (status: JobStatus): boolean => status !== 'editing' && !ENDED.includes(status);

/** Records a job (status editing) from a checked definition, with its first journal entry. */
export async function recordJob(
  store: ImportStore,
  definition: ImportJob,
  id: string,
  actor: string,
  at: string,
): Promise<JobRecord> {
  const job: JobRecord = {
    id,
    name: definition.name,
    table: definition.table,
    status: 'editing',
    definition,
    createdAt: at,
    work: `imports/${id}`,
  };
  await Promise.all([
    store.createJob(job),
    store.journal(id, { at, kind: 'action', actor, message: `created by ${actor}` }),
  ]);
  return job;
}

/** Marks a recorded job (of either kind) running before its state machine starts, refused unless it is being edited. */
export async function beginJob(
  store: Pick<ImportStore, 'updateJob' | 'journal'> | Pick<ExportStore, 'updateJob' | 'journal'>,
  id: string,
  actor: string,
  at: string,
): Promise<void> {
  if (!(await store.updateJob(id, { status: 'running', startedAt: at }, ['editing'])))
    throw new JobRefused(`job ${id} cannot start: it is not being edited`, 'conflict');
  await store.journal(id, { at, kind: 'action', actor, message: `started by ${actor}` });
}

/** Applies an action when the job's status allows it; the job after it. */
export async function actOnJob(
  store: ImportStore,
  id: string,
  action: JobAction,
  actor: string,
  at: string,
): Promise<JobRecord> {
  const job = await store.getJob(id);
  if (!job) throw new JobRefused(`no import job ${id}`, 'not_found');
  const { to, from, done } = JOB_ACTIONS[action];
  if (!(await store.updateJob(id, { status: to }, from))) {
    const now = (await store.getJob(id))?.status ?? job.status;
    throw new JobRefused(`job ${id} is ${now}: it cannot be ${done} (only a job ${from.join(' or ')} can)`, 'conflict');
  }
  await store.journal(id, { at, kind: 'action', actor, message: `${done} by ${actor}` });
  return (await store.getJob(id))!;
}

/** Why a table cannot be rolled back now: a job in progress on it would swap it again. */
export async function rollbackRefusal(store: ImportStore, table: string): Promise<string | undefined> {
  const busy = (await store.listJobs(1000)).filter((j) => j.table === table && inProgress(j.status));
  return busy.length
    ? `job ${busy.map((j) => `${j.id} (${j.status})`).join(', ')} is in progress on ${table}: cancel it or wait for it to end before a rollback`
    : undefined;
}

/**
 * What a job's status says before its next stage, for a job that is not being cancelled (each kind
 * ends a cancelled job its own way): pausing becomes paused (journalled) and waits, paused waits,
 * any status but running ends the machine; undefined: running, the stage goes on.
 */
export async function betweenStages(
  store: Pick<ImportStore, 'updateJob' | 'journal'> | Pick<ExportStore, 'updateJob' | 'journal'>,
  job: { id: string; status: JobStatus },
  stage: NonNullable<JournalEntry['stage']>,
  at: string,
): Promise<'wait' | 'end' | undefined> {
  if (job.status === 'pausing') {
    await store.updateJob(job.id, { status: 'paused' }, ['pausing']);
    await store.journal(job.id, { at, kind: 'info', stage, message: `paused before ${stage}` });
    return 'wait';
  }
  if (job.status === 'paused') return 'wait';
  return job.status === 'running' ? undefined : 'end';
}
