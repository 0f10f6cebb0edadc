/**
 * orca's lake: the message log and the opt-outs, JSON lines (one object per line) under the data
 * root (the local data folder, the data bucket), partitioned by channel and day. Senders and event
 * handlers write files; the prepare query reads them (DuckDB read_json over the folders locally; in
 * the cloud the Glue tables orca_messages and orca_optouts, JSON SerDe with partition projection on
 * channel and day, created by the deployment in orca's database).
 */
import type { LakeSource } from '../sql/dialect.js';
import type { Channel, ExclusionReason } from './columns.js';

export const LAKE_TABLES = { messages: 'orca_messages', optouts: 'orca_optouts' } as const;
export type LakeTable = keyof typeof LAKE_TABLES;

/** Partition keys of both tables, outermost first. */
export const LAKE_PARTITIONS = ['channel', 'day'] as const;

/** One line of the message log: a message's outcome, written by its chunk sender. */
export interface MessageLogRecord {
  message_id: string;
  campaign_id: string;
  run_id: string;
  activity_id: string;
  channel: Channel;
  address: string;
  recipient_key: string;
  /** One of OUTCOMES. */
  outcome: string;
  reason: string | null;
  /** ISO-8601 UTC (Date.toISOString()): compared as text, which sorts in time order. */
  at: string;
  /**
   * When it was delivered, where the sender knows it: the hand-off's time when the hand-off is the
   * delivery (local SMTP, the outbox); null otherwise (the providers' delivery events record it
   * per message in the ledger, later). Absent from older files: read as null.
   */
  delivered_at: string | null;
}

export const OPTOUT_REASONS = ['unsubscribed', 'bounced', 'complained'] as const;
export type OptOutReason = (typeof OPTOUT_REASONS)[number];

/** The exclusion an opt-out causes: an unsubscribe, or a suppression after a bounce or complaint. */
export const OPTOUT_EXCLUSION: Record<OptOutReason, ExclusionReason> = {
  unsubscribed: 'unsubscribed',
  bounced: 'suppressed',
  complained: 'suppressed',
};

/** One line of the opt-outs: the address is the normalized one (orca_address), as unsubscribe tokens carry it. */
export interface OptOutRecord {
  address: string;
  channel: Channel;
  reason: OptOutReason;
  at: string;
  campaign_id: string | null;
  run_id: string | null;
  message_id: string | null;
}

/** Columns of the files (in this order); `channel` is also a partition key, so the tables take it from the folder. */
export const LAKE_COLUMNS: Record<LakeTable, readonly string[]> = {
  messages: [
    'message_id',
    'campaign_id',
    'run_id',
    'activity_id',
    'address',
    'recipient_key',
    'outcome',
    'reason',
    'at',
    'delivered_at',
  ],
  optouts: ['address', 'reason', 'at', 'campaign_id', 'run_id', 'message_id'],
};

export const LAKE_FOLDERS: Record<LakeTable, string> = { messages: 'channels/messages', optouts: 'channels/optouts' };

/** The table as the dialects read it (every column text). */
export function lakeSource(table: LakeTable): LakeSource {
  return {
    folder: LAKE_FOLDERS[table],
    table: LAKE_TABLES[table],
    columns: LAKE_COLUMNS[table],
    partitions: LAKE_PARTITIONS,
  };
}

/** YYYY-MM-DD (UTC) of an instant: the day partition. */
export function lakeDay(at: Date | string): string {
  return new Date(at).toISOString().slice(0, 10);
}

function part(name: string, what: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) throw new Error(`invalid ${what} for a lake key: '${name}'`);
  return name;
}

function folder(table: LakeTable, channel: Channel, day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`invalid day for a lake key: '${day}'`);
  return `${LAKE_FOLDERS[table]}/channel=${part(channel, 'channel')}/day=${day}`;
}

/**
 * The message log file of one chunk, rewritten whole by each attempt of the chunk:
 * channels/messages/channel=<c>/day=<YYYY-MM-DD>/<runId>_<activityId>_<chunk>.jsonl
 */
export function messageLogKey(channel: Channel, day: string, runId: string, activityId: string, chunk: number): string {
  if (!Number.isInteger(chunk) || chunk < 0) throw new Error(`invalid chunk for a lake key: ${chunk}`);
  return `${folder('messages', channel, day)}/${part(runId, 'run id')}_${part(activityId, 'activity id')}_${chunk}.jsonl`;
}

/** A file of opt-outs: channels/optouts/channel=<c>/day=<YYYY-MM-DD>/<uuid>.jsonl */
export function optOutKey(channel: Channel, day: string, id: string): string {
  return `${folder('optouts', channel, day)}/${part(id, 'file id')}.jsonl`;
}

/** JSON lines: one object per line, each line ending with a newline. */
export function jsonLines(records: readonly object[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}
