/**
 * How orca reads a CSV file, the same way for both engines: one parser, here, turns the file into
 * JSON lines ({"orca_line": n, "orca_raw_<column>": "text", ...}) that DuckDB (read_json) and Athena
 * (a Glue table with the OpenX JSON SerDe) read back as they are. Neither engine parses the CSV
 * itself, so both see the same fields, and the line numbers come from the file itself (Athena has
 * no line numbers, and `row_number() OVER ()` numbers rows in whatever order they arrive).
 *
 * The rules (those of Athena's OpenCSVSerDe where it has one, "Amazon Athena User Guide — Open CSV
 * SerDe for processing CSV"):
 * - a record is one line: embedded line breaks are not supported (as OpenCSVSerDe); `\r\n` and `\n` end a line;
 * - fields are separated by the delimiter; a field may be enclosed in double quotes (`"`), and then
 *   holds delimiters, and a quote is written twice (`""`) inside it (RFC 4180);
 * - a backslash is an ordinary character (OpenCSVSerDe's escapeChar, which drops backslashes, is not used);
 * - blank lines hold no record; missing fields are NULL, extra fields are ignored;
 * - with a header, line 1 is skipped; line numbers count every line of the file from 1.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ActivityError } from '../util/errors.js';

export interface CsvShape {
  delimiter: string;
  header: boolean;
  /** Names of the fields, in order. */
  columns: string[];
}

export const LINE_COLUMN = 'orca_line';

/** The fields of one line (`quote` encloses a field; written twice inside it). */
export function parseCsvLine(line: string, delimiter: string, quote = '"'): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let value = '';
    if (line[i] === quote) {
      i++;
      for (;;) {
        const q = line.indexOf(quote, i);
        if (q < 0) {
          // An unterminated quote runs to the end of the line.
          value += line.slice(i);
          i = line.length;
          break;
        }
        value += line.slice(i, q);
        if (line[q + 1] === quote) {
          value += quote;
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // Anything between the closing quote and the next delimiter belongs to the field.
      const d = line.indexOf(delimiter, i);
      value += line.slice(i, d < 0 ? line.length : d);
      i = d < 0 ? line.length : d;
    } else {
      const d = line.indexOf(delimiter, i);
      value = line.slice(i, d < 0 ? line.length : d);
      i = d < 0 ? line.length : d;
    }
    fields.push(value);
    if (i >= line.length) return fields;
    i += delimiter.length;
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}

/** One record as a JSON line, or undefined for a line that holds none (the header, a blank line). */
export function jsonLine(line: string, lineNumber: number, shape: CsvShape): string | undefined {
  if (shape.header && lineNumber === 1) return undefined;
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.trim() === '') return undefined;
  const fields = parseCsvLine(text, shape.delimiter);
  const record: Record<string, string | number | null> = { [LINE_COLUMN]: lineNumber };
  shape.columns.forEach((c, i) => {
    record[c] = fields[i] ?? null;
  });
  return `${JSON.stringify(record)}\n`;
}

/** A CSV file's records as JSON lines, read and written as streams (any size). */
export async function* csvToJsonLines(input: Readable, shape: CsvShape): AsyncGenerator<string> {
  let n = 0;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    const out = jsonLine(line, ++n, shape);
    if (out !== undefined) yield out;
  }
}

/**
 * The real path of a Load file's `file` under a local data folder. Links are followed (fs.realpath)
 * and a path that leads outside the data folder, by `..` or by a symbolic link (to /etc/passwd...),
 * is refused with a one-line error naming the field, as is a file that does not exist.
 */
export async function fileInsideDataFolder(dataRoot: string, file: string): Promise<string> {
  const root = await realpath(dataRoot);
  let real: string;
  try {
    real = await realpath(resolve(root, file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new ActivityError(`file: the file ${file} does not exist under the data folder ${dataRoot}`);
    throw new ActivityError(`file: the file ${file} cannot be read (${(err as Error).message})`);
  }
  const rel = relative(root, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
    throw new ActivityError(
      `file: ${file} leads to ${real}, outside the data folder ${dataRoot}; Load file reads only files inside it`,
    );
  return real;
}
