/**
 * The cloud export engine's exact requests, with aws-sdk-client-mock. The rules pinned come from
 * "Amazon Athena User Guide — UNLOAD" (the TO location must hold no data; results written to
 * several files in parallel, no header; metadata and manifest in the query results location),
 * "Amazon S3 User Guide — Uploading and copying objects using multipart upload" (parts of at least
 * 5 MiB but the last), RFC 1952 (gzip's magic bytes) and "Apache Parquet — File Format" (PAR1).
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { csvLineSelect, exportStatement, exportTarget } from '../imports/export-plan.js';
import { AthenaExportEngine } from './athena-export-engine.js';

const athena = mockClient(AthenaClient);
const glue = mockClient(GlueClient);
const s3 = mockClient(S3Client);

const WORK = 'exports/.work/exp-1';

function engine() {
  return new AthenaExportEngine({
    athena: new AthenaClient({ region: 'eu-west-1' }),
    glue: new GlueClient({ region: 'eu-west-1' }),
    s3: new S3Client({ region: 'eu-west-1' }),
    objects: {
      list: async () => [],
      put: async () => {},
      open: async () => ({ byteLength: 0, slice: async () => new ArrayBuffer(0) }),
    },
    bucket: 'orca-data',
    database: 'orca',
    workGroup: 'orca',
    poll: [1, 1],
    sleep: async () => {},
  });
}

/** Objects under the work prefix, served by ListObjectsV2 and GetObject (a Range reads the first bytes). */
function objects(files: Record<string, Buffer>) {
  s3.on(ListObjectsV2Command).resolves({
    // Listed out of order: the engine orders them by key.
    Contents: Object.entries(files)
      .reverse()
      .map(([k, b]) => ({ Key: `${WORK}/${k}`, Size: b.length })),
  });
  s3.on(GetObjectCommand).callsFake((input: { Key: string; Range?: string }) => {
    const b = files[input.Key.slice(WORK.length + 1)]!;
    const body = input.Range ? b.subarray(0, 4) : b;
    // Small bodies in chunks of 3 bytes: a UTF-8 character split across chunks must come out whole.
    const size = body.length < 1024 ? 3 : 64 * 1024;
    const chunks: Buffer[] = [];
    for (let i = 0; i < body.length; i += size) chunks.push(body.subarray(i, i + size));
    return { Body: Object.assign(Readable.from(chunks), { transformToByteArray: async () => new Uint8Array(body) }) };
  });
}

/** What the engine wrote at a key: the PutObject body, or the multipart upload's parts joined. */
function written(): { key: string; body: string; contentType: string | undefined } {
  const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
  if (put)
    return { key: put.Key!, body: Buffer.from(put.Body as Buffer).toString('utf8'), contentType: put.ContentType };
  const create = s3.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input;
  const parts = s3.commandCalls(UploadPartCommand).map((c) => Buffer.from(c.args[0].input.Body as Buffer));
  return { key: create.Key!, body: Buffer.concat(parts).toString('utf8'), contentType: create.ContentType };
}

beforeEach(() => {
  athena.reset();
  glue.reset();
  s3.reset();
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
  athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
  s3.on(DeleteObjectsCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
  s3.on(UploadPartCommand).callsFake((i: { PartNumber: number }) => ({ ETag: `"e${i.PartNumber}"` }));
  s3.on(CompleteMultipartUploadCommand).resolves({});
  s3.on(CopyObjectCommand).resolves({});
});

describe('AthenaExportEngine — the write stage’s UNLOAD', () => {
  it('empties the work prefix (the TO location must hold no data), then runs the UNLOAD as it is, no table dropped', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${WORK}/old` }] });
    const e = engine();
    await e.prepareFolder(WORK);
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input.Prefix).toBe(`${WORK}/`);
    expect(s3.commandCalls(DeleteObjectsCommand)[0]!.args[0].input.Delete!.Objects).toEqual([{ Key: `${WORK}/old` }]);
    const url = e.url(exportTarget(e.dialect, WORK, 'csv'));
    expect(url).toBe(`s3://orca-data/${WORK}/`);
    const lines = csvLineSelect(
      e.dialect,
      '"orca"."people"',
      [
        { name: 'id', type: 'integer' },
        { name: 'email', type: 'string' },
      ],
      'id',
      ';',
    );
    const sql = exportStatement(e.dialect, lines, url, {
      format: 'csv',
      delimiter: ';',
      header: true,
    });
    await e.execute(sql);
    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString)).toEqual([sql]);
    expect(sql).toContain(`TO 's3://orca-data/${WORK}/' WITH (format = 'TEXTFILE')`);
    expect(glue.calls()).toHaveLength(0);
  });
});

describe('AthenaExportEngine — publish', () => {
  it('CSV: the header, then each file in key order (a gzip one gunzipped, a last line ended), one object at out', async () => {
    objects({
      '20261201_b': gzipSync(Buffer.from('3;çà\n4;d\n')),
      '20261201_a': Buffer.from('1;é\n2;b'),
      '20261201_c': Buffer.alloc(0),
    });
    const bytes = await engine().publish(WORK, 'exports/people.csv', 'id;email\n');
    const w = written();
    expect(w).toEqual({
      key: 'exports/people.csv',
      body: 'id;email\n1;é\n2;b\n3;çà\n4;d\n',
      contentType: 'text/csv; charset=utf-8',
    });
    expect(bytes).toBe(Buffer.byteLength('id;email\n1;é\n2;b\n3;çà\n4;d\n'));
    // The empty file is never read; the two others whole (no Range: they are not Parquet).
    const gets = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
    expect(gets.filter((g) => !g.Range).map((g) => g.Key)).toEqual([`${WORK}/20261201_a`, `${WORK}/20261201_b`]);
  });

  it('CSV larger than a part: a multipart upload of 8 MiB parts, completed (the file appears in one step)', async () => {
    const line = `${'x'.repeat(99)}\n`;
    const big = Buffer.from(line.repeat(90_000)); // 9,000,000 bytes
    objects({ part0: big });
    const bytes = await engine().publish(WORK, 'exports/big.csv');
    expect(bytes).toBe(9_000_000);
    const parts = s3.commandCalls(UploadPartCommand).map((c) => (c.args[0].input.Body as Buffer).length);
    expect(parts.length).toBe(2);
    expect(parts[0]).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(parts[0]! + parts[1]!).toBe(9_000_000);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input.MultipartUpload!.Parts).toEqual([
      { ETag: '"e1"', PartNumber: 1 },
      { ETag: '"e2"', PartNumber: 2 },
    ]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('Parquet, one file: copied to out (CopyObject), its size answered', async () => {
    objects({ q1_0: Buffer.from('PAR1....PAR1') });
    const bytes = await engine().publish(WORK, 'exports/my people.parquet');
    expect(s3.commandCalls(CopyObjectCommand).map((c) => c.args[0].input)).toEqual([
      {
        Bucket: 'orca-data',
        Key: 'exports/my people.parquet',
        CopySource: `orca-data/${WORK.split('/').map(encodeURIComponent).join('/')}/q1_0`,
      },
    ]);
    expect(bytes).toBe(12);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('Parquet, several files: each copied to out/part-NNNNN.parquet (files cannot be concatenated)', async () => {
    objects({ q1_0: Buffer.from('PAR1aaPAR1'), q1_1: Buffer.from('PAR1bbbPAR1') });
    const bytes = await engine().publish(WORK, 'exports/people.parquet');
    expect(s3.commandCalls(CopyObjectCommand).map((c) => [c.args[0].input.Key, c.args[0].input.CopySource])).toEqual([
      ['exports/people.parquet/part-00000.parquet', `orca-data/exports/.work/exp-1/q1_0`],
      ['exports/people.parquet/part-00001.parquet', `orca-data/exports/.work/exp-1/q1_1`],
    ]);
    expect(bytes).toBe(21);
  });

  it('refuses an out outside the bucket’s relative paths', async () => {
    objects({});
    await expect(engine().publish(WORK, '../elsewhere.csv')).rejects.toThrow(/out/);
  });
});
