/** `orca serve` holds: deep or malformed requests are refused and the service goes on answering. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../test/helpers/server.js';
import { signToken } from '../lambdas/channels/links.js';
import { PIXEL_GIF } from '../lambdas/api/public-routes.js';
import { PUBLIC_RATE } from './server.js';
import { localLinkSecret } from '../lambdas/adapters/local-link-secret.js';

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

/** A request with any headers (Origin, Host), answered as bytes. */
function rawBytes(
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  const { hostname, port } = new URL(t.server.url);
  return new Promise((resolve, reject) => {
    const r = request({ hostname, port, method, path: target, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

describe('the public routes on orca serve', () => {
  const foreign = { origin: 'https://mail.example', host: 'links.example.com' };

  it('answer mail clients and browsers (an Origin, another Host): the pixel as bytes, the one-click POST', async () => {
    const secret = localLinkSecret(t.db.dir);
    expect(statSync(join(t.db.dir, 'link-secret')).mode & 0o777).toBe(0o600);
    const pixel = await rawBytes('GET', `/o/${signToken(secret, { kind: 'open', messageId: 'm1' })}`, foreign);
    expect(pixel.status).toBe(200);
    expect(pixel.headers['content-type']).toBe('image/gif');
    expect(pixel.body.equals(PIXEL_GIF)).toBe(true);
    const token = signToken(secret, {
      kind: 'unsubscribe',
      channel: 'email',
      address: 'ann@example.com',
      messageId: 'm1',
      campaignId: 'news',
      runId: 'R1',
      activityId: 'mail',
    });
    const r = await rawBytes(
      'POST',
      `/u/${token}`,
      { ...foreign, 'content-type': 'application/x-www-form-urlencoded' },
      'List-Unsubscribe=One-Click',
    );
    expect(r.status).toBe(200);
    const dir = join(t.db.dir, `channels/optouts/channel=email/day=${new Date().toISOString().slice(0, 10)}`);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, files[0]!), 'utf8'))).toMatchObject({
      address: 'ann@example.com',
      reason: 'unsubscribed',
    });
    // The API itself still refuses them.
    expect((await rawBytes('GET', '/campaigns', foreign)).status).toBe(403);
  });

  it('throttle each client: beyond the burst and the rate, 429 with Retry-After', async () => {
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 2 * PUBLIC_RATE.burst }, () => rawBytes('GET', '/c/bad')));
    const seconds = (Date.now() - started) / 1000;
    const passed = answers.filter((a) => a.status === 400).length;
    const limited = answers.filter((a) => a.status === 429);
    expect(passed + limited.length).toBe(answers.length);
    // At most the burst and what the rate gave back meanwhile.
    expect(passed).toBeLessThanOrEqual(PUBLIC_RATE.burst + Math.ceil(seconds * PUBLIC_RATE.perSecond) + 1);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});
