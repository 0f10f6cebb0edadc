/**
 * Reads an import job's file before the engine does:
 * - a CSV file locally is read by DuckDB itself (read_csv, lambdas/imports/plan.ts); `scanCsv` first
 *   checks its bytes in bounded chunks without parsing CSV (UTF-8, line length, the header against
 *   the mapping, quotes closed on their line) and records where the lines that hold no record are,
 *   so that the rows DuckDB reads get their line numbers in the file (CsvLayout);
 * - otherwise (JSON lines; CSV in the cloud) `sourceToJsonLines` writes the JSON-lines copy both
 *   engines query ({"orca_line": n, "orca_raw_0": "text", ...}: one field of the mapping per
 *   orca_raw_<i>), with the CSV rules of lambdas/sql/csv.ts.
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

const NOT_UTF8 =
  'the line is not valid UTF-8 (the file is in another encoding: declare source.encoding: latin-1 if it is Latin-1)';

/** Checks the header line's fields against the mapping (its fields, first and in order). */
function checkHeader(text: string, job: ImportJob): void {
  const fields = job.columns.map((c) => c.field);
  const names = parseCsvLine(text.replace(/^\uFEFF/, ''), job.source.delimiter, job.source.quote).map((f) => f.trim());
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
}

/**
 * Where the lines of a CSV file that hold no record are, as DuckDB's read_csv sees them: it skips
 * empty lines and reads a line of blanks as a row. Both lists stay short in a real file (at most
 * MAX_LAYOUT_LINES each).
 */
export interface CsvLayout {
  header: boolean;
  /** For each empty line, in order: how many rows DuckDB reads before it. */
  gaps: number[];
  /** Line numbers of the lines of blanks (a row for DuckDB, no record for orca). */
  blanks: number[];
}

export const MAX_LAYOUT_LINES = 1000;

const isBlankByte = (b: number) => b === 32 || b === 9 || b === 13;

/**
 * Checks a CSV file's bytes in bounded chunks (no CSV parsing but the header line's): each line
 * valid UTF-8 (unless declared Latin-1) and at most MAX_LINE_BYTES long, the header naming the
 * mapping's fields, an even number of quote characters on each line (a quoted field cannot span
 * lines). Returns the number of records and the layout of the lines without one.
 */
export async function scanCsv(input: Readable, job: ImportJob): Promise<{ records: number; layout: CsvLayout }> {
  const quote = job.source.quote.charCodeAt(0);
  const utf8 = job.source.encoding !== 'latin-1';
  const header = job.source.header;
  const layout: CsvLayout = { header, gaps: [], blanks: [] };
  let n = 0;
  let rows = 0;
  let records = 0;
  let pendingGaps: number[] = [];
  // The next quote character of the chunk at or after the line's start (-1: none left): one search per quote, not per line.
  let nextQuote = -1;
  const line = (buf: Buffer, start: number, end: number): void => {
    n++;
    if (end > start && buf[end - 1] === 13) end--;
    if (end - start > MAX_LINE_BYTES)
      throw new ImportFileError(job.name, n, undefined, `the line is longer than ${MAX_LINE_BYTES} bytes`);
    if (n === 1 && header) {
      const text = buf.subarray(start, end);
      if (utf8 && !isUtf8(text)) throw new ImportFileError(job.name, n, undefined, NOT_UTF8);
      checkHeader(text.toString(utf8 ? 'utf8' : 'latin1'), job);
      return;
    }
    let quotes = 0;
    if (nextQuote >= 0 && nextQuote < start) nextQuote = buf.indexOf(quote, start);
    for (; nextQuote >= 0 && nextQuote < end; nextQuote = buf.indexOf(quote, nextQuote + 1)) quotes++;
    if (quotes % 2)
      throw new ImportFileError(
        job.name,
        n,
        undefined,
        `a quoted field is not closed on its line (the quote is ${job.source.quote}; a field cannot span lines)`,
      );
    if (end === start) {
      // Empty: DuckDB skips it (counted once a record follows: trailing empty lines do not matter).
      pendingGaps.push(rows);
      return;
    }
    rows++;
    if (isBlankByte(buf[start]!)) {
      let i = start;
      while (i < end && isBlankByte(buf[i]!)) i++;
      if (i === end) {
        if (layout.blanks.length >= MAX_LAYOUT_LINES)
          throw new ImportFileError(job.name, n, undefined, `more than ${MAX_LAYOUT_LINES} blank lines`);
        layout.blanks.push(n);
        return;
      }
    }
    if (pendingGaps.length) {
      layout.gaps.push(...pendingGaps);
      pendingGaps = [];
      if (layout.gaps.length > MAX_LAYOUT_LINES)
        throw new ImportFileError(job.name, n, undefined, `more than ${MAX_LAYOUT_LINES} empty lines`);
    }
    records++;
  };
  let carry: Buffer | undefined;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    const last = buf.lastIndexOf(10);
    if (last < 0) {
      if (buf.length > MAX_LINE_BYTES)
        throw new ImportFileError(job.name, n + 1, undefined, `the line is longer than ${MAX_LINE_BYTES} bytes`);
      carry = Buffer.from(buf);
      continue;
    }
    const whole = buf.subarray(0, last + 1);
    // The chunk's whole lines at once; line by line only to name the bad one.
    const checkLines = utf8 && !isUtf8(whole);
    let start = 0;
    nextQuote = whole.indexOf(quote);
    for (let nl = whole.indexOf(10); nl >= 0; nl = whole.indexOf(10, start)) {
      if (checkLines && !isUtf8(whole.subarray(start, nl)))
        throw new ImportFileError(job.name, n + 1, undefined, NOT_UTF8);
      line(whole, start, nl);
      start = nl + 1;
    }
    const rest = buf.subarray(last + 1);
    if (rest.length > MAX_LINE_BYTES)
      throw new ImportFileError(job.name, n + 1, undefined, `the line is longer than ${MAX_LINE_BYTES} bytes`);
    carry = rest.length ? Buffer.from(rest) : undefined;
  }
  if (carry?.length) {
    if (utf8 && !isUtf8(carry)) throw new ImportFileError(job.name, n + 1, undefined, NOT_UTF8);
    nextQuote = carry.indexOf(quote);
    line(carry, 0, carry.length);
  }
  if (records === 0)
    throw new ImportFileError(job.name, undefined, undefined, `the file ${job.source.file} holds no record`);
  return { records, layout };
}

function decode(line: Buffer, job: ImportJob, n: number): string {
  if (job.source.encoding === 'latin-1') return line.toString('latin1');
  if (!isUtf8(line)) throw new ImportFileError(job.name, n, undefined, NOT_UTF8);
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
      checkHeader(text, job);
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
