/**
 * What import jobs need of the outside: a store for jobs, their journals and the versions of each
 * catalog table (locally the pointer to a table's current version is here), a way to switch a table
 * to a version in one step (a Glue UpdateTable of its location in the cloud), and an engine that runs
 * a statement and reads a small result.
 */
import type { CatalogTable } from '../catalog/catalog.js';
import type { Dialect } from '../sql/dialect.js';
import type { Population } from '../sql/population.js';
import type { Stage } from '../imports/plan.js';
import type { ImportJob } from '../imports/job.js';
import type { CsvLayout } from '../imports/read-source.js';
import type { ExportJob } from '../imports/export.js';
import type { ExportStage } from '../imports/export-plan.js';

/**
 * editing (defined, not started), running, pausing → paused (between stages), cancelling →
 * cancelled (nothing applied), finished (applied), finishedWithErrors (stopped by an error or its
 * reject limit: nothing applied), stopping (the process holding the data is shutting down) →
 * interrupted (marked at the next start).
 */
export const JOB_STATUSES = [
  'editing',
  'running',
  'pausing',
  'paused',
  'cancelling',
  'cancelled',
  'finished',
  'finishedWithErrors',
  'stopping',
  'interrupted',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const ENDED: readonly JobStatus[] = ['cancelled', 'finished', 'finishedWithErrors', 'interrupted'];

export interface JobCounts {
  read?: number;
  typed?: number;
  warnings?: number;
  rejected?: number;
  rejectedByReason?: Record<string, number>;
  doubles?: number;
  inserted?: number;
  updated?: number;
  deleted?: number;
  unchanged?: number;
  notFound?: number;
  matched?: number;
  /** Export jobs: rows and bytes written. */
  rows?: number;
  bytes?: number;
}

/** Imports load a file into a table; exports write a table or an audience to a file. */
export type JobKind = 'import' | 'export';

export interface JobRecord {
  id: string;
  /** Absent on import jobs (recorded before exports existed): import. */
  kind?: JobKind;
  name: string;
  table: string;
  status: JobStatus;
  definition: ImportJob;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  /** The last stage done. */
  stage?: Stage;
  /** Rows per output of each stage's work table (the next stage reads them). */
  rows?: Record<string, Record<string, number>>;
  counts?: JobCounts;
  error?: string;
  /** The table's version read by the job, and the one it wrote (once swapped). */
  versionBefore?: number;
  versionAfter?: number;
  /** Where the rejects are (Parquet), relative to the data root. */
  rejects?: string;
  /** The job's work folder. */
  work: string;
  /** The version the job read (undefined: the catalog's own location) and where it is. */
  base?: { version?: number; location: string };
  /** A CSV file read by the engine itself: where its lines without a record are (the load stage). */
  layout?: CsvLayout;
  /** The doubles stage found every key once: the match stage reads the typed lines. */
  uniqueKeys?: boolean;
  /** Where the job wrote the next version (before the swap: removed when the job does not finish). */
  next?: string;
}

export interface JournalEntry {
  at: string;
  kind: 'stage' | 'action' | 'error' | 'info';
  message: string;
  stage?: Stage | ExportStage;
  durationMs?: number;
  counts?: JobCounts;
  actor?: string;
}

export interface TableVersion {
  version: number;
  location: string;
  /** The import job that wrote it, or `<run>-<activity>` for an update data activity. */
  jobId: string;
  at: string;
  /** Removed when the version is dropped, when more than its location (update data: the activity's whole output folder). */
  folder?: string;
}

export interface TableVersions {
  table: string;
  /** The version campaigns read; undefined: the catalog's own location (no job ever swapped). */
  current?: number;
  /** Kept versions, oldest first. */
  versions: TableVersion[];
}

export interface ImportStore {
  createJob(job: JobRecord): Promise<void>;
  getJob(id: string): Promise<JobRecord | undefined>;
  /** Applies the patch when the job is in one of `onlyIf` (any status when absent); false otherwise. */
  updateJob(id: string, patch: Partial<JobRecord>, onlyIf?: readonly JobStatus[]): Promise<boolean>;
  /** Jobs, newest first. */
  listJobs(limit?: number): Promise<JobRecord[]>;
  journal(id: string, entry: JournalEntry): Promise<void>;
  listJournal(id: string): Promise<JournalEntry[]>;
  getVersions(table: string): Promise<TableVersions | undefined>;
  /**
   * Makes `current` the table's version when its current version is still `expected` (a concurrent
   * job or rollback moved it otherwise: false), with `versions` as the kept list.
   */
  putVersions(next: TableVersions, expected: number | undefined): Promise<boolean>;
}

/** Switches a catalog table to the data at a location in one step. */
export interface TableSwitch {
  switchTo(table: CatalogTable, location: string): Promise<void>;
}

export interface ImportEngine {
  readonly dialect: Dialect;
  /** Runs a statement (materialisations, writes); the rows written per output for a materialisation. */
  execute(sql: string): Promise<{ queryId: string; rows: Record<string, number> }>;
  /** A small result (counts). */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /** The statement that materialises a SELECT (last column orca_output) into a work table. */
  materialize(select: string, target: { location: string; table: string }): string;
  prepareTarget(target: { location: string; table: string }): Promise<void>;
  /**
   * Makes the job's file queryable: the JSON-lines copy of a JSON-lines file (read-source.ts), or of
   * a CSV file for an engine that cannot read it itself; for one that can (DuckDB), the CSV file's
   * checked layout instead. records: lines holding a record (-1: not counted, a Parquet file).
   */
  loadSource(job: ImportJob, work: string): Promise<{ records: number; layout?: CsvLayout }>;
  /** Where a location is, for a plain write: an absolute folder locally, an s3:// prefix in the cloud. */
  url(location: string): string;
  remove(location: string): Promise<void>;
  /** An empty folder (prefix) at a location, for a plain write. */
  prepareFolder(location: string): Promise<void>;
  /** Cancels the running statements that name this text (the job's work folder). */
  cancelMatching(text: string): void;
}

/**
 * An export job, kept with the import jobs (the same statuses, journal and list): `table` names
 * what it exports (the table, or `audience <name>`).
 */
export interface ExportRecord {
  id: string;
  kind: 'export';
  name: string;
  table: string;
  status: JobStatus;
  definition: ExportJob;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  stage?: ExportStage;
  counts?: Pick<JobCounts, 'rows' | 'bytes'>;
  error?: string;
  /** Where the write stage writes, relative to the data root (removed unless the job finishes). */
  work: string;
  /** The file written (locally; in the cloud the prefix), relative to the data root. */
  out: string;
  /** What the read stage found: the table version (or the audience's rows), the columns written and the key they are ordered by. */
  source?: { location: string; columns: string[]; key?: string; population?: Population };
}

/** An export job read from the list both kinds share. */
export function isExport(j: JobRecord | ExportRecord): j is ExportRecord {
  return j.kind === 'export';
}

/** The part of the job store exports use. */
export interface ExportStore {
  createJob(job: ExportRecord): Promise<void>;
  getJob(id: string): Promise<ExportRecord | undefined>;
  updateJob(id: string, patch: Partial<ExportRecord>, onlyIf?: readonly JobStatus[]): Promise<boolean>;
  journal(id: string, entry: JournalEntry): Promise<void>;
  listJournal(id: string): Promise<JournalEntry[]>;
}

export interface ExportEngine {
  readonly dialect: Dialect;
  execute(sql: string): Promise<{ queryId: string; rows: Record<string, number> }>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /** Where a location is for a write: an absolute path locally, an s3:// URL in the cloud. */
  url(location: string): string;
  /** An empty folder (prefix) at a location. */
  prepareFolder(location: string): Promise<void>;
  remove(location: string): Promise<void>;
  /**
   * Makes what the write stage wrote under `work` the export's `out` in one step (locally a rename
   * of the file, checked to stay inside the data folder); `header`, when the engine's write had
   * none (UNLOAD), goes first. Answers its size in bytes.
   */
  publish(work: string, out: string, header?: string): Promise<number>;
  cancelMatching(text: string): void;
}

/** A rejected line of a job's file: its number, the column and value at fault (none for a whole line), why. */
export interface RejectRow {
  line: number;
  column: string | null;
  value: string | null;
  reason: string;
}

/** Runs a job's state machine once its status is running (cloud: a Step Functions execution named after the job). */
export interface JobLauncher {
  start(jobId: string): Promise<{ execution?: string }>;
}
