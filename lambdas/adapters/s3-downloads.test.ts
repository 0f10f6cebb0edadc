/**
 * The presigned GET of an export's file (no request is sent: presigning is local). Rules from
 * AWS's "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)": X-Amz-Expires
 * is the validity in seconds; and from "Amazon S3 API Reference — GetObject": the
 * response-content-disposition parameter of a signed request sets the answer's Content-Disposition.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3Downloads } from './s3-downloads.js';

const s3 = new S3Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

describe('S3Downloads', () => {
  it('a presigned GET of the file in the data bucket, saved under its name, for 15 minutes', async () => {
    const downloads = new S3Downloads(s3, 'orca-data', () => Date.parse('2026-12-01T10:00:00Z'));
    const t = await downloads.prepare('exports/people-exp-1.csv', 'people-exp-1.csv');
    expect(t).toMatchObject({ file: 'exports/people-exp-1.csv', method: 'GET', expiresAt: '2026-12-01T10:15:00.000Z' });
    const url = new URL(t.url);
    expect(url.origin + url.pathname).toBe('https://orca-data.s3.eu-west-1.amazonaws.com/exports/people-exp-1.csv');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('response-content-disposition')).toBe('attachment; filename="people-exp-1.csv"');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[a-f0-9]{64}$/);
    expect([...url.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
  });

  it('a name that could break the header is made safe', async () => {
    const t = await new S3Downloads(s3, 'orca-data').prepare('exports/x.csv', 'a"b\r\nc.csv');
    expect(new URL(t.url).searchParams.get('response-content-disposition')).toBe('attachment; filename="a_b_c.csv"');
  });
});
