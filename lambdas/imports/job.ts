/**
 * An import job's definition: a file (CSV, JSON lines or Parquet), the catalog table it goes into,
 * how each field of the file maps to a column (and what to do with a value that does not convert),
 * the operation matched on a key (a second key for rows whose first key is empty), what to do with
 * doubles inside the file, the reject limit and how many versions of the table are kept.
 * The catalog gives each column its type: the job names columns, never types.
 */
import { z } from 'zod';
import { IDENTIFIER } from '../sql/literal.js';
import { literal } from '../sql/literal.js';
import type { Catalog } from '../catalog/catalog.js';
import { Findings, didYouMean, type Issue } from '../util/issues.js';
import { reportZodIssues } from '../util/zod-issues.js';
import { OrcaError } from '../util/errors.js';

const name = z.string().regex(IDENTIFIER, 'use lower-case letters, digits and underscores, starting with a letter');
const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const OPERATIONS = ['insert', 'update', 'insertOrUpdate', 'delete', 'reconcile'] as const;
export type Operation = (typeof OPERATIONS)[number];
export const DOUBLES = ['lastWins', 'ignore', 'reject'] as const;
export const ENCODINGS = ['utf-8', 'latin-1'] as const;
export type Encoding = (typeof ENCODINGS)[number];

const sourceSchema = z
  .object({
    file: z
      .string()
      .min(1)
      .regex(/^(?![/\\])(?!.*\.\.)/, 'a path relative to the data folder, without ..')
      .describe('the file, relative to the data folder (in the cloud: the data bucket)'),
    format: z.enum(['csv', 'jsonl', 'parquet']).default('csv'),
    delimiter: z.string().length(1).default(',').describe('CSV: the field separator'),
    header: z.boolean().default(true).describe('CSV: the first line names the fields (checked against the mapping)'),
    quote: z.string().length(1).default('"').describe('CSV: the quote character (written twice inside a quoted field)'),
    encoding: z.enum(ENCODINGS).default('utf-8').describe('CSV and JSON lines: the text encoding of the file'),
  })
  .strict();

const columnSchema = z
  .object({
    field: z.string().min(1).describe('the field of the file (CSV: in file order; JSON lines and Parquet: by name)'),
    column: name.optional().describe('the catalog column it fills; absent: the field is read and skipped'),
    required: z.boolean().default(false).describe('an empty value rejects the line'),
    onError: z
      .enum(['reject', 'ignore', 'default'])
      .default('reject')
      .describe('a value that does not convert: reject the line, ignore it (empty, with a warning) or use the default'),
    default: scalar.optional().describe('the value used with onError: default'),
  })
  .strict();

export const importJobSchema = z
  .object({
    name: name.optional().describe('the job name (default: the file name)'),
    table: name.describe('the catalog table the file goes into'),
    source: sourceSchema,
    columns: z.array(columnSchema).min(1).describe('the fields of the file, in order, and the columns they fill'),
    operation: z.enum(OPERATIONS).default('insertOrUpdate'),
    key: name.describe('the column that matches a line to a row of the table'),
    secondKey: name.optional().describe('the column that matches the lines whose key is empty'),
    doubles: z
      .enum(DOUBLES)
      .default('lastWins')
      .describe(
        'lines of the file with the same key: the last one wins, the first one wins (ignore), or all are rejected',
      ),
    rejectLimit: z
      .union([z.number().int().min(0), z.string().regex(/^(100|[0-9]{1,2}(\.[0-9]+)?)%$/, 'a percentage such as 5%')])
      .optional()
      .describe(
        'more rejected lines than this (a count or a percentage of the lines) fail the job; default: the job fails when the first 100 lines are all rejected',
      ),
    keepVersions: z.number().int().min(1).max(100).default(5).describe('versions of the table kept for rollback'),
  })
  .strict();

export type ImportJobInput = z.input<typeof importJobSchema>;
export type ImportJob = z.output<typeof importJobSchema> & { name: string };
export type JobColumn = ImportJob['columns'][number];

export class ImportJobError extends OrcaError {
  static override readonly errorName = 'ImportJobError';
  constructor(
    readonly job: string,
    readonly issues: Issue[],
  ) {
    super(`import job ${job} is not valid:\n${issues.map((i) => `  ${i.path || '(job)'}: ${i.message}`).join('\n')}`);
  }
}

/** A job's name from its file name: my-job.yaml → my_job. */
export function jobNameOf(file: string): string {
  const base = file.replace(/^.*[/\\]/, '').replace(/\.(ya?ml|json)$/i, '');
  const clean = base
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z]+/, '');
  return clean || 'job';
}

/**
 * Checks a parsed job document against the schema and the catalog (table, columns, keys, defaults);
 * throws ImportJobError naming the job and every field in error.
 */
export function parseImportJob(doc: unknown, fallbackName: string, catalog: Catalog): ImportJob {
  const findings = new Findings();
  const label =
    doc && typeof doc === 'object' && typeof (doc as { name?: unknown }).name === 'string'
      ? String((doc as { name: string }).name)
      : fallbackName;
  const parsed = importJobSchema.safeParse(doc);
  if (!parsed.success) {
    reportZodIssues(parsed.error, findings.at(null, []));
    throw new ImportJobError(label, findings.errors);
  }
  const job: ImportJob = { ...parsed.data, name: parsed.data.name ?? fallbackName };
  const table = catalog.table(job.table);
  if (!table) {
    findings.error(null, ['table'], `unknown table '${job.table}'.${didYouMean(job.table, catalog.tableNames)}`);
    throw new ImportJobError(job.name, findings.errors);
  }
  const mapped = new Map<string, number>();
  const fields = new Set<string>();
  job.columns.forEach((c, i) => {
    if (fields.has(c.field)) findings.error(null, ['columns', i, 'field'], `field '${c.field}' is listed twice`);
    fields.add(c.field);
    if (c.column === undefined) return;
    const col = table.columns.get(c.column);
    if (!col) {
      findings.error(
        null,
        ['columns', i, 'column'],
        `'${c.column}' is not a column of ${job.table}.${didYouMean(c.column, table.columns.keys())}`,
      );
      return;
    }
    if (mapped.has(c.column))
      findings.error(
        null,
        ['columns', i, 'column'],
        `column '${c.column}' is already filled by columns[${mapped.get(c.column)}]`,
      );
    mapped.set(c.column, i);
    if (c.onError === 'default') {
      if (c.default === undefined)
        findings.error(null, ['columns', i, 'default'], 'onError: default needs a default value');
      else {
        try {
          literal(c.default, col.type);
        } catch (err) {
          findings.error(null, ['columns', i, 'default'], `not a ${col.type}: ${(err as Error).message}`);
        }
      }
    } else if (c.default !== undefined)
      findings.warn(null, ['columns', i, 'default'], 'the default is only used with onError: default');
  });
  for (const [field, key] of [
    ['key', job.key],
    ['secondKey', job.secondKey],
  ] as const) {
    if (key === undefined) continue;
    if (!table.columns.has(key))
      findings.error(
        null,
        [field],
        `'${key}' is not a column of ${job.table}.${didYouMean(key, table.columns.keys())}`,
      );
    else if (!mapped.has(key))
      findings.error(null, [field], `the key column '${key}' is not filled by any field of the file`);
  }
  if (job.secondKey !== undefined && job.secondKey === job.key)
    findings.error(null, ['secondKey'], 'the second key must differ from the key');
  if (job.source.format !== 'csv' && (job.source.delimiter !== ',' || job.source.quote !== '"'))
    findings.warn(null, ['source'], 'delimiter and quote apply to CSV files only');
  if (findings.errors.length) throw new ImportJobError(job.name, findings.errors);
  return job;
}

/** The reject limit as a test on (rejected, lines, rejected among the first 100 lines, lines among them). */
export function rejectLimitExceeded(
  job: Pick<ImportJob, 'rejectLimit'>,
  counts: { rejected: number; lines: number; firstRejected: number; firstLines: number },
): string | undefined {
  const limit = job.rejectLimit;
  if (limit === undefined) {
    return counts.firstLines > 0 && counts.firstRejected === counts.firstLines
      ? `the first ${counts.firstLines} line(s) were all rejected`
      : undefined;
  }
  if (typeof limit === 'number')
    return counts.rejected > limit
      ? `${counts.rejected} line(s) were rejected, more than the limit of ${limit}`
      : undefined;
  const percent = Number(limit.slice(0, -1));
  const share = counts.lines === 0 ? 0 : (100 * counts.rejected) / counts.lines;
  return share > percent
    ? `${counts.rejected} of ${counts.lines} line(s) were rejected (${share.toFixed(1)}%), more than the limit of ${limit}`
    : undefined;
}

/** The JSON Schema of a job file, for editors (schemas/import-job.schema.json). */
export function importJobJsonSchema(): unknown {
  return {
    ...z.toJSONSchema(importJobSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    title: 'orca import job',
  };
}
