/**
 * Where the CLI sends a ticket's transfer, and how it is signed: a ticket's relative url is under
 * the API's base URL (its stage path kept), an absolute one (a presigned S3 URL) as it is. Requests
 * to a deployed API are signed with SigV4 (AWS General Reference, "Signature Version 4 signing
 * process": Authorization with Credential=<key>/<date>/<region>/<service>/aws4_request and the
 * signed headers); a streamed body declares x-amz-content-sha256: UNSIGNED-PAYLOAD, its hash being
 * unknown before it is sent. A presigned URL carries its signature in its query: its request gets
 * no Authorization (S3 would refuse two signatures), nor does the local server's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from './api-client.js';

const API = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod';

beforeEach(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
});
afterEach(() => vi.unstubAllEnvs());

describe('ApiClient tickets', () => {
  it("resolves a relative url under the API's base URL, an absolute one as it is", () => {
    const api = new ApiClient(API);
    expect(api.resolve('/downloads/ab/people.csv').href).toBe(`${API}/downloads/ab/people.csv`);
    const s3 = 'https://data.s3.eu-west-1.amazonaws.com/uploads/ab/p.csv?X-Amz-Signature=f00';
    expect(api.resolve(s3).href).toBe(s3);
    expect(new ApiClient('http://127.0.0.1:7777').resolve('/uploads/ab/p.csv').href).toBe(
      'http://127.0.0.1:7777/uploads/ab/p.csv',
    );
  });

  it('signs a streamed PUT to a deployed API with an unsigned payload; not a presigned URL, nor the local server', async () => {
    const api = new ApiClient(API);
    const put = await api.headersFor(
      'PUT',
      api.resolve('/uploads/ab/p.csv'),
      { 'content-type': 'text/csv', 'content-length': '20' },
      undefined,
      true,
    );
    expect(put['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(put.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    const s3 = new URL('https://data.s3.eu-west-1.amazonaws.com/uploads/ab/p.csv?X-Amz-Signature=f00');
    expect(await api.headersFor('PUT', s3, { 'content-type': 'text/csv' }, undefined, true)).toEqual({
      host: 'data.s3.eu-west-1.amazonaws.com',
      'content-type': 'text/csv',
    });
    const local = new ApiClient('http://127.0.0.1:7777');
    expect(await local.headersFor('GET', local.resolve('/downloads/ab/p.csv'), {})).toEqual({
      host: '127.0.0.1:7777',
    });
  });
});
