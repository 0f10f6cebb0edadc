/**
 * The cost of one import job in the cloud (lambdas/entry/import.ts, statemachines/import-job.ts):
 * Athena bytes scanned stage by stage, estimated from the file's and the table's sizes (upper bounds:
 * whole work tables and the whole current version, each query billed at least 10 MB), Step Functions
 * transitions, the import function's invocations and GB-seconds, DynamoDB and S3 requests. Prices: cost.ts.
 *
 * What each stage scans (lambdas/orchestrator/import-stages.ts):
 * - load: no query (the function copies the file: a CSV or JSON-lines file into its JSON-lines copy);
 * - type: its CTAS reads the copy (a Parquet file: the file); the counts read the typed lines;
 * - doubles: the key count reads the typed lines; its CTAS reads them again;
 * - match: its CTAS reads the lines and the current version (twice with a second key); the change
 *   count and the rejects read the matched lines;
 * - apply: its CTAS reads the current version and the matched lines;
 * - swap: no query (Glue UpdateTable).
 */
import type { ImportJob } from '../lambdas/imports/job.js';
import type { CostLine, Prices } from './cost.js';
import { executionLines, JOB_FUNCTION, PRICES } from './cost.js';

export interface JobSizes {
  /** Bytes of the job's file. */
  fileBytes: number;
  /** Lines holding a record. */
  lines: number;
  /** Rows and bytes of the table's current version. */
  tableRows: number;
  tableBytes: number;
  /** Columns of the table (a typed line holds the mapped ones). */
  tableColumns: number;
}

export interface JobCostEstimate {
  lines: CostLine[];
  total: number;
  /** Athena bytes billed per stage (each query at least the minimum). */
  scans: Array<{ stage: string; queries: number; bytes: number }>;
}

/** The JSON-lines copy of a text file: each record's line number and field names ({"orca_line":n,"orca_raw_0":"..."}). */
const COPY_LINE_BYTES = 20;
const COPY_FIELD_BYTES = 16;
const { gb: FUNCTION_GB, querySeconds: QUERY_SECONDS, athenaBytesPerSecond: ATHENA_BYTES_PER_SECOND } = JOB_FUNCTION;
const { streamBytesPerSecond: COPY_BYTES_PER_SECOND, uploadPartBytes: UPLOAD_PART } = JOB_FUNCTION;

export function estimateJobCost(job: ImportJob, s: JobSizes, prices: Prices = PRICES): JobCostEstimate {
  const text = job.source.format !== 'parquet';
  const copy = text ? s.fileBytes + s.lines * (COPY_LINE_BYTES + COPY_FIELD_BYTES * job.columns.length) : s.fileBytes;
  // A typed line holds the mapped columns, as the table stores them.
  const mapped = job.columns.filter((c) => c.column !== undefined).length;
  const rowBytes = s.tableRows > 0 ? s.tableBytes / s.tableRows : 50;
  const typed = (s.lines * rowBytes * mapped) / Math.max(1, s.tableColumns);
  const current = s.tableBytes * (job.secondKey !== undefined ? 2 : 1);
  const min = prices.athenaMinBytes;
  const stage = (name: string, reads: number[]) => ({
    stage: name,
    queries: reads.length,
    bytes: reads.reduce((a, b) => a + Math.max(min, b), 0),
  });
  // Each materialisation is followed by its row count per output (a small query: the minimum).
  const scans = [
    stage('load', []),
    stage('type', [copy, 0, typed, typed]),
    stage('doubles', [typed, typed, 0]),
    stage('match', [typed + current, 0, typed, typed]),
    stage('apply', [current + typed]),
    stage('swap', []),
  ];
  const athenaBytes = scans.reduce((a, x) => a + x.bytes, 0);
  const queries = scans.reduce((a, x) => a + x.queries, 0);
  // Each stage: a Task and a Choice; the start and the end.
  const transitions = scans.length * 2 + 2;
  const invocations = scans.length;
  const seconds =
    1 +
    copy / COPY_BYTES_PER_SECOND +
    scans.reduce((a, x) => a + x.queries * QUERY_SECONDS + x.bytes / ATHENA_BYTES_PER_SECOND, 0);
  const gbSeconds = seconds * FUNCTION_GB;
  // Per stage: the job read, its update and its journal entry; the swap's versions; create and start.
  const dynamoWrites = 4 + scans.length * 2 + 2;
  const dynamoReads = scans.length * 2 + 2;
  // The copy's parts, each CTAS's files (a few per write), Athena's result files; reads of the file and of the results.
  const s3Puts = Math.ceil(copy / UPLOAD_PART) + 5 * 4 + queries * 2;
  const s3Gets = Math.ceil(s.fileBytes / UPLOAD_PART) + queries * 4;

  const lines: CostLine[] = executionLines(prices, {
    transitions,
    invocations,
    gbSeconds,
    athenaBytes,
    queries,
    dynamoWrites,
    dynamoReads,
    s3Puts,
    s3Gets,
  });
  return { lines, total: lines.reduce((a, l) => a + l.usd, 0), scans };
}
