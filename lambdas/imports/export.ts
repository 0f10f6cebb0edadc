/**
 * An export job's definition: a catalog table or a saved audience, written as CSV (delimiter,
 * header) or Parquet to one file under the data folder (locally) or under an S3 prefix (cloud).
 * Checked against the catalog (the table, its columns) before anything runs; an audience's columns
 * are known when the job reads it.
 */
import { z } from 'zod';
import { audienceName } from '../activities/read-audience.js';
import type { Catalog } from '../catalog/catalog.js';
import { IDENTIFIER } from '../sql/literal.js';
import { didYouMean, Findings, type Issue } from '../util/issues.js';
import { reportZodIssues } from '../util/zod-issues.js';
import { OrcaError } from '../util/errors.js';

export const EXPORT_FORMATS = ['csv', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const exportJobSchema = z
  .object({
    name: z.string().regex(IDENTIFIER).optional().describe('the job name (default: the table or audience)'),
    table: z.string().regex(IDENTIFIER).optional().describe('the catalog table to export (at its current version)'),
    audience: audienceName.optional().describe('the saved audience to export'),
    columns: z.array(z.string().min(1)).min(1).optional().describe('the columns to write, in order (default: all)'),
    format: z.enum(EXPORT_FORMATS).default('csv'),
    delimiter: z.string().length(1).default(',').describe('CSV: the field separator'),
    header: z.boolean().default(true).describe('CSV: a first line naming the columns'),
    out: z
      .string()
      .min(1)
      .regex(/^(?![/\\])(?!.*\.\.)/, 'a path relative to the data folder, without ..')
      .optional()
      .describe('the file written, relative to the data folder (default: exports/<name>-<job>.<csv|parquet>)'),
  })
  .strict();

export type ExportJobInput = z.input<typeof exportJobSchema>;
export type ExportJob = z.output<typeof exportJobSchema> & { name: string };

export class ExportJobError extends OrcaError {
  static override readonly errorName = 'ExportJobError';
  constructor(
    readonly job: string,
    readonly issues: Issue[],
  ) {
    super(`export ${job} is not valid:\n${issues.map((i) => `  ${i.path || '(export)'}: ${i.message}`).join('\n')}`);
  }
}

/**
 * Checks an export against the schema and the catalog; throws ExportJobError naming every field in
 * error. `outUnder`: the folder its file must be written under (the API's exports/).
 */
export function parseExportJob(doc: unknown, catalog: Catalog, options: { outUnder?: string } = {}): ExportJob {
  const findings = new Findings();
  const parsed = exportJobSchema.safeParse(doc);
  const label = (doc as { table?: unknown; audience?: unknown } | undefined)?.table ?? 'export';
  if (!parsed.success) {
    reportZodIssues(parsed.error, findings.at(null, []));
    throw new ExportJobError(String(label), findings.errors);
  }
  const d = parsed.data;
  const name = d.name ?? d.table ?? d.audience ?? 'export';
  if ((d.table === undefined) === (d.audience === undefined))
    findings.error(null, ['table'], 'name a table or an audience (one of them)');
  const table = d.table !== undefined ? catalog.table(d.table) : undefined;
  if (d.table !== undefined && !table)
    findings.error(null, ['table'], `unknown table '${d.table}'.${didYouMean(d.table, catalog.tableNames)}`);
  if (table?.lake || table?.glue)
    findings.error(
      null,
      ['table'],
      `${d.table} is not one of the catalog's Parquet tables (glue or lake): export it where it lives`,
    );
  if (table && d.columns)
    d.columns.forEach((c, i) => {
      if (!table.columns.has(c))
        findings.error(
          null,
          ['columns', i],
          `'${c}' is not a column of ${table.name}.${didYouMean(c, table.columns.keys())}`,
        );
    });
  if (d.columns && new Set(d.columns).size !== d.columns.length)
    findings.error(null, ['columns'], 'a column is listed twice');
  if (options.outUnder !== undefined && d.out !== undefined && !d.out.startsWith(options.outUnder))
    findings.error(
      null,
      ['out'],
      `the file must be written under ${options.outUnder} ('${d.out.slice(0, 100)}' is not)`,
    );
  if (d.format === 'parquet' && (d.delimiter !== ',' || !d.header))
    findings.warn(null, ['format'], 'delimiter and header apply to CSV only');
  if (findings.errors.length) throw new ExportJobError(name, findings.errors);
  return { ...d, name };
}

/** Where the file goes: `out`, or exports/<name>-<job id>.<extension>. */
export function exportFile(job: ExportJob, jobId: string): string {
  return job.out ?? `exports/${job.name}-${jobId}.${job.format}`;
}

/** The JSON Schema of an export job file, for editors (schemas/export-job.schema.json). */
export function exportJobJsonSchema(): unknown {
  return {
    ...z.toJSONSchema(exportJobSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    title: 'orca export job',
  };
}
