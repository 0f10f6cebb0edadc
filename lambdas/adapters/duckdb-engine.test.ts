/** The embedded engine on real files: previews page in the key's order. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaClient } from '@aws-sdk/client-athena';
import { CreateTableCommand, DeleteTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AthenaEngine } from './athena-engine.js';
import { DuckDbEngine } from './duckdb-engine.js';
import type { Population } from '../sql/population.js';

let dir: string;
let engine: DuckDbEngine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orca-duckdb-engine-'));
  engine = await DuckDbEngine.open(dir);
  // Three files written in an order unrelated to the key: a scan returns them in any order.
  const part = join(dir, 'work/c/r/a/orca_output=main');
  mkdirSync(part, { recursive: true });
  for (const [i, ids] of [
    [9, 3, 7],
    [1, 8, 2],
    [6, 4, 5, 10],
  ].entries()) {
    const values = ids.map((id) => `(${id}, 'n${id}')`).join(', ');
    await engine.query(
      `COPY (SELECT * FROM (VALUES ${values}) AS t(id, name)) TO '${join(part, `${i}.parquet`)}' (FORMAT PARQUET)`,
    );
  }
});
afterAll(() => {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
});

const ref = (dimension: string | null): Population => ({
  dimension,
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'name', type: 'string' },
  ],
  location: 'work/c/r/a',
  table: 'w',
  output: 'main',
  rows: 10,
});

describe('DuckDbEngine.preview', () => {
  it('pages in the order of the key: pages neither overlap nor skip rows', async () => {
    const pages = [];
    for (let offset = 0; offset < 10; offset += 3) pages.push(await engine.preview(ref('recipients'), 3, offset));
    expect(pages.map((p) => p.map((r) => r.id))).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]);
  });

  it('without a dimension, orders by every column', async () => {
    const rows = await engine.preview(ref(null), 4, 2);
    expect(rows).toEqual([
      { id: 3, name: 'n3' },
      { id: 4, name: 'n4' },
      { id: 5, name: 'n5' },
      { id: 6, name: 'n6' },
    ]);
  });
});

describe('Load file: the same records and line numbers in both engines', () => {
  it('the embedded and the cloud engine write the same copy of a file, and DuckDB reads it back in any order', async () => {
    // 30,000 lines, with quotes, backslashes, blank lines and CRLF: enough for a parallel scan to reorder rows.
    const lines = ['email,score'];
    for (let i = 2; i <= 30_000; i++)
      lines.push(i % 997 === 0 ? '' : i % 101 === 0 ? `"q""${i}\\x",${i}` : `p${i}@x.com,${i}`);
    const text = `${lines.join('\r\n')}\r\n`;
    mkdirSync(join(dir, 'incoming'), { recursive: true });
    writeFileSync(join(dir, 'incoming/big.csv'), text);
    const src = {
      location: 'incoming/big.csv',
      copy: 'work/c/r/load.source',
      table: 'csv_t',
      delimiter: ',',
      header: true,
      columns: ['orca_raw_email', 'orca_raw_score'],
    };
    await engine.prepareCsv(src);
    const local = readFileSync(join(dir, src.copy, 'records.json'), 'utf8');

    // Mocks of these instances only: other test files of the worker mock the client classes.
    const s3Client = new S3Client({ region: 'eu-west-1' });
    const glueClient = new GlueClient({ region: 'eu-west-1' });
    const s3 = mockClient(s3Client);
    const glue = mockClient(glueClient);
    s3.on(GetObjectCommand).resolves({ Body: Readable.from([text]) as never });
    s3.on(ListObjectsV2Command).resolves({});
    s3.on(PutObjectCommand).resolves({});
    glue.on(DeleteTableCommand).resolves({});
    glue.on(CreateTableCommand).resolves({});
    await new AthenaEngine({
      athena: new AthenaClient({ region: 'eu-west-1' }),
      glue: glueClient,
      s3: s3Client,
      bucket: 'b',
      database: 'orca',
      workGroup: 'orca',
    }).prepareCsv(src);
    expect(String(s3.commandCalls(PutObjectCommand)[0]!.args[0].input.Body)).toBe(local);
    s3.restore();
    glue.restore();

    // The line number is a value of each record: however the scan orders the rows, it is the file's.
    const rows = await engine.query(
      `SELECT orca_line, orca_raw_email, orca_raw_score FROM ${engine.dialect.csvFile(src)} WHERE orca_line IN (2, 202, 29999, 30000) ORDER BY orca_line`,
    );
    expect(rows).toEqual([
      { orca_line: '2', orca_raw_email: 'p2@x.com', orca_raw_score: '2' },
      { orca_line: '202', orca_raw_email: 'q"202\\x', orca_raw_score: '202' },
      { orca_line: '29999', orca_raw_email: 'p29999@x.com', orca_raw_score: '29999' },
      { orca_line: '30000', orca_raw_email: 'p30000@x.com', orca_raw_score: '30000' },
    ]);
    const [count] = await engine.query(
      `SELECT count(*) AS n, max(orca_line) AS last FROM ${engine.dialect.csvFile(src)}`,
    );
    expect(count).toEqual({ n: String(29_999 - 30), last: '30000' });
  });
});
