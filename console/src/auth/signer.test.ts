/**
 * SigV4 of the console's requests, checked against AWS's Signature Version 4 test suite
 * (aws-sig-v4-test-suite: get-vanilla, post-vanilla; credentials AKIDEXAMPLE, 20150830T123600Z,
 * us-east-1, service "service"), then, as the console signs (execute-api, a session token, the body's
 * hash, a query), against the algorithm of "AWS Identity and Access Management User Guide — Create a
 * signed AWS API request" computed here with node:crypto (itself checked on get-vanilla first).
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { requestSigner } from './signer.js';

const KEY = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const WHEN = new Date('2015-08-30T12:36:00Z');

const vanilla = (service = 'service', applyChecksum = false) =>
  requestSigner({ region: 'us-east-1', service, applyChecksum, credentials: async () => KEY, now: () => WHEN });

/** The documented algorithm, step by step (canonical request, string to sign, signing key). */
function reference(input: {
  method: string;
  host: string;
  path: string;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body: string;
  region: string;
  service: string;
  secret: string;
  accessKeyId: string;
  amzDate: string;
}): string {
  const hex = (s: string) => createHash('sha256').update(s).digest('hex');
  const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s).digest();
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const headers = Object.fromEntries(
    Object.entries({ ...input.headers, host: input.host }).map(([k, v]) => [k.toLowerCase(), v.trim()]),
  );
  const names = Object.keys(headers).sort();
  const canonical = [
    input.method,
    input.path
      .split('/')
      .map((s) => enc(enc(decodeURIComponent(s))))
      .join('/'),
    input.query
      .map(([k, v]) => `${enc(k)}=${enc(v)}`)
      .sort()
      .join('&'),
    ...names.map((n) => `${n}:${headers[n]}`),
    '',
    names.join(';'),
    hex(input.body),
  ].join('\n');
  const day = input.amzDate.slice(0, 8);
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', input.amzDate, scope, hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${input.secret}`, day), input.region), input.service), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
}

describe('AWS Signature Version 4 test suite', () => {
  it('get-vanilla', async () => {
    const signed = await vanilla()(new Request('https://example.amazonaws.com/'));
    expect(signed.headers.get('x-amz-date')).toBe('20150830T123600Z');
    expect(signed.headers.get('authorization')).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('post-vanilla', async () => {
    const signed = await vanilla()(new Request('https://example.amazonaws.com/', { method: 'POST' }));
    expect(signed.headers.get('authorization')).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
    );
  });

  it('the reference computation gives get-vanilla’s signature too', () => {
    expect(
      reference({
        method: 'GET',
        host: 'example.amazonaws.com',
        path: '/',
        query: [],
        headers: { 'x-amz-date': '20150830T123600Z' },
        body: '',
        region: 'us-east-1',
        service: 'service',
        secret: KEY.secretAccessKey,
        accessKeyId: KEY.accessKeyId,
        amzDate: '20150830T123600Z',
      }),
    ).toMatch(/Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31$/);
  });
});

describe('the console’s requests to the API (execute-api, temporary credentials)', () => {
  const credentials = { ...KEY, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE', expiresAt: WHEN.getTime() + 3600_000 };
  const sign = requestSigner({ region: 'eu-west-1', credentials: async () => credentials, now: () => WHEN });
  const host = 'abc123.execute-api.eu-west-1.amazonaws.com';

  it('a POST with a JSON body: session token, body hash, content type signed; the signature is the documented one', async () => {
    const body = JSON.stringify({ variables: { day: '2026-12-01' }, testMode: true });
    const signed = await sign(
      new Request(`https://${host}/campaigns/winback/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
      }),
    );
    const h = Object.fromEntries(signed.headers);
    expect(h['x-amz-security-token']).toBe(credentials.sessionToken);
    expect(h['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    expect(h.host).toBeUndefined();
    expect(h.authorization).toBe(
      reference({
        method: 'POST',
        host,
        path: '/campaigns/winback/runs',
        query: [],
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          'x-amz-content-sha256': h['x-amz-content-sha256']!,
          'x-amz-date': '20150830T123600Z',
          'x-amz-security-token': credentials.sessionToken,
        },
        body,
        region: 'eu-west-1',
        service: 'execute-api',
        secret: KEY.secretAccessKey,
        accessKeyId: KEY.accessKeyId,
        amzDate: '20150830T123600Z',
      }),
    );
    // The body goes out unchanged.
    expect(await signed.text()).toBe(body);
    expect(signed.method).toBe('POST');
  });

  it('a GET with a query (sorted, encoded) and an escaped path segment', async () => {
    const signed = await sign(new Request(`https://${host}/runs/r%201/logs?level=error&activity=a%20b`));
    const h = Object.fromEntries(signed.headers);
    expect(h.authorization).toBe(
      reference({
        method: 'GET',
        host,
        path: '/runs/r%201/logs',
        query: [
          ['level', 'error'],
          ['activity', 'a b'],
        ],
        headers: {
          'x-amz-content-sha256': createHash('sha256').update('').digest('hex'),
          'x-amz-date': '20150830T123600Z',
          'x-amz-security-token': credentials.sessionToken,
        },
        body: '',
        region: 'eu-west-1',
        service: 'execute-api',
        secret: KEY.secretAccessKey,
        accessKeyId: KEY.accessKeyId,
        amzDate: '20150830T123600Z',
      }),
    );
  });
});
