/**
 * Import jobs behind the HTTP API, the same in the cloud and in `orca serve`: list, read (counts,
 * journal, rejects as pages or CSV), start from a definition, pause, resume, cancel, table versions
 * and rollback, and upload tickets for the files jobs read. The job's status is in the store: the
 * process running the job reads it between stages, so these act wherever the job runs.
 */
import type { Catalog } from '../catalog/catalog.js';
import { ExportJobError, parseExportJob } from '../imports/export.js';
import { ImportJobError, parseImportJob } from '../imports/job.js';
import { recordExport } from '../orchestrator/export-actions.js';
import { actOnJob, type JobAction, JobRefused, recordJob, rollbackRefusal } from '../orchestrator/import-actions.js';
import { CATALOG_VERSION, rollback, VersionConflict } from '../orchestrator/import-versions.js';
import { EXPORT_PREFIX, type Downloads, type DownloadTicket } from '../ports/downloads.js';
import {
  type ExportRecord,
  type ExportStore,
  type ImportStore,
  isExport,
  type JobRecord,
  type JobStatus,
  type JournalEntry,
  type TableSwitch,
  type TableVersion,
} from '../ports/imports.js';
import type { Uploads, UploadTicket } from '../ports/uploads.js';
import { safeUploadName } from '../util/upload-name.js';
import { ActivityError } from '../util/errors.js';
import { ApiError, badRequest, conflict, notFound } from './errors.js';
import type { ImportPlatform, RejectRow } from './import-platform.js';
import { RawBody } from './raw-body.js';

export interface ImportServiceDeps {
  store: ImportStore;
  catalog: Catalog;
  platform: ImportPlatform;
  uploads: Uploads;
  /** The export jobs' view of the same store. */
  exports: ExportStore;
  /** Tickets to fetch a finished export's file. */
  downloads: Downloads;
  /** Switches a table's location on rollback (Glue in the cloud; locally the store's pointer is enough). */
  tables?: TableSwitch;
  newJobId: () => string;
  newExportId: () => string;
  clock?: () => Date;
}

/** The largest CSV of rejects the API answers (a Lambda's response is at most 6 MB). */
export const REJECTS_CSV_MAX_BYTES = 5 * 1024 * 1024;
const CSV_PAGE = 10_000;

/** A job as the API shows it: no work folders or intermediate row counts. */
export function jobView(j: JobRecord | ExportRecord) {
  return {
    id: j.id,
    name: j.name,
    table: j.table,
    status: j.status,
    ...(isExport(j)
      ? { kind: 'export', format: j.definition.format, file: j.out }
      : { kind: 'import', operation: j.definition.operation, file: j.definition.source.file }),
    createdAt: j.createdAt,
    ...(j.startedAt ? { startedAt: j.startedAt } : {}),
    ...(j.endedAt ? { endedAt: j.endedAt } : {}),
    ...(j.stage ? { stage: j.stage } : {}),
    counts: j.counts ?? {},
    ...(j.error ? { error: j.error } : {}),
    ...('versionBefore' in j && j.versionBefore !== undefined ? { versionBefore: j.versionBefore } : {}),
    ...('versionAfter' in j && j.versionAfter !== undefined ? { versionAfter: j.versionAfter } : {}),
    hasRejects: 'rejects' in j && Boolean(j.rejects),
  };
}

/** One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const refused = (e: unknown): never => {
  if (e instanceof JobRefused) throw e.kind === 'not_found' ? notFound(e.message) : conflict(e.message);
  throw e;
};

export class ImportService {
  constructor(private readonly d: ImportServiceDeps) {}

  private now(): string {
    return (this.d.clock ?? (() => new Date()))().toISOString();
  }

  private async job(id: string): Promise<JobRecord> {
    const j = await this.d.store.getJob(id);
    if (!j) throw notFound(`no import job '${id}'; GET /jobs lists them`);
    return j;
  }

  private table(name: string) {
    const t = this.d.catalog.table(name);
    if (!t) throw notFound(`no table '${name}' in the catalog`);
    return t;
  }

  /** Jobs newest first (among the latest 1,000 when filtered by status). */
  async list(q: { status?: JobStatus; limit: number }) {
    const jobs = await this.d.store.listJobs(q.status ? 1000 : q.limit);
    return jobs
      .filter((j) => !q.status || j.status === q.status)
      .slice(0, q.limit)
      .map(jobView);
  }

  async get(id: string) {
    const j = await this.job(id);
    return { ...jobView(j), definition: j.definition };
  }

  async journal(id: string): Promise<JournalEntry[]> {
    await this.job(id);
    return this.d.store.listJournal(id);
  }

  async rejects(id: string, q: { limit: number; offset: number }) {
    const rows = await this.d.platform.rejects(await this.job(id), q.limit, q.offset);
    return { jobId: id, offset: q.offset, limit: q.limit, more: rows.length === q.limit, rows };
  }

  /** The rejects as CSV (line, column, value, reason), up to REJECTS_CSV_MAX_BYTES. */
  async rejectsCsv(id: string): Promise<RawBody> {
    const job = await this.job(id);
    const lines = ['line,column,value,reason'];
    let bytes = lines[0]!.length + 1;
    let truncated = false;
    for (let offset = 0; ; offset += CSV_PAGE) {
      const page: RejectRow[] = await this.d.platform.rejects(job, CSV_PAGE, offset);
      for (const r of page) {
        const line = [r.line, r.column, r.value, r.reason].map(csvField).join(',');
        bytes += Buffer.byteLength(line) + 1;
        if (bytes > REJECTS_CSV_MAX_BYTES) {
          truncated = true;
          break;
        }
        lines.push(line);
      }
      if (truncated || page.length < CSV_PAGE) break;
    }
    return new RawBody('text/csv; charset=utf-8', `${lines.join('\n')}\n`, {
      'content-disposition': `attachment; filename="${id}-rejects.csv"`,
      ...(truncated ? { 'x-orca-truncated': `the first ${REJECTS_CSV_MAX_BYTES} bytes only` } : {}),
    });
  }

  /** A definition checked against the catalog (422 naming the job and each field in error). */
  private definition(doc: unknown): ReturnType<typeof parseImportJob> {
    try {
      return parseImportJob(doc, 'import', this.d.catalog);
    } catch (e) {
      if (e instanceof ImportJobError) throw new ApiError(422, 'invalid_job', e.message, { errors: e.issues });
      throw e;
    }
  }

  /** Checks a definition without recording anything: the definition with its defaults. */
  check(doc: unknown) {
    return { valid: true, definition: this.definition(doc) };
  }

  /** Checks a definition against the catalog, records the job and starts it. */
  async start(doc: unknown, actor: string) {
    const definition = this.definition(doc);
    const job = await recordJob(this.d.store, definition, this.d.newJobId(), actor, this.now());
    await this.d.platform.start(job.id, actor).catch(refused);
    return jobView((await this.d.store.getJob(job.id)) ?? job);
  }

  /**
   * Checks an export against the catalog, records it and starts it. Its file is written under
   * exports/ (the only place the cloud's export function may write).
   */
  async startExport(doc: unknown, actor: string) {
    let definition: ReturnType<typeof parseExportJob>;
    try {
      definition = parseExportJob(doc, this.d.catalog, { outUnder: EXPORT_PREFIX });
    } catch (e) {
      if (e instanceof ExportJobError) throw new ApiError(422, 'invalid_job', e.message, { errors: e.issues });
      throw e;
    }
    const job = await recordExport(this.d.exports, definition, this.d.newExportId(), actor, this.now());
    await this.d.platform.startExport(job.id, actor).catch(refused);
    return jobView((await this.d.exports.getJob(job.id)) ?? job);
  }

  /** A ticket to fetch a finished export's file (409 before it has finished, 404 for an import job). */
  async download(id: string): Promise<DownloadTicket & { bytes?: number }> {
    const job = await this.job(id);
    if (!isExport(job)) throw notFound(`job '${id}' is an import job: only an export job has a file to download`);
    if (job.status !== 'finished')
      throw conflict(`export ${id} is ${job.status}: its file can be downloaded once the job has finished`);
    const ticket = await this.d.downloads.prepare(job.out, job.out.split('/').pop()!);
    return { ...ticket, ...(job.counts?.bytes !== undefined ? { bytes: job.counts.bytes } : {}) };
  }

  async act(id: string, action: JobAction, actor: string) {
    const job = await actOnJob(this.d.store, id, action, actor, this.now()).catch(refused);
    if (action === 'cancel') await this.d.platform.cancelled(job);
    return jobView(job);
  }

  async versions(table: string) {
    this.table(table);
    const v = await this.d.store.getVersions(table);
    return { table, current: v?.current ?? CATALOG_VERSION, versions: v?.versions ?? [] };
  }

  async rollback(table: string, version: number): Promise<TableVersion> {
    const t = this.table(table);
    const refusal = await rollbackRefusal(this.d.store, table);
    if (refusal) throw conflict(refusal);
    try {
      return await rollback({ store: this.d.store, tables: this.d.tables }, t, version);
    } catch (e) {
      if (e instanceof VersionConflict) throw conflict(e.message);
      if (e instanceof ActivityError) throw notFound(e.message);
      throw e;
    }
  }

  /** A ticket to upload a file (the name made safe; refused over the limit). */
  async upload(r: { name: string; size: number; contentType?: string | undefined }): Promise<UploadTicket> {
    const name = safeUploadName(r.name);
    if (!name) throw badRequest(`'${r.name.slice(0, 100)}' is not a usable file name (letters, digits, . _ -)`);
    if (r.size > this.d.uploads.maxBytes)
      throw new ApiError(
        413,
        'payload_too_large',
        `the file is ${r.size} bytes, more than the upload limit of ${this.d.uploads.maxBytes} bytes`,
      );
    return this.d.uploads.prepare({ name, size: r.size, contentType: r.contentType ?? 'application/octet-stream' });
  }
}
