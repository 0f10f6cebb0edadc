/**
 * Proofs of a channel activity before its confirmation: the first `count` rows of its prepared
 * message table (the manifest's chunks in order, read with the chunk reader, at most `count` rows),
 * rendered with the activity's templates; with test addresses, each sample is also handed to the
 * channel's provider, "[proof] " before its subject (email), text (sms) or title (push). Proofs are
 * not messages of the run: they go outside the ledger, are not counted, and the run log says who
 * sent them and where.
 */
import { CHANNELS, type Channel, MESSAGE_COLUMNS } from '../channels/columns.js';
import { ADDRESS_PATTERNS } from '../channels/prepare.js';
import { prepareTemplates, renderMessage } from '../channels/templates.js';
import { workLocation } from '../layout.js';
import type { OutgoingMessage } from '../ports/channel.js';
import type { StatusStore } from '../ports/store.js';
import { ActivityError } from '../util/errors.js';
import { chunkRows, type Row } from './chunk-rows.js';
import type { ChannelActivity } from './send.js';
import { type Manifest, manifestKey, withCompiledHtml } from './send.js';
import { planEntry } from './plan.js';
import type { ChannelDeps } from './types.js';

export const PROOF_MAX = 20;
export const PROOF_DEFAULT = 3;
const PREFIX = '[proof] ';

export interface ProofRequest {
  /** 1..20 samples (default 3). */
  count?: number;
  /** Test addresses: each sample is sent to each of them. */
  to?: string[];
}

/** A rendered sample: its recipient and the channel's parts (`error` when it cannot be rendered). */
export interface ProofSample {
  to: string;
  subject?: string;
  html?: string;
  text?: string;
  title?: string;
  body?: string;
  error?: string;
}

/** A request the proof refuses (the API answers 409 or 422). */
export class ProofRefused extends ActivityError {
  constructor(
    readonly status: 409 | 422,
    message: string,
  ) {
    super(message);
  }
}

const INTERNAL = new Set<string>([...Object.values(MESSAGE_COLUMNS), 'orca_output']);

/** A test address of the channel, normalized as prepare normalizes addresses; undefined when invalid. */
export function proofAddress(channel: Channel, raw: string): string | undefined {
  const t = raw.trim();
  const a = channel === 'email' ? t.toLowerCase() : channel === 'sms' ? t.replace(/[\s().-]/g, '') : t;
  if (channel === 'push') return a && !/\s/.test(a) ? a : undefined;
  return new RegExp(ADDRESS_PATTERNS[channel]).test(a) && a.length <= 254 ? a : undefined;
}

const toSample = (m: OutgoingMessage): ProofSample =>
  m.channel === 'email'
    ? {
        to: m.to,
        subject: m.email.subject,
        ...(m.email.html !== undefined ? { html: m.email.html } : {}),
        ...(m.email.text !== undefined ? { text: m.email.text } : {}),
      }
    : m.channel === 'sms'
      ? { to: m.to, text: m.sms.text }
      : { to: m.to, title: m.push.title, body: m.push.body };

function proofOf(m: OutgoingMessage): OutgoingMessage {
  if (m.channel === 'email') return { ...m, email: { ...m.email, subject: PREFIX + m.email.subject } };
  if (m.channel === 'sms') return { ...m, sms: { ...m.sms, text: PREFIX + m.sms.text } };
  return { ...m, push: { ...m.push, title: PREFIX + m.push.title } };
}

export async function proofSamples(
  d: { store: StatusStore; channels: ChannelDeps; now?: () => Date },
  run: { runId: string; campaignId: string },
  activityId: string,
  req: ProofRequest,
  actor: string,
): Promise<ProofSample[]> {
  const count = req.count ?? PROOF_DEFAULT;
  if (!Number.isInteger(count) || count < 1 || count > PROOF_MAX)
    throw new ProofRefused(422, `activity '${activityId}': count is 1 to ${PROOF_MAX}, not ${count}`);
  const { activity: def } = await planEntry(d.store, run.runId, activityId);
  if (!(CHANNELS as readonly string[]).includes(def.type))
    throw new ProofRefused(422, `activity '${activityId}' is a ${def.type}, not a channel activity: it has no proofs`);
  const activity = def as ChannelActivity;
  const to: string[] = [];
  for (const raw of req.to ?? []) {
    const a = proofAddress(activity.type, raw);
    if (!a)
      throw new ProofRefused(
        422,
        `activity '${activityId}': to: '${raw.slice(0, 100)}' is not a valid ${activity.type} address`,
      );
    to.push(a);
  }
  const { channels } = d;
  const provider = channels.providers[activity.type];
  if (to.length && !provider)
    throw new ProofRefused(409, `activity '${activityId}': no ${activity.type} provider is configured here`);

  const location = workLocation(run.campaignId, run.runId, activityId);
  let manifest: Manifest;
  try {
    const file = await channels.objects.open(manifestKey(location));
    manifest = JSON.parse(Buffer.from(await file.slice(0)).toString('utf8')) as Manifest;
  } catch {
    throw new ProofRefused(409, `activity '${activityId}' of run ${run.runId} has no prepared messages yet`);
  }
  const rows: Row[] = [];
  for (const files of manifest.chunks) {
    for await (const slice of chunkRows(channels.objects, files, count)) {
      rows.push(...slice.rows.slice(0, count - rows.length));
      if (rows.length >= count) break;
    }
    if (rows.length >= count) break;
  }

  const templates = prepareTemplates(await withCompiledHtml(channels, activity, location));
  const samples: ProofSample[] = [];
  const sends: Array<{ to: string; ok: boolean; reason?: string }> = [];
  for (const row of rows) {
    const own: Row = {};
    for (const [k, v] of Object.entries(row)) if (!INTERNAL.has(k)) own[k] = v;
    const ctx = {
      messageId: String(row[MESSAGE_COLUMNS.messageId]),
      campaignId: run.campaignId,
      runId: run.runId,
      activityId,
      key: String(Object.values(row)[0]),
      links: channels.links,
    };
    const address = String(row[MESSAGE_COLUMNS.address]);
    const r = await renderMessage(templates, own, { ...ctx, to: address });
    samples.push(r.ok ? toSample(r.message) : { to: address, error: r.reason });
    for (const a of to) {
      // Rendered for the test address (its unsubscribe link is the test address's).
      const m = await renderMessage(templates, own, { ...ctx, to: a });
      if (!m.ok) continue;
      const outcome = await provider!.send(proofOf(m.message));
      sends.push(
        outcome.status === 'sent'
          ? { to: a, ok: true }
          : { to: a, ok: false, reason: `${outcome.status}: ${outcome.reason}` },
      );
    }
  }
  if (to.length) {
    const failed = sends.filter((s) => !s.ok);
    await d.store.log(run.runId, {
      at: (d.now?.() ?? new Date()).toISOString(),
      level: failed.length ? 'warn' : 'info',
      activity: activityId,
      message: `proof: ${sends.length - failed.length} of ${sends.length} sample message${sends.length === 1 ? '' : 's'} sent to ${to.join(', ')} by ${actor}${failed.length ? ` (refused: ${failed.map((f) => `${f.to} ${f.reason}`).join('; ')})` : ''}`,
      actor,
    });
  }
  return samples;
}
