/** Import jobs as the console shows them: their shape from the API, which actions a status allows, counts in words. */
export type JobStatus =
  | 'editing'
  | 'running'
  | 'pausing'
  | 'paused'
  | 'cancelling'
  | 'cancelled'
  | 'finished'
  | 'finishedWithErrors'
  | 'stopping'
  | 'interrupted';

export const JOB_STATUSES: JobStatus[] = [
  'running',
  'pausing',
  'paused',
  'cancelling',
  'cancelled',
  'finished',
  'finishedWithErrors',
  'stopping',
  'interrupted',
  'editing',
];

export interface JobCounts {
  read?: number;
  rejected?: number;
  doubles?: number;
  inserted?: number;
  updated?: number;
  deleted?: number;
  unchanged?: number;
  warnings?: number;
  rejectedByReason?: Record<string, number>;
}

export interface JobView {
  id: string;
  name: string;
  table: string;
  status: JobStatus;
  operation: string;
  file: string;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  stage?: string;
  counts: JobCounts;
  error?: string;
  versionBefore?: number;
  versionAfter?: number;
  hasRejects: boolean;
}

export interface JournalEntry {
  at: string;
  kind: 'stage' | 'action' | 'error' | 'info';
  message: string;
  stage?: string;
  durationMs?: number;
  actor?: string;
}

export interface RejectRow {
  line: number;
  column: string | null;
  value: string | null;
  reason: string;
}

export interface RejectsPage {
  offset: number;
  limit: number;
  more: boolean;
  rows: RejectRow[];
}

const LABELS: Record<JobStatus, string> = {
  editing: 'editing',
  running: 'running',
  pausing: 'pausing',
  paused: 'paused',
  cancelling: 'cancelling',
  cancelled: 'cancelled',
  finished: 'finished',
  finishedWithErrors: 'finished with errors',
  stopping: 'stopping',
  interrupted: 'interrupted',
};
export const jobStatusLabel = (s: JobStatus): string => LABELS[s] ?? s;

/** Still moving: the page polls it. */
export const jobInProgress = (s: JobStatus): boolean =>
  ['running', 'pausing', 'paused', 'cancelling', 'stopping'].includes(s);

/** The actions a status allows (as the API's refusals say). */
export function jobActions(s: JobStatus): Array<'pause' | 'resume' | 'cancel'> {
  return [
    ...(s === 'running' ? (['pause'] as const) : []),
    ...(s === 'paused' || s === 'pausing' ? (['resume'] as const) : []),
    ...(['running', 'pausing', 'paused'].includes(s) ? (['cancel'] as const) : []),
  ];
}

/** The counts that say what a job did, in words: "read 3 · inserted 1 · updated 1 · rejected 1". */
export function countsText(c: JobCounts): string {
  const parts = (['read', 'inserted', 'updated', 'deleted', 'unchanged', 'doubles', 'rejected'] as const)
    .filter((k) => typeof c[k] === 'number' && (k === 'read' || c[k]! > 0))
    .map((k) => `${k} ${c[k]!.toLocaleString('en-US')}`);
  return parts.join(' · ') || '—';
}

/** The browser's own zone, in which job times are shown (a job has no zone of its own). */
export const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
