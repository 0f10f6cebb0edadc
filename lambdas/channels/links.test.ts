import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { type LinkToken, MAX_TOKEN_LENGTH, clickUrl, signToken, unsubscribeUrl, verifyToken } from './links.js';

const SECRET = 'test-secret-0123456789';
const unsubscribe: LinkToken = {
  kind: 'unsubscribe',
  channel: 'email',
  address: 'ann@example.com',
  messageId: '0cc175b9c0f1b6a831c399e269772661',
  campaignId: 'winback',
  runId: 'r1',
  activityId: 'mail',
};

const token = fc.oneof(
  fc.record({ kind: fc.constant('open' as const), messageId: fc.string() }),
  fc.record({ kind: fc.constant('click' as const), messageId: fc.string(), url: fc.webUrl() }),
  fc.record({
    kind: fc.constant('unsubscribe' as const),
    channel: fc.constantFrom('email' as const, 'sms' as const, 'push' as const),
    address: fc.string(),
    messageId: fc.string(),
    campaignId: fc.string(),
    runId: fc.string(),
    activityId: fc.string(),
  }),
);

describe('signed link tokens', () => {
  it('is base64url(json) "." base64url(HMAC-SHA256 of the first part), and verifies back', () => {
    const t = signToken(SECRET, unsubscribe);
    const [payload, mac] = t.split('.');
    // Computed independently with node:crypto.
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual(unsubscribe);
    expect(mac).toBe(createHmac('sha256', SECRET).update(payload!).digest('base64url'));
    expect(verifyToken(SECRET, t)).toEqual(unsubscribe);
  });

  it('round-trips any token', () => {
    fc.assert(
      fc.property(token, (t) => {
        expect(verifyToken(SECRET, signToken(SECRET, t))).toEqual(t);
      }),
    );
  });

  it('refuses a token with any one character changed', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    fc.assert(
      fc.property(token, fc.nat(), fc.constantFrom(...alphabet), (t, at, c) => {
        const signed = signToken(SECRET, t);
        const i = at % signed.length;
        fc.pre(signed[i] !== c);
        const tampered = `${signed.slice(0, i)}${c}${signed.slice(i + 1)}`;
        expect(verifyToken(SECRET, tampered)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('refuses another secret, malformed and oversized tokens, and well-signed tokens of another shape', () => {
    const t = signToken(SECRET, unsubscribe);
    expect(verifyToken('another-secret', t)).toBeUndefined();
    expect(verifyToken(SECRET, '')).toBeUndefined();
    expect(verifyToken(SECRET, 'abc')).toBeUndefined();
    expect(verifyToken(SECRET, `${t}.x`)).toBeUndefined();
    expect(verifyToken(SECRET, t.split('.')[0]!)).toBeUndefined();
    expect(verifyToken('', t)).toBeUndefined();
    const long = signToken(SECRET, {
      kind: 'click',
      messageId: 'm',
      url: `https://x.example/${'a'.repeat(MAX_TOKEN_LENGTH)}`,
    });
    expect(verifyToken(SECRET, long)).toBeUndefined();
    // Signed with the right secret but not a LinkToken: refused all the same.
    const forge = (o: unknown) => {
      const p = Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${p}.${createHmac('sha256', SECRET).update(p).digest('base64url')}`;
    };
    expect(verifyToken(SECRET, forge({ kind: 'admin', messageId: 'm' }))).toBeUndefined();
    expect(verifyToken(SECRET, forge({ kind: 'click', messageId: 'm', url: 'javascript:alert(1)' }))).toBeUndefined();
    expect(verifyToken(SECRET, forge({ ...unsubscribe, channel: 'fax' }))).toBeUndefined();
    expect(verifyToken(SECRET, forge(null))).toBeUndefined();
    expect(() => signToken('', unsubscribe)).toThrow(/secret/);
  });

  it('builds <base>/u/<token> and <base>/c/<token> URLs (a trailing slash on the base is not doubled)', () => {
    const links = { baseUrl: 'https://api.example.com/prod/', secret: SECRET, tracking: 'orca' as const };
    const u = unsubscribeUrl(links, unsubscribe as Extract<LinkToken, { kind: 'unsubscribe' }>);
    expect(u).toMatch(/^https:\/\/api\.example\.com\/prod\/u\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyToken(SECRET, u.split('/u/')[1]!)).toEqual(unsubscribe);
    const c = clickUrl(links, 'm1', 'https://shop.example/?a=1&b=2');
    expect(verifyToken(SECRET, c.split('/c/')[1]!)).toEqual({
      kind: 'click',
      messageId: 'm1',
      url: 'https://shop.example/?a=1&b=2',
    });
  });
});
