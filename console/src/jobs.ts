/** Jobs (imports and exports) as the console shows them: their shape from the API, which actions a status allows, counts in words. */
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
  /** An export: the rows written and its file's size. */
  rows?: number;
  bytes?: number;
}

export interface JobView {
  id: string;
  name: string;
  table: string;
  status: JobStatus;
  kind?: 'import' | 'export';
  /** An import's operation. */
  operation?: string;
  /** An export's format. */
  format?: 'csv' | 'parquet';
  /** The file an import reads or an export writes. */
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
  const parts = (['read', 'inserted', 'updated', 'deleted', 'unchanged', 'doubles', 'rejected', 'rows'] as const)
    .filter((k) => typeof c[k] === 'number' && (k === 'read' || k === 'rows' || c[k]! > 0))
    .map((k) => `${k} ${c[k]!.toLocaleString('en-US')}`);
  if (typeof c.bytes === 'number') parts.push(sizeText(c.bytes));
  return parts.join(' · ') || '—';
}

/** A file size in words: 512 B, 1.5 KB, 12.3 MB (powers of 1,024). */
export function sizeText(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${n.toFixed(1)} ${units[u]}`;
}

/** What a job does, in words: an import's operation on its file, an export's file and format. */
export function jobSummary(j: Pick<JobView, 'kind' | 'operation' | 'format' | 'file' | 'table'>): string {
  return j.kind === 'export'
    ? `export of ${j.table} as ${(j.format ?? 'csv').toUpperCase()} to ${j.file}`
    : `${j.operation} ${j.file} into ${j.table}`;
}

/** The browser's own zone, in which job times are shown (a job has no zone of its own). */
export const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
