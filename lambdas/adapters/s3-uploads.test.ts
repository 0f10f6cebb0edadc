/**
 * The presigned PUT of an upload (no request is sent: presigning is local). Rules from AWS's
 * "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)": X-Amz-Expires is the
 * validity in seconds, X-Amz-SignedHeaders lists the headers whose values the request must carry
 * (here content-length and content-type, so S3 refuses another size or type). And from "Checking
 * object integrity" (flexible checksums): a checksum parameter in the URL would be the checksum of
 * the empty body presigned, so the client is made with requestChecksumCalculation WHEN_REQUIRED.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3Uploads } from './s3-uploads.js';

const s3 = new S3Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  requestChecksumCalculation: 'WHEN_REQUIRED',
});

describe('S3Uploads', () => {
  it('a presigned PUT of uploads/<id>/<name> in the data bucket, its length and type signed, for 15 minutes', async () => {
    const uploads = new S3Uploads(s3, 'orca-data', 1024 ** 3, () => Date.parse('2026-12-01T10:00:00Z'));
    const t = await uploads.prepare({ name: 'people.csv', size: 1234, contentType: 'text/csv' });
    expect(t.file).toMatch(/^uploads\/[a-f0-9]{32}\/people\.csv$/);
    expect(t.method).toBe('PUT');
    expect(t.headers).toEqual({ 'content-type': 'text/csv' });
    expect(t.expiresAt).toBe('2026-12-01T10:15:00.000Z');
    const url = new URL(t.url);
    expect(url.origin + url.pathname).toBe(`https://orca-data.s3.eu-west-1.amazonaws.com/${t.file}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect([...url.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
    expect(uploads.maxBytes).toBe(1024 ** 3);
  });
});
