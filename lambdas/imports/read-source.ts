/**
 * Reads an import job's CSV or JSON-lines file into the JSON-lines copy both engines query
 * ({"orca_line": n, "orca_raw_0": "text", ...}: one field of the mapping per orca_raw_<i>), with the
 * CSV rules of lambdas/sql/csv.ts (one parser for DuckDB and Athena, line numbers from the file).
 * The file is decoded as declared: a line that is not valid UTF-8, a line longer than the limit, a
 * header that does not name the mapping's fields, a JSON line that is not an object, or a file
 * without any record stops the job with an error naming the job, the line and the column.
 */
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { parseCsvLine, LINE_COLUMN } from '../sql/csv.js';
import { OrcaError } from '../util/errors.js';
import type { ImportJob } from './job.js';

/** A line longer than this (bytes) is refused: a file without line breaks, or not a text file. */
export const MAX_LINE_BYTES = 1 << 20;

export const rawColumn = (i: number): string => `orca_raw_${i}`;

export class ImportFileError extends OrcaError {
  static override readonly errorName = 'ImportFileError';
  constructor(
    readonly job: string,
    readonly line: number | undefined,
    readonly column: string | undefined,
    readonly reason: string,
  ) {
    super(
      `import job ${job}: ${[line !== undefined ? `line ${line}` : '', column !== undefined ? `column ${column}` : ''].filter(Boolean).join(', ')}${line !== undefined || column !== undefined ? ': ' : ''}${reason}`,
    );
  }
}

/** The lines of a byte stream, as buffers without their line break ("\n" or "\r\n"). */
async function* byteLines(input: Readable, job: string): AsyncGenerator<Buffer> {
  let carry: Buffer | undefined;
  let n = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      n++;
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (end - start > MAX_LINE_BYTES)
        throw new ImportFileError(job, n, undefined, `the line is longer than ${MAX_LINE_BYTES} bytes`);
      yield buf.subarray(start, end);
      start = nl + 1;
    }
    buf = buf.subarray(start);
    if (buf.length > MAX_LINE_BYTES)
      throw new ImportFileError(job, n + 1, undefined, `the line is longer than ${MAX_LINE_BYTES} bytes`);
    carry = buf.length ? Buffer.from(buf) : undefined;
  }
  if (carry?.length) {
    const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
    yield carry.subarray(0, end);
  }
}

function decode(line: Buffer, job: ImportJob, n: number): string {
  if (job.source.encoding === 'latin-1') return line.toString('latin1');
  if (!isUtf8(line)) {
    throw new ImportFileError(
      job.name,
      n,
      undefined,
      'the line is not valid UTF-8 (the file is in another encoding: declare source.encoding: latin-1 if it is Latin-1)',
    );
  }
  return line.toString('utf8');
}

const cell = (v: unknown): string =>
  v === null || v === undefined
    ? 'null'
    : JSON.stringify(typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** One record as a JSON line of the copy. */
function record(n: number, values: unknown[]): string {
  let out = `{"${LINE_COLUMN}":${n}`;
  for (let i = 0; i < values.length; i++) out += `,"${rawColumn(i)}":${cell(values[i])}`;
  return `${out}}\n`;
}

export interface SourceStats {
  /** Lines holding a record. */
  records: number;
}

/**
 * The job's file as JSON lines of the copy, in chunks; `stats` is filled as it goes. Throws
 * ImportFileError on the first line that cannot be read, and when the file holds no record.
 */
export async function* sourceToJsonLines(input: Readable, job: ImportJob, stats: SourceStats): AsyncGenerator<string> {
  const fields = job.columns.map((c) => c.field);
  const { delimiter, quote, header, format } = job.source;
  let n = 0;
  let batch = '';
  for await (const bytes of byteLines(input, job.name)) {
    n++;
    const text = decode(bytes, job, n);
    if (format === 'csv' && header && n === 1) {
      const names = parseCsvLine(text.replace(/^\uFEFF/, ''), delimiter, quote).map((f) => f.trim());
      const missing = fields.filter((f) => !names.includes(f));
      if (missing.length)
        throw new ImportFileError(
          job.name,
          1,
          missing[0],
          `the header does not have the field${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} of the mapping (it has ${names.map((m) => `'${m}'`).join(', ')})`,
        );
      const order = fields.map((f) => names.indexOf(f));
      if (order.some((p, i) => p !== i))
        throw new ImportFileError(
          job.name,
          1,
          fields[order.findIndex((p, i) => p !== i)],
          `the header lists the fields in another order than the mapping (${names.join(', ')})`,
        );
      continue;
    }
    if (text.trim() === '') continue;
    let values: unknown[];
    if (format === 'csv') values = parseCsvLine(text, delimiter, quote);
    else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw new ImportFileError(job.name, n, undefined, `not a JSON line (${(err as Error).message})`);
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new ImportFileError(job.name, n, undefined, 'a JSON line must hold an object');
      values = fields.map((f) => (parsed as Record<string, unknown>)[f]);
    }
    stats.records++;
    batch += record(
      n,
      fields.map((_, i) => values[i]),
    );
    if (batch.length > 1 << 16) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
  if (stats.records === 0)
    throw new ImportFileError(job.name, undefined, undefined, `the file ${job.source.file} holds no record`);
}
