/** The data bucket as an ObjectStore: against s3rver (real HTTP), and the Range header it sends. */
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3rver, type LocalS3 } from '../../test/helpers/s3rver.js';
import { S3ObjectStore } from './s3-object-store.js';

let local: LocalS3;
beforeAll(async () => {
  local = await startS3rver(['orca-data']);
});
afterAll(() => local.close());

describe('S3ObjectStore against s3rver', () => {
  it('puts, lists a prefix sorted by key, and reads ranges', async () => {
    const store = new S3ObjectStore(local.s3, 'orca-data');
    const prefix = 'work/c/r/mail/orca_output=messages';
    local.seed('orca-data', [`${prefix}/orca_chunk=1/data_0.parquet`, `${prefix}/orca_chunk=0/data_0.parquet`]);
    local.seed('orca-data', [`${prefix}x/other.parquet`]);
    await store.put(
      'channels/messages/channel=email/day=2026-12-01/r_mail_0.jsonl',
      '{"a":1}\n',
      'application/x-ndjson',
    );
    const listed = await store.list(`${prefix}/`);
    expect(listed).toEqual([
      { key: `${prefix}/orca_chunk=0/data_0.parquet`, size: 1 },
      { key: `${prefix}/orca_chunk=1/data_0.parquet`, size: 1 },
    ]);
    const r = await store.open('channels/messages/channel=email/day=2026-12-01/r_mail_0.jsonl');
    expect(r.byteLength).toBe(8);
    expect(new TextDecoder().decode(await r.slice(1, 4))).toBe('"a"');
    expect(new TextDecoder().decode(await r.slice(0))).toBe('{"a":1}\n');
    expect((await r.slice(8)).byteLength).toBe(0);
    await expect(store.put('../x', 'x')).rejects.toThrow(/'\.\.' segment/);
  });
});

describe('S3ObjectStore requests', () => {
  it('asks for bytes first-last, both inclusive (RFC 9110 §14.1.2, "Amazon S3 API Reference — GetObject, Range")', async () => {
    const s3 = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const mock = mockClient(s3);
    mock.on(HeadObjectCommand).resolves({ ContentLength: 100 });
    // The body as the SDK gives it (a stream with transformToByteArray).
    mock
      .on(GetObjectCommand)
      .resolves({ Body: { transformToByteArray: async () => new Uint8Array([97, 98, 99]) } as never });
    const r = await new S3ObjectStore(s3, 'bucket').open('work/x.parquet');
    await r.slice(10, 13);
    await r.slice(90);
    await r.slice(95, 500);
    expect(mock.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'bucket', Key: 'work/x.parquet', Range: 'bytes=10-12' },
      { Bucket: 'bucket', Key: 'work/x.parquet', Range: 'bytes=90-99' },
      { Bucket: 'bucket', Key: 'work/x.parquet', Range: 'bytes=95-99' },
    ]);
    mock.restore();
  });

  it('lists every page: a truncated page is followed by its NextContinuationToken ("Amazon S3 API Reference — ListObjectsV2")', async () => {
    const s3 = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const mock = mockClient(s3);
    mock
      .on(ListObjectsV2Command, { ContinuationToken: undefined })
      .resolves({ Contents: [{ Key: 'p/b', Size: 2 }], IsTruncated: true, NextContinuationToken: 't1' })
      .on(ListObjectsV2Command, { ContinuationToken: 't1' })
      .resolves({ Contents: [{ Key: 'p/a', Size: 1 }], IsTruncated: false });
    expect(await new S3ObjectStore(s3, 'bucket').list('p/')).toEqual([
      { key: 'p/a', size: 1 },
      { key: 'p/b', size: 2 },
    ]);
    expect(mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix)).toEqual(['p/', 'p/']);
    mock.restore();
  });
});
