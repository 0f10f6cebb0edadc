/**
 * The import jobs' routes (lambdas/api/import-service.ts): jobs (list, one, journal, rejects as
 * pages or CSV, start, pause, resume, cancel), exports (start, a download ticket for the file),
 * table versions and rollback, upload tickets. Jobs are under /jobs, not /imports: both kinds share
 * the store, statuses, journal and actions.
 */
import { z } from 'zod';
import { OPERATIONS } from '../imports/job.js';
import { STAGES } from '../imports/plan.js';
import { EXPORT_FORMATS } from '../imports/export.js';
import { EXPORT_STAGES } from '../imports/export-plan.js';
import { JOB_STATUSES } from '../ports/imports.js';
import type { DocumentedRoute } from './openapi.js';
import type { CampaignService } from './service.js';

/** A route as router.ts's `Route` takes it (declared here: the router imports these routes). */
interface JobRoute extends DocumentedRoute {
  method: 'GET' | 'POST';
  errors?: Array<409 | 422>;
  handle(
    service: CampaignService,
    c: { params: Record<string, string>; query: Record<string, unknown>; body?: unknown; actor: string },
  ): Promise<unknown>;
}

const jobParams = z.object({ jobId: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/) });
const tableParams = z.object({ table: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/) });
const count = z.number().int().nonnegative();

export const jobCounts = z
  .object({
    read: count,
    typed: count,
    warnings: count,
    rejected: count,
    rejectedByReason: z.record(z.string(), count),
    doubles: count,
    inserted: count,
    updated: count,
    deleted: count,
    unchanged: count,
    notFound: count,
    matched: count,
    rows: count.describe('an export job: the rows written'),
    bytes: count.describe("an export job: its file's size"),
  })
  .partial()
  .meta({ id: 'JobCounts' });

export const jobView = z
  .object({
    id: z.string(),
    name: z.string(),
    table: z.string(),
    status: z.enum(JOB_STATUSES),
    kind: z.enum(['import', 'export']),
    operation: z.enum(OPERATIONS).optional().describe('an import job: what it does to the table'),
    format: z.enum(EXPORT_FORMATS).optional().describe('an export job: the file format'),
    file: z.string().describe('the file an import reads or an export writes, relative to the data folder (bucket)'),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
    stage: z
      .enum([...STAGES, ...EXPORT_STAGES])
      .optional()
      .describe('the last stage done'),
    counts: jobCounts,
    error: z.string().optional(),
    versionBefore: z.number().optional().describe("the table's version the job read"),
    versionAfter: z.number().optional().describe('the version it wrote (once swapped)'),
    hasRejects: z.boolean(),
  })
  .meta({ id: 'Job' });

const journalEntry = z.object({
  at: z.string(),
  kind: z.enum(['stage', 'action', 'error', 'info']),
  message: z.string(),
  stage: z.enum(STAGES).optional(),
  durationMs: z.number().optional(),
  counts: jobCounts.optional(),
  actor: z.string().optional(),
});

const rejectRow = z.object({
  line: z.number().describe('the line number in the file'),
  column: z.string().nullable(),
  value: z.string().nullable(),
  reason: z.string(),
});

const tableVersion = z.object({ version: z.number(), location: z.string(), jobId: z.string(), at: z.string() });

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
});

/** S3's largest single PUT: 5 GB. */
const MAX_UPLOAD = 5 * 1024 ** 3;

const ACTIONS = {
  pause: 'Pause: the job stops before its next stage (pausing, then paused)',
  resume: 'Resume a paused job',
  cancel: 'Cancel: the job ends before its next stage (or its running query is interrupted); the table is unchanged',
} as const;

export const JOB_ROUTES: JobRoute[] = [
  {
    method: 'GET',
    path: '/jobs',
    summary: 'Jobs (imports and exports), newest first',
    status: 200,
    query: z.object({
      status: z.enum(JOB_STATUSES).optional().describe('only the jobs in this status'),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    response: z.array(jobView),
    handle: (s, c) => s.imports.list(c.query as { limit: number }),
  },
  {
    method: 'POST',
    path: '/jobs',
    summary:
      'Start an import job from its definition (JSON or YAML, see schemas/import-job.schema.json); 422 names the job and each field in error',
    status: 202,
    errors: [422],
    body: z.looseObject({}).describe('an import job definition'),
    response: jobView,
    handle: (s, c) => s.imports.start(c.body, c.actor),
  },
  {
    method: 'POST',
    path: '/jobs/check',
    summary:
      'Check an import job definition against the catalog without starting it (before uploading its file): the definition with its defaults; 422 names the job and each field in error',
    status: 200,
    errors: [422],
    body: z.looseObject({}).describe('an import job definition'),
    response: z.object({ valid: z.literal(true), definition: z.record(z.string(), z.unknown()) }),
    handle: (s, c) => Promise.resolve(s.imports.check(c.body)),
  },
  {
    method: 'POST',
    path: '/exports',
    summary:
      'Start an export job of a catalog table or a saved audience to CSV or Parquet under exports/ (JSON or YAML, see schemas/export-job.schema.json); 422 names each field in error',
    status: 202,
    errors: [422],
    body: z.looseObject({}).describe('an export job definition'),
    response: jobView,
    handle: (s, c) => s.imports.startExport(c.body, c.actor),
  },
  {
    method: 'GET',
    path: '/jobs/{jobId}/download',
    summary:
      "A ticket to fetch a finished export job's file: GET its url before expiresAt (409 until the job has finished, 404 for an import job)",
    status: 200,
    params: jobParams,
    errors: [409],
    response: z.object({
      file: z.string(),
      method: z.literal('GET'),
      url: z.string().describe("absolute (a presigned S3 GET), or relative to the API's base URL (the local server)"),
      expiresAt: z.string(),
      bytes: z.number().optional(),
    }),
    handle: (s, c) => s.imports.download(c.params.jobId!),
  },
  {
    method: 'GET',
    path: '/jobs/{jobId}',
    summary: 'An import job: its status, stage, counts and definition',
    status: 200,
    params: jobParams,
    response: jobView.extend({ definition: z.record(z.string(), z.unknown()) }),
    handle: (s, c) => s.imports.get(c.params.jobId!),
  },
  {
    method: 'GET',
    path: '/jobs/{jobId}/journal',
    summary: "An import job's journal: each stage with its time and counts, user actions, errors",
    status: 200,
    params: jobParams,
    response: z.array(journalEntry),
    handle: (s, c) => s.imports.journal(c.params.jobId!),
  },
  {
    method: 'GET',
    path: '/jobs/{jobId}/rejects',
    summary: "A page of an import job's rejected lines (line number, column, value, reason), in file order",
    status: 200,
    params: jobParams,
    query: pageQuery,
    response: z.object({
      jobId: z.string(),
      offset: z.number(),
      limit: z.number(),
      more: z.boolean().describe('a full page: there may be more'),
      rows: z.array(rejectRow),
    }),
    handle: (s, c) => s.imports.rejects(c.params.jobId!, c.query as { limit: number; offset: number }),
  },
  {
    method: 'GET',
    path: '/jobs/{jobId}/rejects.csv',
    summary:
      "An import job's rejected lines as CSV (line,column,value,reason; text/csv), up to 5 MB (x-orca-truncated says when cut)",
    status: 200,
    params: jobParams,
    handle: (s, c) => s.imports.rejectsCsv(c.params.jobId!),
  },
  ...(Object.keys(ACTIONS) as Array<keyof typeof ACTIONS>).map(
    (action): JobRoute => ({
      method: 'POST',
      path: `/jobs/{jobId}/${action}`,
      summary: `${ACTIONS[action]} (409 when its status refuses it)`,
      status: 200,
      params: jobParams,
      errors: [409],
      response: jobView,
      handle: (s, c) => s.imports.act(c.params.jobId!, action, c.actor),
    }),
  ),
  {
    method: 'GET',
    path: '/tables/{table}/versions',
    summary: "A catalog table's kept versions (0: the catalog's own location) and the current one",
    status: 200,
    params: tableParams,
    response: z.object({ table: z.string(), current: z.number(), versions: z.array(tableVersion) }),
    handle: (s, c) => s.imports.versions(c.params.table!),
  },
  {
    method: 'POST',
    path: '/tables/{table}/rollback',
    summary: "Make a kept version the table's current one (409 while a job is in progress on the table)",
    status: 200,
    params: tableParams,
    errors: [409],
    body: z.object({ version: z.number().int().min(0) }).strict(),
    response: tableVersion,
    handle: (s, c) => s.imports.rollback(c.params.table!, (c.body as { version: number }).version),
  },
  {
    method: 'POST',
    path: '/uploads',
    summary:
      "A ticket to upload a file for an import job: PUT the bytes to its url with its headers before expiresAt, then name its file in the job's source.file (413 over the limit)",
    status: 201,
    body: z
      .object({
        name: z.string().min(1).max(300).describe('the file name (made safe: letters, digits, . _ -)'),
        size: z.number().int().min(1).max(MAX_UPLOAD).describe('bytes; the upload must send exactly these'),
        contentType: z
          .string()
          .max(200)
          .regex(/^[\w.+-]+\/[\w.+-]+$/)
          .optional(),
      })
      .strict(),
    response: z.object({
      file: z.string(),
      method: z.literal('PUT'),
      url: z.string().describe("absolute (S3), or relative to the API's base URL (the local server)"),
      headers: z.record(z.string(), z.string()),
      expiresAt: z.string(),
    }),
    handle: (s, c) => s.imports.upload(c.body as { name: string; size: number; contentType?: string }),
  },
];
