/**
 * What the public links do, behind their HTTP routes (lambdas/api/public-routes.ts): unsubscribe
 * (an opt-out record, which every later send of that channel excludes, and the message's
 * `unsubscribed` event), count an open (the pixel) and a click (before the redirect). Each acts
 * only on a token signed with the deployment's link secret (lambdas/channels/links.ts).
 */
import type { Channel } from '../channels/columns.js';
import { type LinkToken, verifyToken } from '../channels/links.js';
import type { ReportStore } from '../ports/ledger.js';
import { type ObjectWriter, writeOptOut } from './optouts.js';

export interface PublicDeps {
  reports: ReportStore;
  objects: ObjectWriter;
  /** The link secret (read once: a file locally, Secrets Manager in the cloud). */
  linkSecret: () => Promise<string>;
  now?: () => number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

type Unsubscribe = Extract<LinkToken, { kind: 'unsubscribe' }>;

async function tokenOf<K extends LinkToken['kind']>(
  deps: PublicDeps,
  token: string,
  kind: K,
): Promise<Extract<LinkToken, { kind: K }> | undefined> {
  const t = verifyToken(await deps.linkSecret(), token);
  return t?.kind === kind ? (t as Extract<LinkToken, { kind: K }>) : undefined;
}

const nowIso = (deps: PublicDeps) => new Date((deps.now ?? Date.now)()).toISOString();

/** The unsubscribe a token asks for (the confirmation page shows its channel), or undefined. */
export async function unsubscribeRequest(deps: PublicDeps, token: string): Promise<Unsubscribe | undefined> {
  return tokenOf(deps, token, 'unsubscribe');
}

/**
 * Records the unsubscribe (idempotent: the same token again rewrites the same opt-out file of the
 * day, and the message's event counts once): the channel, or undefined for a token that is not one.
 * The opt-out is written first: it is what the next sends honour, the counter only reports it.
 */
export async function unsubscribe(deps: PublicDeps, token: string): Promise<{ channel: Channel } | undefined> {
  const t = await unsubscribeRequest(deps, token);
  if (!t) return undefined;
  const at = nowIso(deps);
  await writeOptOut(deps.objects, {
    address: t.address,
    channel: t.channel,
    reason: 'unsubscribed',
    at,
    campaignId: t.campaignId,
    runId: t.runId,
    messageId: t.messageId,
  });
  await deps.reports.recordEvent(t.messageId, 'unsubscribed', at);
  return { channel: t.channel };
}

/** Counts the open of the token's message; never throws (the pixel is answered whatever happens). */
export async function trackOpen(deps: PublicDeps, token: string): Promise<boolean> {
  try {
    const t = await tokenOf(deps, token, 'open');
    return t ? await deps.reports.recordEvent(t.messageId, 'opened', nowIso(deps)) : false;
  } catch (e) {
    deps.log?.('recording an open failed', { error: (e as Error).message });
    return false;
  }
}

/** Only web links are redirected to, whatever a signed token says. */
const isWebUrl = (url: string) => {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
};

/**
 * The URL a click token was signed for (after counting the click; a failure to count is logged and
 * the reader still gets where they were going), or undefined for a token that is not one.
 */
export async function trackClick(deps: PublicDeps, token: string): Promise<string | undefined> {
  const t = await tokenOf(deps, token, 'click');
  if (!t || !isWebUrl(t.url)) return undefined;
  try {
    await deps.reports.recordEvent(t.messageId, 'clicked', nowIso(deps));
  } catch (e) {
    deps.log?.('recording a click failed', { error: (e as Error).message });
  }
  return t.url;
}
