/**
 * The cost of one export job in the cloud (lambdas/entry/export.ts, statemachines/export-job.ts):
 * Athena bytes scanned, Step Functions transitions, the export function's invocations and
 * GB-seconds, DynamoDB and S3 requests. Prices: cost.ts.
 *
 * What each stage does (lambdas/orchestrator/export-stages.ts):
 * - read: the row count (Parquet metadata: billed the minimum);
 * - write: the UNLOAD reads the exported columns of the table (or audience) and writes them under the
 *   job's work prefix, in several files;
 * - finish: CSV: each file read and streamed through the function into one multipart upload;
 *   Parquet: each file copied (CopyObject); then the work prefix removed.
 */
import type { ExportJob } from '../lambdas/imports/export.js';
import type { CostLine, Prices } from './cost.js';
import { executionLines, JOB_FUNCTION, PRICES } from './cost.js';

export interface ExportSizes {
  /** Rows and bytes of what is exported (the table's current version, the audience's files). */
  rows: number;
  bytes: number;
  /** Its columns, and how many of them are exported. */
  columns: number;
  exported: number;
}

export interface ExportCostEstimate {
  lines: CostLine[];
  total: number;
  /** Athena bytes billed (each query at least the minimum), and the file's estimated size. */
  athenaBytes: number;
  fileBytes: number;
}

/** A CSV field's text, with its delimiter, on average (as `orca cost JOB.yaml` assumes for import files). */
const CSV_FIELD_BYTES = 12;
const { gb: FUNCTION_GB, querySeconds: QUERY_SECONDS, athenaBytesPerSecond: ATHENA_BYTES_PER_SECOND } = JOB_FUNCTION;
const { streamBytesPerSecond: STREAM_BYTES_PER_SECOND, uploadPartBytes: UPLOAD_PART } = JOB_FUNCTION;
/** UNLOAD writes files of about this size. */
const UNLOAD_FILE_BYTES = 128 * 1024 ** 2;

export function estimateExportCost(
  job: Pick<ExportJob, 'format'>,
  s: ExportSizes,
  prices: Prices = PRICES,
): ExportCostEstimate {
  const min = prices.athenaMinBytes;
  const read = (s.bytes * s.exported) / Math.max(1, s.columns);
  const athenaBytes = min + Math.max(min, read);
  const queries = 2;
  const csv = job.format === 'csv';
  // Parquet out is about what was read; CSV is text.
  const fileBytes = csv ? s.rows * s.exported * CSV_FIELD_BYTES : read;
  const files = Math.max(1, Math.ceil(fileBytes / UNLOAD_FILE_BYTES));
  const seconds =
    3 +
    queries * QUERY_SECONDS +
    athenaBytes / ATHENA_BYTES_PER_SECOND +
    (csv ? fileBytes / STREAM_BYTES_PER_SECOND : 0);
  const lines = executionLines(prices, {
    // Each stage: a Task and a Choice; the start and the end.
    transitions: 3 * 2 + 2,
    invocations: 3,
    gbSeconds: seconds * FUNCTION_GB,
    athenaBytes,
    queries,
    // Per stage: the job read, its update and its journal entry; create and start.
    dynamoWrites: 3 * 2 + 3,
    dynamoReads: 3 * 2 + 1,
    // UNLOAD's files and Athena's results; the upload's parts (CSV) or the copies (Parquet); the removal.
    s3Puts: files + queries * 2 + (csv ? Math.ceil(fileBytes / UPLOAD_PART) + 2 : files) + 2,
    s3Gets: queries * 4 + (csv ? files : 0) + 1,
  });
  return { lines, total: lines.reduce((a, l) => a + l.usd, 0), athenaBytes, fileBytes };
}
