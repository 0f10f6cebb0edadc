/**
 * The public routes on fake ports: the pixel's bytes, the redirect only to a signed URL, the
 * unsubscribe page and RFC 8058's one-click POST (body `List-Unsubscribe=One-Click`, answered 200),
 * and bad, hostile and huge tokens answered with a 400 page (the pixel: the GIF), never a 500.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type LinkToken, signToken } from '../channels/links.js';
import { MemoryReportStore } from '../../test/helpers/fakes/reports.js';
import { FolderObjects } from '../../test/helpers/fakes/objects.js';
import type { PublicDeps } from '../orchestrator/unsubscribe.js';
import { handlePublic, isPublicPath, PIXEL_GIF } from './public-routes.js';
import type { ApiRequest } from './router.js';

const SECRET = 'a-secret-of-at-least-32-characters-long';
const objects = new FolderObjects();
afterAll(() => objects.remove());

function setup() {
  const reports = new MemoryReportStore();
  reports.sent('m1', { campaignId: 'news', runId: 'R1', activityId: 'mail' });
  reports.sent('m2', { campaignId: 'news', runId: 'R1', activityId: 'mail' });
  const logged: string[] = [];
  const deps: PublicDeps = {
    reports,
    objects,
    linkSecret: async () => SECRET,
    now: () => Date.UTC(2026, 11, 1, 12, 0, 0),
    log: (m) => logged.push(m),
  };
  const call = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    handlePublic({ method, path, query: {}, headers, body } satisfies ApiRequest, deps);
  return { reports, deps, call, logged };
}

const unsub: LinkToken = {
  kind: 'unsubscribe',
  channel: 'email',
  address: 'ann@example.com',
  messageId: 'm1',
  campaignId: 'news',
  runId: 'R1',
  activityId: 'mail',
};
const token = (t: LinkToken, secret = SECRET) => signToken(secret, t);

/** Tokens that must never be honoured. */
const HOSTILE = [
  'x',
  '',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '<script>alert(1)</script>',
  `${token(unsub).slice(0, -2)}AA`,
  `${Buffer.from('{"kind":"click","messageId":"m1","url":"https://evil.example"}').toString('base64url')}.${'A'.repeat(43)}`,
  token(unsub, 'another-secret-of-at-least-32-characters'),
  `${'a'.repeat(200_000)}.${'b'.repeat(43)}`,
  '..%2F..%2Fetc%2Fpasswd',
];

describe('the open pixel', () => {
  it('is a 1x1 transparent GIF, never cached, and counts the open once', async () => {
    const { call, reports } = setup();
    const t = token({ kind: 'open', messageId: 'm1' });
    const r = (await call('GET', `/o/${t}`))!;
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('image/gif');
    expect(r.headers['cache-control']).toContain('no-store');
    const bytes = Buffer.from(r.body, 'base64');
    expect(r.isBase64Encoded).toBe(true);
    expect(bytes.equals(PIXEL_GIF)).toBe(true);
    // GIF89a, logical screen 1 x 1 (little-endian), a graphic control extension with transparency set.
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect([bytes.readUInt16LE(6), bytes.readUInt16LE(8)]).toEqual([1, 1]);
    const gce = bytes.indexOf(Buffer.from([0x21, 0xf9, 0x04]));
    expect(gce).toBeGreaterThan(0);
    expect(bytes[gce + 3]! & 1).toBe(1);
    expect(bytes.at(-1)).toBe(0x3b);
    await call('GET', `/o/${t}`);
    expect(await reports.counters('news')).toEqual([{ runId: 'R1', activityId: 'mail', opened: 1 }]);
  });

  it('answers the GIF to bad, hostile and huge tokens, and counts nothing', async () => {
    const { call, reports } = setup();
    for (const bad of [...HOSTILE, token(unsub)]) {
      const r = (await call('GET', `/o/${bad}`))!;
      expect(r.status, bad.slice(0, 40)).toBe(200);
      expect(Buffer.from(r.body, 'base64').equals(PIXEL_GIF)).toBe(true);
    }
    expect(await reports.counters('news')).toEqual([]);
  });

  it('answers the GIF when the store fails', async () => {
    const { call, deps, logged } = setup();
    deps.reports.recordEvent = async () => {
      throw new Error('store down');
    };
    const r = (await call('GET', `/o/${token({ kind: 'open', messageId: 'm1' })}`))!;
    expect(r.status).toBe(200);
    expect(logged).toEqual(['recording an open failed']);
  });
});

describe('the click redirect', () => {
  it('redirects (302) to the signed URL after counting the click', async () => {
    const { call, reports } = setup();
    const url = 'https://example.com/offer?utm_source=orca&x=<1>';
    const r = (await call('GET', `/c/${token({ kind: 'click', messageId: 'm2', url })}`))!;
    expect(r).toMatchObject({ status: 302, headers: { location: url } });
    expect(await reports.counters('news')).toEqual([{ runId: 'R1', activityId: 'mail', clicked: 1 }]);
  });

  it('a bad, hostile or huge token is a 400 page without a Location, and echoes nothing', async () => {
    const { call } = setup();
    for (const bad of [...HOSTILE, token({ kind: 'open', messageId: 'm1' }), token(unsub)]) {
      const r = (await call('GET', `/c/${bad}`))!;
      expect(r.status, bad.slice(0, 40)).toBe(400);
      expect(r.headers.location).toBeUndefined();
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.body).not.toContain('<script>alert');
      expect(r.body).not.toContain('evil.example');
    }
  });

  it('never redirects to a URL that is not a web link, even signed', async () => {
    const { call } = setup();
    for (const url of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'not a url'])
      expect((await call('GET', `/c/${token({ kind: 'click', messageId: 'm1', url })}`))!.status).toBe(400);
  });
});

describe('unsubscribe', () => {
  it('GET shows a confirmation page whose button posts the one-click body back; nothing is recorded', async () => {
    const { call, reports } = setup();
    const t = token(unsub);
    const r = (await call('GET', `/u/${t}`))!;
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>Unsubscribe from email messages</title>');
    expect(r.body).toContain(`<form method="post" action="./${t}">`);
    expect(r.body).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    expect(await reports.counters('news')).toEqual([]);
    expect(await objects.list('channels/optouts/')).toEqual([]);
  });

  it('POST List-Unsubscribe=One-Click (RFC 8058) answers 200, writes the opt-out and counts once; again is the same', async () => {
    const { call, reports } = setup();
    const t = token(unsub);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const r = (await call('POST', `/u/${t}`, 'List-Unsubscribe=One-Click', form))!;
    expect(r.status).toBe(200);
    expect(r.body).toContain('You are unsubscribed from email messages');
    const again = (await call('POST', `/u/${t}`, 'List-Unsubscribe=One-Click', form))!;
    expect(again.status).toBe(200);
    expect(await objects.lines('channels/optouts/')).toEqual([
      {
        address: 'ann@example.com',
        channel: 'email',
        reason: 'unsubscribed',
        at: '2026-12-01T12:00:00.000Z',
        campaign_id: 'news',
        run_id: 'R1',
        message_id: 'm1',
      },
    ]);
    expect((await objects.list('channels/optouts/'))[0]!.key).toMatch(
      /^channels\/optouts\/channel=email\/day=2026-12-01\/[0-9a-f-]{36}\.jsonl$/,
    );
    expect(await reports.counters('news')).toEqual([{ runId: 'R1', activityId: 'mail', unsubscribed: 1 }]);
  });

  it('takes the one-click body as multipart/form-data too (RFC 8058 allows either)', async () => {
    const { call } = setup();
    const body = '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n';
    const r = (await call('POST', `/u/${token({ ...unsub, messageId: 'm2' })}`, body, {
      'content-type': 'multipart/form-data; boundary=b',
    }))!;
    expect(r.status).toBe(200);
  });

  it('refuses a POST without the one-click body, bad tokens, and other methods; a store failure is a 500 page', async () => {
    const { call, deps } = setup();
    expect((await call('POST', `/u/${token(unsub)}`, 'List-Unsubscribe=Maybe'))!.status).toBe(400);
    expect((await call('POST', `/u/${token(unsub)}`))!.status).toBe(400);
    for (const bad of [...HOSTILE, token({ kind: 'open', messageId: 'm1' })]) {
      expect((await call('GET', `/u/${bad}`))!.status, bad.slice(0, 40)).toBe(400);
      expect((await call('POST', `/u/${bad}`, 'List-Unsubscribe=One-Click'))!.status).toBe(400);
    }
    const put = (await call('PUT', `/u/${token(unsub)}`))!;
    expect(put).toMatchObject({ status: 405, headers: { allow: 'GET, POST' } });
    expect((await call('POST', `/o/${token(unsub)}`))!.status).toBe(405);
    deps.objects = {
      put: async () => {
        throw new Error('disk full');
      },
    };
    const failed = (await call('POST', `/u/${token(unsub)}`, 'List-Unsubscribe=One-Click'))!;
    expect(failed.status).toBe(500);
    expect(failed.body).not.toContain('disk full');
  });

  it('escapes what it shows', async () => {
    const { call } = setup();
    // A channel is one of three words; the page's only variable text is escaped all the same.
    const r = (await call('GET', `/u/${token(unsub)}`))!;
    expect(r.body).not.toMatch(/<(?!\/?(html|head|meta|title|style|body|h1|p|form|input|button)\b|!doctype)/i);
  });
});

describe('the public paths', () => {
  it('are everything under /u/, /o/ and /c/; everything else goes to the API', async () => {
    const { call } = setup();
    expect(['/u/x', '/o/x', '/c/x', '/u/x/', '/u/x/y', '/o/'].every(isPublicPath)).toBe(true);
    expect(['/u', '/campaigns', '/runs/u/x', '/uu/x'].some(isPublicPath)).toBe(false);
    expect(await call('GET', '/campaigns')).toBeUndefined();
  });
});
