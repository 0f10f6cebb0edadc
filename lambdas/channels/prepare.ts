/**
 * The prepare query of a channel activity: one SELECT over the inbound population that writes the
 * message table. Every row keeps its columns (the templates use them) and gets orca_message_id,
 * orca_address, orca_chunk and orca_reason; it is tagged orca_output 'messages' (to send) or
 * 'excluded' (with its reason, in the precedence of EXCLUSION_REASONS). The same SQL in both
 * dialects but for the spellings of lambdas/sql/dialect.ts, so that message ids and chunks are the
 * same locally and in the cloud. Pure: the caller gives the FROM clause and the column expressions.
 */
import type { Dialect } from '../sql/dialect.js';
import { OUTPUT_COLUMN } from '../sql/dialect.js';
import { quoteIdent, stringLiteral } from '../sql/literal.js';
import { type Channel, type ExclusionReason, MESSAGE_COLUMNS, PREPARE_OUTPUTS } from './columns.js';
import { lakeDay, lakeSource } from './lake.js';

// ---------------------------------------------------------------------------------------------
// Chunk sizing

/** A chunk holds at least this many rows (fewer chunks, fewer history events). */
export const MIN_CHUNK_ROWS = 5_000;
/** At most this many chunks: 2,000 chunks x 7 history events = 14,000, under an execution's 25,000. */
export const MAX_CHUNKS = 2_000;
/** An inline Map runs at most 40 iterations at a time (Step Functions Developer Guide, "Map state inline mode"). */
export const MAX_CONCURRENCY = 40;
/** A chunk of MIN_CHUNK_ROWS rows should last at most this long at its share of the rate (10 min, Lambda allows 15). */
export const CHUNK_SECONDS = 600;

export interface ChunkPlan {
  /** K: rows per chunk (the last one may hold fewer). */
  rowsPerChunk: number;
  /** n: chunks, at least 1. */
  chunks: number;
  /** c: the Map's MaxConcurrency. */
  concurrency: number;
}

/**
 * How a send of `rows` recipients at `perSecond` messages/s is cut:
 * - K = max(5,000, ceil(rows / 2,000)) rows per chunk, so that n = ceil(rows / K) <= 2,000 chunks
 *   (10M rows -> K = 5,000, n = 2,000 -> 2,000 x 7 = 14,000 history events, under 25,000);
 * - c = clamp(floor(perSecond x 600 / 5,000), 1, 40) chunks at a time: each chunk sends at
 *   perSecond / c, so 5,000 messages take 5,000 x c / perSecond <= 600 s (100/s -> c = 12, 500 s
 *   per chunk); without a throttle, 40 (the provider's quota paces the sends).
 * `rows` is the inbound transition's row count (unknown, -1, counts as 0: one chunk).
 */
export function chunkPlan(rows: number, perSecond?: number): ChunkPlan {
  const n = Math.max(0, Math.floor(rows));
  const rowsPerChunk = Math.max(MIN_CHUNK_ROWS, Math.ceil(n / MAX_CHUNKS));
  const chunks = Math.max(1, Math.ceil(n / rowsPerChunk));
  const concurrency =
    perSecond === undefined
      ? MAX_CONCURRENCY
      : Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor((perSecond * CHUNK_SECONDS) / MIN_CHUNK_ROWS)));
  return { rowsPerChunk, chunks, concurrency };
}

// ---------------------------------------------------------------------------------------------
// Addresses

/** Trims ASCII blanks at both ends (DuckDB's trim() removes spaces only, Trino's every white space). */
const TRIM = '^[ \\t\\r\\n]+|[ \\t\\r\\n]+$';

/**
 * Valid addresses, after normalization, in the common subset of RE2 (DuckDB) and Java regular
 * expressions (Trino); no character class lets a line break through (header injection).
 * - email: an RFC 5321-ish local@domain, ASCII, at least one dot in the domain;
 * - sms: E.164, + and 8 to 15 digits, the first not 0;
 * - push: an SNS platform endpoint ARN in the cloud; locally any non-empty token (outbox files).
 */
export const ADDRESS_PATTERNS = {
  email: "^[a-z0-9!#$%&'*+/=?^_{|}~.-]+@[a-z0-9-]+(\\.[a-z0-9-]+)+$",
  sms: '^\\+[1-9][0-9]{7,14}$',
  push: '^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:endpoint/[A-Za-z0-9_./-]+$',
} as const satisfies Record<Channel, string>;

/** An e-mail address is at most 254 characters (RFC 5321 path of 256 with its brackets). */
const EMAIL_MAX = 254;

/** The normalized address (NULL when empty): trimmed; e-mail lower-cased; phone without spaces, dashes, dots, parentheses. */
export function normalizedAddress(d: Dialect, channel: Channel, raw: string): string {
  const trimmed = d.regexpReplace(`CAST(${raw} AS VARCHAR)`, TRIM, '');
  const norm =
    channel === 'email'
      ? `lower(${trimmed})`
      : channel === 'sms'
        ? d.regexpReplace(trimmed, '[ \\t\\r\\n().-]', '')
        : trimmed;
  return `NULLIF(${norm}, '')`;
}

/** Whether a normalized, non-NULL address is valid for the channel. */
export function validAddress(d: Dialect, channel: Channel, address: string): string {
  if (channel === 'push' && d.name === 'duckdb') return 'TRUE';
  const like = d.regexpLike(address, ADDRESS_PATTERNS[channel]);
  return channel === 'email' ? `(length(${address}) <= ${EMAIL_MAX} AND ${like})` : like;
}

// ---------------------------------------------------------------------------------------------
// The SELECT

export interface FrequencyCap {
  /** A recipient who was sent this many messages of the channel in the window is excluded. */
  messages: number;
  days: number;
}

export interface PrepareSpec {
  dialect: Dialect;
  channel: Channel;
  /** FROM clause: the inbound work table (aliased) and the joins the column expressions need. */
  from: string;
  /** The message table's own columns, in order: the inbound columns, then the templates' attributes. */
  columns: ReadonlyArray<{ name: string; sql: string }>;
  /** SQL of the recipient key: the message id is md5(run|activity|key as text), duplicates keep the lowest. */
  key: string;
  /** Whether the key is unique (a dimension's key); else the columns break the ties between duplicates. */
  uniqueKey: boolean;
  /** SQL of the attribute holding the address, as it is. */
  address: string;
  runId: string;
  activityId: string;
  /** n: orca_chunk is in 0 .. n-1. */
  chunks: number;
  /** The run's start: the frequency cap counts back from it. */
  now: Date;
  frequencyCap?: FrequencyCap | undefined;
}

const DAY_MS = 86_400_000;

const M = MESSAGE_COLUMNS;
const q = quoteIdent;
const reason = (r: ExclusionReason) => stringLiteral(r);

/** Per address, whether it unsubscribed from the channel, or was suppressed after a bounce or complaint. */
function optOuts(s: PrepareSpec): string {
  const t = s.dialect.lakeTable(lakeSource('optouts'));
  return `SELECT o.address, max(CASE WHEN o.reason = 'unsubscribed' THEN 1 ELSE 0 END) AS orca_unsubscribed, max(CASE WHEN o.reason IN ('bounced', 'complained') THEN 1 ELSE 0 END) AS orca_suppressed
  FROM ${t} AS o
  WHERE o.channel = ${stringLiteral(s.channel)}
  GROUP BY o.address`;
}

/** Addresses sent `messages` messages of the channel or more since `days` days before the run (this activity of this run aside). */
function capped(s: PrepareSpec, cap: FrequencyCap): string {
  const since = new Date(s.now.getTime() - cap.days * DAY_MS);
  const t = s.dialect.lakeTable(lakeSource('messages'));
  return `SELECT m.address, count(*) AS orca_sent
  FROM ${t} AS m
  WHERE m.channel = ${stringLiteral(s.channel)} AND m.day >= ${stringLiteral(lakeDay(since))} AND m.at >= ${stringLiteral(since.toISOString())}
    AND m.outcome = 'sent' AND NOT (m.run_id = ${stringLiteral(s.runId)} AND m.activity_id = ${stringLiteral(s.activityId)})
  GROUP BY m.address
  HAVING count(*) >= ${Math.floor(cap.messages)}`;
}

/** The prepare SELECT; its last column is orca_output. */
export function prepareSelect(s: PrepareSpec): string {
  const d = s.dialect;
  if (!Number.isInteger(s.chunks) || s.chunks < 1)
    throw new Error(`chunks must be a positive integer, not ${s.chunks}`);
  const names = s.columns.map((c) => q(c.name));
  const inCols = s.columns.map((c) => `${c.sql} AS ${q(c.name)}`).join(', ');
  const id = d.md5Hex(`${stringLiteral(`${s.runId}|${s.activityId}|`)} || coalesce(i.orca_key, '')`);
  const cap = s.frequencyCap;
  const precedence = [
    `WHEN f.${q(M.address)} IS NULL THEN ${reason('noAddress')}`,
    `WHEN NOT ${validAddress(d, s.channel, `f.${q(M.address)}`)} THEN ${reason('invalidAddress')}`,
    `WHEN f.orca_unsubscribed = 1 THEN ${reason('unsubscribed')}`,
    `WHEN f.orca_suppressed = 1 THEN ${reason('suppressed')}`,
    `WHEN f.orca_n > 1 THEN ${reason('duplicate')}`,
    ...(cap ? [`WHEN f.orca_sent IS NOT NULL THEN ${reason('frequencyCap')}`] : []),
  ];
  // The lowest key keeps a duplicated address (in the key's own order); the columns break ties when keys repeat.
  const order = ['i.orca_sort', ...(s.uniqueKey ? [] : names.map((n) => `i.${n}`))]
    .map((x) => `${x} ASC NULLS LAST`)
    .join(', ');
  return `WITH orca_in AS (
  SELECT ${inCols}, ${s.key} AS orca_sort, CAST(${s.key} AS VARCHAR) AS orca_key, ${normalizedAddress(d, s.channel, s.address)} AS ${q(M.address)}
  FROM ${s.from}
), orca_ids AS (
  SELECT i.*, ${id} AS ${q(M.messageId)},
    ROW_NUMBER() OVER (PARTITION BY i.${q(M.address)} ORDER BY ${order}) AS orca_n
  FROM orca_in AS i
), orca_optouts AS (
  ${optOuts(s)}
)${cap ? `, orca_capped AS (\n  ${capped(s, cap)}\n)` : ''}, orca_flagged AS (
  SELECT f.*, CASE ${precedence.join(' ')} END AS ${q(M.reason)}
  FROM (
    SELECT i.*, o.orca_unsubscribed, o.orca_suppressed${cap ? ', c.orca_sent' : ''}
    FROM orca_ids AS i
    LEFT JOIN orca_optouts AS o ON o.address = i.${q(M.address)}${cap ? `\n    LEFT JOIN orca_capped AS c ON c.address = i.${q(M.address)}` : ''}
  ) AS f
)
SELECT ${[...names, q(M.messageId), q(M.address)].map((n) => `r.${n}`).join(', ')}, ${d.hexPrefixNumber(`r.${q(M.messageId)}`)} % ${s.chunks} AS ${q(M.chunk)}, r.${q(M.reason)},
  CASE WHEN r.${q(M.reason)} IS NULL THEN ${stringLiteral(PREPARE_OUTPUTS.messages)} ELSE ${stringLiteral(PREPARE_OUTPUTS.excluded)} END AS ${q(OUTPUT_COLUMN)}
FROM orca_flagged AS r`;
}
