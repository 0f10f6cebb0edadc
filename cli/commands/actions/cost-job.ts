/**
 * `orca cost JOB.yaml`: the cost of one import job in the cloud (cli/cost-imports.ts). The table's
 * rows are --profiles, its bytes per row measured from the local data when it is there (else the
 * sample data's shape); the file's bytes and lines measured from the file when it is in the data
 * folder (else --lines, and text lines of 12 bytes a field).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadataAsync } from 'hyparquet';
import { ImportJobError, jobNameOf, parseImportJob, type ImportJob } from '../../../lambdas/imports/job.js';
import type { Catalog } from '../../../lambdas/catalog/catalog.js';
import { stringLiteral } from '../../../lambdas/sql/literal.js';
import { estimateJobCost, type JobSizes } from '../../cost-imports.js';
import { estimateExportCost, type ExportSizes } from '../../cost-exports.js';
import { ExportJobError, type ExportJob, parseExportJob } from '../../../lambdas/imports/export.js';
import { SAMPLE_SHAPE } from '../../cost.js';
import { CliError, color, jsonText, styled, table, terminalText } from '../../output.js';
import type { CostCommandOptions } from '../options.js';

/** Whether a document is an import job (a table and a source, no activities). */
export function isImportJob(doc: unknown): boolean {
  return !!doc && typeof doc === 'object' && 'source' in doc && 'table' in doc && !('activities' in doc);
}

/** Whether a document is an export job (a table or an audience, no source, no activities). */
export function isExportJob(doc: unknown): boolean {
  return (
    !!doc &&
    typeof doc === 'object' &&
    ('table' in doc || 'audience' in doc) &&
    !('source' in doc) &&
    !('activities' in doc)
  );
}

async function countLines(file: string): Promise<number> {
  let n = 0;
  let last = 10;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
    if (chunk.length) last = chunk[chunk.length - 1]!;
  }
  return last === 10 ? n : n + 1;
}

/** The file's bytes and records, when it is in the data folder. */
async function measureFile(job: ImportJob, dataRoot: string): Promise<{ bytes: number; lines: number } | undefined> {
  const file = join(dataRoot, job.source.file);
  if (!existsSync(file)) return undefined;
  const bytes = statSync(file).size;
  if (job.source.format === 'parquet') {
    const { readFileSync } = await import('node:fs');
    const b = readFileSync(file);
    const meta = await parquetMetadataAsync(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
    return { bytes, lines: Number(meta.num_rows) };
  }
  const lines = await countLines(file);
  return { bytes, lines: lines - (job.source.format === 'csv' && job.source.header ? 1 : 0) };
}

/** Bytes per row of the table, from its local Parquet files. */
async function rowBytes(catalog: Catalog, tableName: string, dataRoot: string): Promise<number | undefined> {
  const dir = join(dataRoot, catalog.table(tableName)!.location);
  if (!existsSync(dir)) return undefined;
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const r = (
      await db.runAndReadAll(
        `SELECT sum(row_group_num_rows) AS rows, sum(row_group_compressed_bytes) AS bytes FROM (SELECT DISTINCT file_name, row_group_id, row_group_num_rows, row_group_compressed_bytes FROM parquet_metadata(${stringLiteral(`${dir}/**/*.parquet`)}))`,
      )
    ).getRowObjectsJson()[0]!;
    return Number(r.bytes) / Math.max(1, Number(r.rows));
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

export async function jobCost(
  file: string,
  doc: unknown,
  catalog: Catalog,
  dataRoot: string,
  opts: CostCommandOptions,
): Promise<void> {
  let job: ImportJob;
  try {
    job = parseImportJob(doc, jobNameOf(file), catalog);
  } catch (e) {
    if (e instanceof ImportJobError) throw new CliError(e.message, 1);
    throw e;
  }
  const t = catalog.table(job.table)!;
  const measuredFile = await measureFile(job, dataRoot);
  if (!measuredFile && opts.lines === undefined)
    throw new CliError(
      `import job ${job.name}: the file ${job.source.file} is not in the data folder: give its lines with --lines`,
      2,
    );
  const lines = opts.lines ?? measuredFile!.lines;
  const perRow = (await rowBytes(catalog, job.table, dataRoot)) ?? SAMPLE_SHAPE[job.table]?.bytesPerRow ?? 50;
  const sizes: JobSizes = {
    fileBytes: measuredFile?.bytes ?? lines * 12 * job.columns.length,
    lines,
    tableRows: opts.profiles,
    tableBytes: opts.profiles * perRow,
    tableColumns: t.columns.size,
  };
  const estimate = estimateJobCost(job, sizes);
  if (opts.json) return void console.log(jsonText({ ...estimate, sizes }));
  console.log(
    `${color.bold(terminalText(`import job ${job.name}`, true))}: ${lines.toLocaleString('en-US')} line(s) of ${job.source.file} (${measuredFile ? 'measured' : 'estimated'}) ${job.operation} into ${job.table} (${opts.profiles.toLocaleString('en-US')} rows)\n`,
  );
  console.log(
    table(
      ['', 'quantity', 'USD'],
      [
        ...estimate.lines.map((l) => [l.item, l.quantity, `$${l.usd.toFixed(5)}`]),
        [styled(color.bold('total per job')), '', styled(color.bold(`$${estimate.total.toFixed(4)}`))],
      ],
    ),
  );
  console.log(
    color.dim(
      '\nAthena is an upper bound (whole work tables and the whole current version). Idle costs are not per job: the kept versions in S3, Glue.',
    ),
  );
}

/** `orca cost EXPORT.yaml`: one export job (cli/cost-exports.ts); --profiles is the rows exported. */
export async function exportCost(doc: unknown, catalog: Catalog, dataRoot: string, opts: CostCommandOptions) {
  let job: ExportJob;
  try {
    job = parseExportJob(doc, catalog);
  } catch (e) {
    if (e instanceof ExportJobError) throw new CliError(e.message, 1);
    throw e;
  }
  const t = job.table !== undefined ? catalog.table(job.table)! : undefined;
  // An audience's columns are known once its campaign has run: a few, of the sample data's row size.
  const columns = t?.columns.size ?? job.columns?.length ?? 3;
  const perRow = t ? ((await rowBytes(catalog, t.name, dataRoot)) ?? SAMPLE_SHAPE[t.name]?.bytesPerRow ?? 50) : 50;
  const sizes: ExportSizes = {
    rows: opts.profiles,
    bytes: opts.profiles * perRow,
    columns,
    exported: job.columns?.length ?? columns,
  };
  const estimate = estimateExportCost(job, sizes);
  if (opts.json) return void console.log(jsonText({ ...estimate, sizes }));
  console.log(
    `${color.bold(terminalText(`export job ${job.name}`, true))}: ${opts.profiles.toLocaleString('en-US')} row(s) of ${job.table ?? `audience ${job.audience}`} as ${job.format.toUpperCase()} (about ${(estimate.fileBytes / 1024 ** 2).toFixed(1)} MB)\n`,
  );
  console.log(
    table(
      ['', 'quantity', 'USD'],
      [
        ...estimate.lines.map((l) => [l.item, l.quantity, `$${l.usd.toFixed(5)}`]),
        [styled(color.bold('total per job')), '', styled(color.bold(`$${estimate.total.toFixed(4)}`))],
      ],
    ),
  );
  console.log(color.dim('\nAthena is an upper bound (the whole current version of the exported columns).'));
}
