/**
 * Signed links in messages: unsubscribe (RFC 8058 one-click), the open pixel and click redirects.
 * A token is `base64url(json).base64url(hmac-sha256(secret, base64url(json)))`: the MAC covers the
 * encoded text itself, so that changing any character of either part is refused (a base64url
 * character's unused low bits cannot be flipped unnoticed).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CHANNELS, type Channel } from './columns.js';

export interface LinkSettings {
  /** The public base URL of the API (`orca serve` locally): links are `<base>/u|o|c/<token>`. */
  baseUrl: string;
  secret: string;
  /** 'orca': links rewritten to orca's click redirects and an open pixel added; 'provider': left alone. */
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

/** Longer tokens are refused unread (a click token carries its URL: URLs longer than this are not rewritten). */
export const MAX_TOKEN_LENGTH = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function signToken(secret: string, t: LinkToken): string {
  if (!secret) throw new Error('the link secret is empty');
  const payload = Buffer.from(JSON.stringify(t), 'utf8').toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

const isText = (v: unknown): v is string => typeof v === 'string';

/** The token's content when its signature holds and its shape is one of LinkToken's, else undefined. */
export function verifyToken(secret: string, token: string): LinkToken | undefined {
  if (!secret || typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
  const dot = token.indexOf('.');
  if (dot < 1 || dot !== token.lastIndexOf('.')) return undefined;
  const payload = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  if (!BASE64URL.test(payload) || !BASE64URL.test(signature)) return undefined;
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let t: Record<string, unknown>;
  try {
    t = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  return wellFormed(t) ? (t as LinkToken) : undefined;
}

function wellFormed(t: Record<string, unknown> | null): boolean {
  if (typeof t !== 'object' || t === null || !isText(t.messageId)) return false;
  switch (t.kind) {
    case 'open':
      return true;
    case 'click':
      return isText(t.url) && /^https?:\/\//i.test(t.url);
    case 'unsubscribe':
      return (
        (CHANNELS as readonly unknown[]).includes(t.channel) &&
        isText(t.address) &&
        isText(t.campaignId) &&
        isText(t.runId) &&
        isText(t.activityId)
      );
    default:
      return false;
  }
}

const base = (links: LinkSettings) => links.baseUrl.replace(/\/+$/, '');

export function unsubscribeUrl(links: LinkSettings, t: Extract<LinkToken, { kind: 'unsubscribe' }>): string {
  return `${base(links)}/u/${signToken(links.secret, t)}`;
}

export function openUrl(links: LinkSettings, messageId: string): string {
  return `${base(links)}/o/${signToken(links.secret, { kind: 'open', messageId })}`;
}

export function clickUrl(links: LinkSettings, messageId: string, url: string): string {
  return `${base(links)}/c/${signToken(links.secret, { kind: 'click', messageId, url })}`;
}

/** Whether a URL is one of orca's own links (never rewritten into a click redirect). */
export function isOrcaLink(links: LinkSettings, url: string): boolean {
  return url.startsWith(`${base(links)}/`);
}
