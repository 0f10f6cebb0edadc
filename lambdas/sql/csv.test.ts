/**
 * The one CSV reading rule of both engines (lambdas/sql/csv.ts), from "Amazon Athena User Guide —
 * Open CSV SerDe for processing CSV" where it has one, and what orca chose where it differs.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvToJsonLines, fileInsideDataFolder, jsonLine, parseCsvLine } from './csv.js';
import { AthenaDialect, DuckDbDialect } from './dialect.js';

const shape = { delimiter: ',', header: true, columns: ['a', 'b'] };
const all = async (text: string | string[], s = shape) => {
  const out: unknown[] = [];
  for await (const l of csvToJsonLines(Readable.from(Array.isArray(text) ? text : [text]), s)) out.push(JSON.parse(l));
  return out;
};

describe('CSV rules (Amazon Athena User Guide — Open CSV SerDe for processing CSV)', () => {
  it('uses the double quote as the quote character: a quoted field holds delimiters', () => {
    expect(parseCsvLine('"x,y",z', ',')).toEqual(['x,y', 'z']);
    expect(parseCsvLine('a;"b;c";', ';')).toEqual(['a', 'b;c', '']);
  });

  it('a quote inside a quoted field is written twice (RFC 4180)', () => {
    expect(parseCsvLine('"say ""hi""",2', ',')).toEqual(['say "hi"', '2']);
  });

  it("a backslash is an ordinary character (OpenCSVSerDe's escapeChar would drop it: orca does not use it)", () => {
    expect(parseCsvLine('C:\\dir\\new,"a\\"', ',')).toEqual(['C:\\dir\\new', 'a\\']);
  });

  it('a record is one line: OpenCSVSerDe "does not support embedded line breaks"', async () => {
    // The open quote of line 2 ends with its line; line 3 is a record of its own.
    expect(await all('a,b\n"open,1\nnext",2\n')).toEqual([
      { orca_line: 2, a: 'open,1', b: null },
      { orca_line: 3, a: 'next"', b: '2' },
    ]);
  });

  it('numbers every line of the file from 1: the header is line 1, blank lines count but hold no record', async () => {
    expect(await all(['a,b\r\n1,x\r\n', '\r\n  \n2,', 'y\n3\n4,z,extra\n'])).toEqual([
      { orca_line: 2, a: '1', b: 'x' },
      { orca_line: 5, a: '2', b: 'y' },
      // Missing fields are NULL, extra ones ignored.
      { orca_line: 6, a: '3', b: null },
      { orca_line: 7, a: '4', b: 'z' },
    ]);
    expect(await all('1,x\n2,y', { ...shape, header: false })).toEqual([
      { orca_line: 1, a: '1', b: 'x' },
      { orca_line: 2, a: '2', b: 'y' },
    ]);
  });

  it('keeps values as text, spaces and all (the planner trims and types them)', () => {
    expect(jsonLine(' a , 1.5 ', 2, shape)).toBe('{"orca_line":2,"a":" a ","b":" 1.5 "}\n');
    expect(jsonLine('a,b', 1, shape)).toBeUndefined();
  });
});

describe("both engines read the run's copy, with the line numbers it holds", () => {
  const src = {
    location: 'incoming/leads.csv',
    copy: 'work/c/r/load.source',
    table: 'csv_work_c_r_load_12345678',
    delimiter: ',',
    header: true,
    columns: ['orca_raw_email'],
  };
  it("Athena: no row_number() OVER (), which numbers rows in the order they arrive, not the file's", () => {
    const sql = new AthenaDialect({ database: 'orca' }).csvFile(src);
    expect(sql).toBe('(SELECT "orca_raw_email", "orca_line" FROM "orca"."csv_work_c_r_load_12345678")');
    expect(sql).not.toMatch(/row_number/i);
  });
  it('DuckDB: the same copy, read as JSON lines', () => {
    const sql = new DuckDbDialect('/data').csvFile(src);
    expect(sql).toBe(
      `(SELECT "orca_raw_email", "orca_line" FROM read_json('/data/work/c/r/load.source/records.json', format = 'newline_delimited', columns = {'orca_line': 'BIGINT', 'orca_raw_email': 'VARCHAR'}))`,
    );
    expect(sql).not.toMatch(/row_number|read_csv/i);
  });
});

describe('Load file reads only files inside the data folder (real paths, links followed)', () => {
  let root: string;
  let outside: string;
  beforeAll(() => {
    const base = mkdtempSync(join(tmpdir(), 'orca-csv-'));
    root = join(base, 'data');
    outside = join(base, 'secret.csv');
    mkdirSync(join(root, 'incoming', 'sub'), { recursive: true });
    writeFileSync(join(root, 'incoming', 'leads.csv'), 'email\n');
    writeFileSync(outside, 'secret\n');
    symlinkSync(outside, join(root, 'incoming', 'to-secret.csv'));
    symlinkSync('/etc/passwd', join(root, 'incoming', 'passwd.csv'));
    symlinkSync(join(base), join(root, 'incoming', 'up'));
    // A link that stays inside is followed.
    symlinkSync(join(root, 'incoming', 'leads.csv'), join(root, 'incoming', 'sub', 'inside.csv'));
    return () => rmSync(base, { recursive: true, force: true });
  });

  it('a file inside, also through a link that stays inside, resolves to its real path', async () => {
    const real = realpathSync(join(root, 'incoming', 'leads.csv'));
    expect(await fileInsideDataFolder(root, 'incoming/leads.csv')).toBe(real);
    expect(await fileInsideDataFolder(root, 'incoming/sub/inside.csv')).toBe(real);
  });

  it('a link to /etc/passwd, a link out of the folder, .. and an absolute path are refused, naming the field', async () => {
    for (const file of [
      'incoming/passwd.csv',
      'incoming/to-secret.csv',
      'incoming/up/secret.csv',
      '../secret.csv',
      outside,
    ])
      await expect(fileInsideDataFolder(root, file)).rejects.toMatchObject({
        name: 'Orca.ActivityError',
        message: expect.stringMatching(/^file: .* outside the data folder .*; Load file reads only files inside it$/),
      });
  });

  it('a missing file is one clear line', async () => {
    await expect(fileInsideDataFolder(root, 'incoming/nope.csv')).rejects.toThrow(
      /^file: the file incoming\/nope\.csv does not exist under the data folder /,
    );
  });
});
