/**
 * The message ledger (no duplicates, nothing lost) and the shared rate limiter. Both live in the
 * status table (DynamoDB; dynalite locally). Items:
 * - `pk MSG#<messageId>`, `sk MSG`: one per message: campaignId, runId, activityId, channel, chunk,
 *   status (an Outcome), providerId, at; the delivery events add their first times
 *   (deliveredAt, bouncedAt, complainedAt, openedAt, clickedAt, unsubscribedAt), each set once;
 *   `ttl` (epoch seconds) so DynamoDB's TTL removes it after the retention.
 * - `pk RUN#<runId>`, `sk CHUNK#<activityId>#<chunk>`: a chunk's lease (holder, expiresAt) and, once it
 *   ended, its counts per outcome (rewritten whole by each attempt: a retried chunk never counts twice);
 *   `sending`: the set of its messages reserved and not settled yet (one write per batch, not per message).
 * - `pk RATE#<runId>#<activityId>`, `sk <epoch second>`: tokens taken in that second (conditional ADD).
 * - `pk STATS#<campaignId>`, `sk <runId>#<activityId>`: a report's counters (targeted, excluded by
 *   reason, outcomes: SET by the steps of the run; delivery events: ADD once per message and event).
 */
import type { Channel, DeliveryEvent, ExclusionReason, Outcome } from '../channels/columns.js';

export type MessageStatus = 'sending' | Outcome;

export interface LedgerEntry {
  messageId: string;
  status: MessageStatus;
  providerId?: string;
  reason?: string;
  at: string;
  /** When the message was delivered, when its hand-off was the delivery (local SMTP, the outbox): `deliveredAt` of its item. */
  deliveredAt?: string;
}

export interface ChunkRef {
  campaignId: string;
  runId: string;
  activityId: string;
  channel: Channel;
  chunk: number;
}

export type ChunkCounts = Partial<Record<Outcome, number>>;

export interface MessageLedger {
  /**
   * Takes the chunk's lease for `attempt` until `expiresAt` (one conditional write): refused while
   * another attempt holds an unexpired lease (a Lambda invocation still running after its caller
   * gave up). Taking it again for the same attempt is allowed.
   */
  leaseChunk(ref: ChunkRef, attempt: string, expiresAt: string): Promise<boolean>;
  /**
   * The messages of a chunk already in the ledger, by id (a retried chunk skips or reconciles them).
   * With `ref`, the messages that chunk reserved and never settled are there too, `sending`.
   */
  statuses(messageIds: string[], ref?: ChunkRef): Promise<Map<string, LedgerEntry>>;
  /**
   * Whether an attempt of the chunk ever reserved or settled a message: when not, none of its
   * messages is in the ledger, and a first attempt need not look them up (asked once, under the lease).
   */
  chunkTouched(ref: ChunkRef): Promise<boolean>;
  /** Marks messages `sending` before their provider calls (batched writes; the lease makes them exclusive). */
  reserve(ref: ChunkRef, messageIds: string[], at: string): Promise<void>;
  /**
   * Records the outcome of messages after their provider calls (batched). An entry whose status is
   * `sending` gives its reservation back instead (the message was never handed over).
   */
  settle(ref: ChunkRef, entries: LedgerEntry[]): Promise<void>;
  /** Records a finished chunk's counts (replacing what an earlier attempt wrote) and gives its lease back. */
  finishChunk(ref: ChunkRef, counts: ChunkCounts): Promise<void>;
  /**
   * Gives the lease of `attempt` back without finishing the chunk (it stopped at its deadline, or its
   * provider failed): the retry takes it at once instead of waiting for it to expire. A no-op when
   * another attempt holds it.
   */
  releaseChunk(ref: ChunkRef, attempt: string): Promise<void>;
  /** The counts of every finished chunk of an activity (the record step sums them). */
  chunkCounts(runId: string, activityId: string): Promise<Map<number, ChunkCounts>>;
}

export interface RateLimiter {
  /**
   * Takes up to `want` tokens of the activity's rate for the current second, shared by every chunk
   * of the activity: returns how many were granted (0: wait for the next second) and when that second ends.
   */
  take(
    runId: string,
    activityId: string,
    want: number,
    perSecond: number,
  ): Promise<{ granted: number; retryAt: number }>;
}

export type ReportCounters = Partial<
  Record<'targeted' | `excluded.${ExclusionReason}` | Outcome | DeliveryEvent, number>
>;

export interface ReportStore {
  /** Sets counters a step of the run computed (idempotent: the same step retried sets the same values). */
  setCounters(campaignId: string, runId: string, activityId: string, counters: ReportCounters): Promise<void>;
  /**
   * Records a delivery event of a message once (its first time), and adds 1 to its activity's
   * counter when it was the first: false when the message had it already (unique opens and clicks).
   */
  recordEvent(messageId: string, event: DeliveryEvent, at: string): Promise<boolean>;
  counters(campaignId: string, runId?: string): Promise<Array<{ runId: string; activityId: string } & ReportCounters>>;
}
