/** `orca serve` holds: deep or malformed requests are refused and the service goes on answering. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { startTestServer, type TestServer } from '../test/helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ waitMs: 0 });
});
afterAll(() => t.close());

/** A raw request, for targets fetch() would normalise. */
function raw(method: string, target: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(t.server.url);
  return new Promise((resolve, reject) => {
    const r = request({ hostname, port, method, path: target }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    r.on('error', reject);
    r.end();
  });
}

describe('deep bodies', () => {
  it('a 2 KB body nested 1,000 deep is a 400 naming the limit, and the server goes on', async () => {
    const body = `{"id":"deep","label":${'['.repeat(1000)}${']'.repeat(1000)}}`;
    expect(body.length).toBeLessThan(2100);
    const r = await t.call('POST', '/campaigns', body);
    expect(r).toMatchObject({
      status: 400,
      body: { error: 'bad_request', message: expect.stringContaining('nests more than 64 levels') },
    });
    expect(JSON.stringify(r.body)).not.toMatch(/\n\s+at /);
    expect((await t.call('GET', '/campaigns')).status).toBe(200);
  });

  it('a condition group nested 1,000 deep, and the same in YAML', async () => {
    let query = '{"attribute":"country","operator":"equal","value":"FR"}';
    for (let i = 0; i < 1000; i++) query = `{"and":[${query}]}`;
    const json = `{"id":"deep-q","label":"x","dimension":"recipients","activities":[{"id":"a","type":"buildAudience","query":${query}}]}`;
    expect((await t.call('POST', '/campaigns', json)).status).toBe(400);
    const yaml = `id: deep-y\nlabel:\n${'- '.repeat(1000)}x\n`;
    expect(await t.call('POST', '/campaigns', yaml, { 'content-type': 'application/yaml' })).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('nested too deeply') },
    });
    expect((await t.call('GET', '/campaigns/deep-q')).status).toBe(404);
  });

  it('a request target that is not a path is a JSON 400', async () => {
    const r = await raw('GET', '//');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ error: 'bad_request' });
    expect((await t.call('GET', '/runs')).status).toBe(200);
  });
});
