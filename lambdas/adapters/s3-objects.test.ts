/** The S3 code against s3rver on loopback (real HTTP, real XML), not a mock. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListObjectsV2Command, PutObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { deletePrefix } from './s3-objects.js';
import { startS3rver, type LocalS3 } from '../../test/helpers/s3rver.js';

let local: LocalS3;
let s3: S3Client;

beforeAll(async () => {
  local = await startS3rver(['orca-data']);
  s3 = local.s3;
});
afterAll(() => local.close());

const put = (Key: string, Body = 'x') => s3.send(new PutObjectCommand({ Bucket: 'orca-data', Key, Body }));
const keys = async (Prefix: string) => {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: 'orca-data', Prefix, ContinuationToken: token }));
    out.push(...(r.Contents ?? []).map((o) => o.Key!));
    token = r.NextContinuationToken;
  } while (token);
  return out.sort();
};

describe('deletePrefix against s3rver', () => {
  it('deletes every object under a prefix, across pages, and nothing else', async () => {
    const run = 'work/c/r1/a';
    // More than one page of listing (1,000 keys), seeded into s3rver's store; the others over HTTP.
    local.seed(
      'orca-data',
      Array.from({ length: 1005 }, (_, i) => `${run}/orca_output=main/part-${String(i).padStart(4, '0')}.parquet`),
    );
    await put('work/c/r1/ab/orca_output=main/keep.parquet');
    await put('work/c/r2/a/orca_output=main/keep.parquet');
    await put('audiences/x/r1-save/orca_output=main/keep.parquet', 'audience');
    expect(await deletePrefix(s3, 'orca-data', run)).toBe(1005);
    expect(await keys('work/')).toEqual([
      'work/c/r1/ab/orca_output=main/keep.parquet',
      'work/c/r2/a/orca_output=main/keep.parquet',
    ]);
    const body = await (
      await s3.send(
        new GetObjectCommand({ Bucket: 'orca-data', Key: 'audiences/x/r1-save/orca_output=main/keep.parquet' }),
      )
    ).Body!.transformToString();
    expect(body).toBe('audience');
    expect(await deletePrefix(s3, 'orca-data', 'nothing/here')).toBe(0);
  });
});
