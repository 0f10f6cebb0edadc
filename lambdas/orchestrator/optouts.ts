/**
 * Writes opt-out records to the lake (channels/optouts/channel=<c>/day=<YYYY-MM-DD>/<uuid>.jsonl, one
 * JSON object per line), which every send anti-joins: `unsubscribed` excludes as unsubscribed,
 * `bounced` and `complained` as suppressed.
 *
 * The file's name is a name-based UUID (SHA-256 of the channel, address, reason and message), so an
 * event delivered twice (EventBridge and SNS deliver at least once) or an unsubscribe posted twice
 * on the same day rewrites the same file instead of adding one.
 */
import { createHash } from 'node:crypto';
import type { Channel } from '../channels/columns.js';
import type { ObjectStore } from '../ports/objects.js';

export type OptOutReason = 'unsubscribed' | 'bounced' | 'complained';

export interface OptOut {
  address: string;
  channel: Channel;
  reason: OptOutReason;
  /** ISO time of the event. */
  at: string;
  campaignId?: string | undefined;
  runId?: string | undefined;
  messageId?: string | undefined;
}

/** What writing opt-outs needs of the object store. */
export type ObjectWriter = Pick<ObjectStore, 'put'>;

/** A UUID (version 8: custom, RFC 9562) made of a SHA-256 digest of `name`. */
export function nameUuid(name: string): string {
  const b = createHash('sha256').update(name).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The lake key of an opt-out record (the layout of the orca_optouts table). */
export function optOutKey(o: OptOut): string {
  const day = o.at.slice(0, 10);
  const name = nameUuid([o.channel, o.address, o.reason, o.messageId ?? ''].join('\u0000'));
  return `channels/optouts/channel=${o.channel}/day=${day}/${name}.jsonl`;
}

/** The record's line, with the lake's column names. */
export function optOutLine(o: OptOut): string {
  return JSON.stringify({
    address: o.address,
    channel: o.channel,
    reason: o.reason,
    at: o.at,
    campaign_id: o.campaignId ?? null,
    run_id: o.runId ?? null,
    message_id: o.messageId ?? null,
  });
}

/** Writes one opt-out (its own file: writers never append to another's). */
export async function writeOptOut(objects: ObjectWriter, o: OptOut): Promise<string> {
  const key = optOutKey(o);
  await objects.put(key, `${optOutLine(o)}\n`, 'application/x-ndjson');
  return key;
}
