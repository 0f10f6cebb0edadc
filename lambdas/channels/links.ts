/**
 * Signed links: the unsubscribe link, the open pixel and the click redirect carry a token that
 * says what they are for, signed with the deployment's link secret (HMAC-SHA256), so that no one
 * can unsubscribe another address, count an open for another message or make orca redirect to a
 * URL it did not write. Token: base64url(JSON).base64url(HMAC-SHA256(secret, base64url(JSON))).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CHANNELS, type Channel } from './columns.js';

export interface LinkSettings {
  baseUrl: string;
  secret: string;
  tracking: 'orca' | 'provider';
}

export type LinkToken =
  | {
      kind: 'unsubscribe';
      channel: Channel;
      address: string;
      messageId: string;
      campaignId: string;
      runId: string;
      activityId: string;
    }
  | { kind: 'open'; messageId: string }
  | { kind: 'click'; messageId: string; url: string };

/** The longest token verified: a click token carries its URL (URLs beyond 8 KB are not links in mail). */
export const MAX_TOKEN_LENGTH = 12_000;

const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest();

export function signToken(secret: string, t: LinkToken): string {
  const payload = Buffer.from(JSON.stringify(t)).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

const text = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** The token's content when it is well-formed and its shape one of LinkToken's. */
function tokenOf(v: unknown): LinkToken | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (!text(o.messageId)) return undefined;
  switch (o.kind) {
    case 'open':
      return { kind: 'open', messageId: o.messageId };
    case 'click':
      return text(o.url) ? { kind: 'click', messageId: o.messageId, url: o.url } : undefined;
    case 'unsubscribe':
      return CHANNELS.includes(o.channel as Channel) &&
        text(o.address) &&
        text(o.campaignId) &&
        text(o.runId) &&
        text(o.activityId)
        ? {
            kind: 'unsubscribe',
            channel: o.channel as Channel,
            address: o.address,
            messageId: o.messageId,
            campaignId: o.campaignId,
            runId: o.runId,
            activityId: o.activityId,
          }
        : undefined;
    default:
      return undefined;
  }
}

/** The token's content, or undefined when it was not signed with `secret` or is malformed. */
export function verifyToken(secret: string, token: string): LinkToken | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const given = Buffer.from(m[2]!, 'base64url');
  const expected = mac(secret, m[1]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return tokenOf(JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')));
  } catch {
    return undefined;
  }
}

/** The unsubscribe link of a message: <base>/u/<token>. */
export function unsubscribeUrl(links: LinkSettings, t: Extract<LinkToken, { kind: 'unsubscribe' }>): string {
  return `${links.baseUrl.replace(/\/+$/, '')}/u/${signToken(links.secret, t)}`;
}
