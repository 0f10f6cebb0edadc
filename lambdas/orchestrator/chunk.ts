/**
 * The chunk sender: one Lambda invocation (the send fn's step 'chunk') sends the messages of one
 * chunk of a channel activity's message table, exactly once each:
 *
 * 1. takes the chunk's lease (one conditional write): another attempt still running refuses it
 *    (Orca.ChunkBusy, which Step Functions retries);
 * 2. reads the chunk's Parquet files a slice at a time and (unless it is the chunk's first attempt,
 *    ledger.chunkTouched) looks its messages up in the ledger: a
 *    message with an outcome keeps it (a retried chunk never sends twice, and still counts it); one
 *    left `sending` by an attempt that died is marked `unknown` (it may have gone out: never re-sent);
 * 3. renders each remaining message (a render error is that message's outcome, the chunk goes on),
 *    takes tokens of the activity's rate (shared by all its chunks), reserves the batch (`sending`),
 *    hands it to the provider with bounded concurrency and settles the outcomes; a throttled message
 *    is retried with exponential backoff and jitter, and ends `throttled` only after `maxTries`;
 * 4. at the end of the sending window, what is left ends `windowClosed`; at the deadline it stops
 *    (done: false; the caller throws Orca.ChunkContinue and the retry goes on where it stopped);
 * 5. writes the chunk's message log file (the lake's JSON lines, rewritten whole by each attempt)
 *    and its counts (ledger.finishChunk), which the record step sums.
 *
 * Assumptions on the message table (lambdas/channels/prepare.ts writes it): its first column is
 * the recipient's key (the dimension's key, the inbound population's first column); the inbound
 * columns are what templates see; orca_message_id and orca_address are set on every row.
 */
import type { EmailActivity, PushActivity, SmsActivity } from '../activities/channels.js';
import { type Channel, MESSAGE_COLUMNS, type Outcome } from '../channels/columns.js';
import { type MessageLogRecord, messageLogKey } from '../channels/lake.js';
import { prepareTemplates, renderMessage } from '../channels/templates.js';
import type { MessageContext, MessageProvider, OutgoingMessage, SendOutcome } from '../ports/channel.js';
import type { ChunkCounts, ChunkRef, LedgerEntry } from '../ports/ledger.js';
import { ActivityError, ChunkBusy } from '../util/errors.js';
import { chunkRows, type Row, SLICE_ROWS } from './chunk-rows.js';
import type { ChannelDeps } from './types.js';

type ChannelActivity = EmailActivity | SmsActivity | PushActivity;

export interface ChunkJob {
  campaignId: string;
  runId: string;
  activity: ChannelActivity;
  channel: Channel;
  chunk: number;
  /** The chunk's Parquet files (the manifest's group), keys of the ObjectStore. */
  files: string[];
  /** This attempt's id (the invocation's request id): the lease's holder. */
  attempt: string;
  perSecond?: number;
  /** Epoch ms: the end of the sending window. */
  windowEndsAt?: number;
  /** Epoch ms: when this attempt stops (the function's remaining time minus 60 s). */
  deadline: number;
}

export type RenderResult = { ok: true; message: OutgoingMessage } | { ok: false; reason: string };
/** Renders one row's message: by default templates.ts (prepareTemplates once per job + renderMessage with deps.links). */
export type ChunkRenderer = (row: Row, ctx: MessageContext & { to: string }) => Promise<RenderResult>;

export interface ChunkOptions {
  /** Another renderer than the activity's templates (tests of the sender itself). */
  render?: ChunkRenderer;
  /** Messages per round: rendered, reserved, sent and settled together (default 200). */
  batch?: number;
  /** Provider calls in flight (default 32). */
  concurrency?: number;
  /** Tries of a throttled message before it ends `throttled` (default 6). */
  maxTries?: number;
  /** The first backoff after a throttling, doubled at each try, with full jitter (default 250 ms). */
  backoffMs?: number;
  /** Rows read from Parquet at a time. */
  sliceRows?: number;
}

/**
 * The lease lasts past the deadline by the minute the function keeps for itself: an attempt that
 * stops normally gives it back, one that dies keeps it at most until its function is gone.
 */
const LEASE_MARGIN_MS = 60_000;

interface Pending {
  messageId: string;
  address: string;
  key: string;
  row: Row;
  message?: OutgoingMessage;
  tries: number;
  notBefore: number;
  reserved: boolean;
}

type LogLine = MessageLogRecord;

/** A message's outcome as settled; `delivered`: the provider's hand-off was its delivery. */
interface Settlement {
  outcome: Outcome;
  reason?: string;
  providerId?: string;
  delivered?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();
const text = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
const INTERNAL = new Set<string>([...Object.values(MESSAGE_COLUMNS), 'orca_output']);

/** The chunk sender's signature (the send handler takes one: tests may give another). */
export type SendChunk = (job: ChunkJob, deps: ChannelDeps) => Promise<{ counts: ChunkCounts; done: boolean }>;

/** The activity's templates, parsed once per job, rendered with the deployment's links. */
export function templateRenderer(activity: ChannelActivity, deps: Pick<ChannelDeps, 'links'>): ChunkRenderer {
  const templates = prepareTemplates(activity);
  return (row, ctx) => renderMessage(templates, row, { ...ctx, links: deps.links });
}

export async function sendChunk(
  job: ChunkJob,
  deps: ChannelDeps,
  options: ChunkOptions = {},
): Promise<{ counts: ChunkCounts; done: boolean }> {
  const ref: ChunkRef = {
    campaignId: job.campaignId,
    runId: job.runId,
    activityId: job.activity.id,
    channel: job.channel,
    chunk: job.chunk,
  };
  const provider = deps.providers[job.channel];
  if (!provider)
    throw new ActivityError(`${job.activity.id}: no ${job.channel} provider is configured in this deployment`);
  if (!(await deps.ledger.leaseChunk(ref, job.attempt, iso(job.deadline + LEASE_MARGIN_MS))))
    throw new ChunkBusy(`${job.activity.id}: chunk ${job.chunk} is being sent by another attempt`);
  try {
    const result = await new ChunkSender(job, deps, options, ref, provider).run();
    if (!result.done) await deps.ledger.releaseChunk(ref, job.attempt);
    return result;
  } catch (e) {
    // The retry need not wait for the lease to expire: nothing of this attempt is in flight.
    await deps.ledger.releaseChunk(ref, job.attempt).catch(() => undefined);
    throw e;
  }
}

class ChunkSender {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly render: ChunkRenderer;
  private readonly batch: number;
  private readonly concurrency: number;
  private readonly maxTries: number;
  private readonly backoffMs: number;
  private readonly counts: ChunkCounts = {};
  /** Every message of the chunk seen so far, with its outcome: the message log. */
  private readonly log = new Map<string, LogLine>();
  private queue: Pending[] = [];
  private readonly started: number;
  /** The earliest time in the ledger of this chunk's messages: the message log's day. */
  private firstAt: number;
  private windowClosed = false;

  constructor(
    private readonly job: ChunkJob,
    private readonly deps: ChannelDeps,
    private readonly options: ChunkOptions,
    private readonly ref: ChunkRef,
    private readonly provider: MessageProvider,
  ) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms) => new Promise((res) => setTimeout(res, ms)));
    this.batch = options.batch ?? 200;
    this.concurrency = options.concurrency ?? 32;
    this.maxTries = options.maxTries ?? 6;
    this.backoffMs = options.backoffMs ?? 250;
    this.render = options.render ?? templateRenderer(job.activity, deps);
    this.started = this.now();
    this.firstAt = this.started;
  }

  private earlierAttempts = true;

  async run(): Promise<{ counts: ChunkCounts; done: boolean }> {
    this.earlierAttempts = await this.deps.ledger.chunkTouched(this.ref);
    const reader = chunkRows(this.deps.objects, this.job.files, this.options.sliceRows ?? SLICE_ROWS);
    let exhausted = false;
    for (;;) {
      // Enough ready messages for a round, within a bound on what waits (throttled retries).
      while (!exhausted && this.readyCount() < this.batch && this.queue.length < 4 * this.batch) {
        const next = await reader.next();
        if (next.done) exhausted = true;
        else await this.admit(next.value.columns, next.value.rows, next.value.file);
      }
      if (!this.queue.length) break;
      const t = this.now();
      if (!this.windowClosed && this.job.windowEndsAt !== undefined && t >= this.job.windowEndsAt)
        this.windowClosed = true;
      if (this.windowClosed) {
        await this.settle(this.queue, () => ({ outcome: 'windowClosed', reason: 'the sending window ended' }));
        continue;
      }
      if (t >= this.job.deadline) {
        await this.stopAtDeadline();
        return { counts: this.counts, done: false };
      }
      await this.round(t);
    }
    await this.writeLog();
    await this.deps.ledger.finishChunk(this.ref, this.counts);
    return { counts: this.counts, done: true };
  }

  private readyCount(): number {
    const t = this.now();
    let n = 0;
    for (const p of this.queue) if (p.notBefore <= t) n++;
    return n;
  }

  /** A slice of rows: known messages keep their outcome (or become unknown), the others wait their turn. */
  private async admit(columns: string[], rows: Row[], file: string): Promise<void> {
    const keyColumn = columns[0];
    const fresh: Pending[] = [];
    for (const row of rows) {
      const messageId = row[MESSAGE_COLUMNS.messageId];
      const address = row[MESSAGE_COLUMNS.address];
      if (typeof messageId !== 'string' || !messageId || typeof address !== 'string' || !address || !keyColumn)
        throw new ActivityError(
          `${this.job.activity.id}: the message table ${file} has a row without ${MESSAGE_COLUMNS.messageId} or ${MESSAGE_COLUMNS.address}`,
        );
      const own: Row = {};
      for (const c of columns) if (!INTERNAL.has(c)) own[c] = row[c];
      fresh.push({ messageId, address, key: text(row[keyColumn]), row: own, tries: 0, notBefore: 0, reserved: false });
    }
    // A first attempt knows what it did itself: only earlier attempts' messages are looked up.
    const known = this.earlierAttempts
      ? await this.deps.ledger.statuses(
          fresh.map((p) => p.messageId),
          this.ref,
        )
      : new Map<string, LedgerEntry>();
    const crashed: Pending[] = [];
    for (const p of fresh) {
      const entry = known.get(p.messageId);
      if (!entry) {
        this.queue.push(p);
        continue;
      }
      this.firstAt = Math.min(this.firstAt, Date.parse(entry.at));
      if (entry.status === 'sending') crashed.push(p);
      else this.record(p, entry.status, entry.reason, entry.at, entry.deliveredAt);
    }
    await this.settle(crashed, () => ({
      outcome: 'unknown',
      reason: 'an earlier attempt stopped between its reservation and the provider’s answer',
    }));
  }

  /** One round: render, take tokens, reserve, send, settle. */
  private async round(t: number): Promise<void> {
    // No more than a second's worth of the rate: what is rendered is sent soon.
    const size = Math.min(this.batch, this.job.perSecond ?? Number.POSITIVE_INFINITY);
    const ready: Pending[] = [];
    const renderErrors: Array<{ p: Pending; reason: string }> = [];
    for (const p of this.queue) {
      if (ready.length >= size) break;
      if (p.notBefore > t) continue;
      if (!p.message) {
        const r = await this.render(p.row, {
          messageId: p.messageId,
          campaignId: this.job.campaignId,
          runId: this.job.runId,
          activityId: this.job.activity.id,
          key: p.key,
          to: p.address,
        });
        if (!r.ok) {
          renderErrors.push({ p, reason: r.reason });
          continue;
        }
        p.message = r.message;
      }
      ready.push(p);
    }
    if (renderErrors.length) {
      const reasons = new Map(renderErrors.map((e) => [e.p, e.reason]));
      await this.settle(
        renderErrors.map((e) => e.p),
        (p) => ({ outcome: 'renderError', reason: reasons.get(p)! }),
      );
    }
    if (!ready.length) {
      if (renderErrors.length) return;
      // Only throttled messages waiting for their backoff: sleep until the first is due.
      const due = Math.min(...this.queue.map((p) => p.notBefore));
      await this.sleep(this.boundedWait(due - t));
      return;
    }
    // Reserved before the tokens are taken, so that the calls start right after the grant (a
    // message reserved and not granted waits, reserved, for the next round).
    const toReserve = ready.filter((p) => !p.reserved);
    if (toReserve.length) {
      await this.deps.ledger.reserve(
        this.ref,
        toReserve.map((p) => p.messageId),
        iso(this.now()),
      );
      for (const p of toReserve) p.reserved = true;
    }
    let go = ready;
    /** When the granted tokens' second ends: a call not started by then waits for new tokens. */
    let tokensEnd = Number.POSITIVE_INFINITY;
    if (this.job.perSecond) {
      const r = await this.deps.rate.take(this.job.runId, this.job.activity.id, ready.length, this.job.perSecond);
      if (!r.granted) {
        await this.sleep(this.boundedWait(r.retryAt - this.now()));
        return;
      }
      go = ready.slice(0, r.granted);
      tokensEnd = r.retryAt;
    }
    // A call starts within the second of its tokens, or not at all (it stays reserved and queued):
    // so the provider never sees more than the rate in one second, however late a round runs.
    const results = await pool(go, this.concurrency, async (p) =>
      this.now() < tokensEnd ? this.provider.send(p.message!) : undefined,
    );
    const done: Pending[] = [];
    const outcomes = new Map<Pending, Settlement>();
    let crash: unknown;
    go.forEach((p, i) => {
      const r = results[i]!;
      if (r.status === 'rejected') {
        // The provider itself failed: this message stays `sending` (a retry marks it unknown).
        crash ??= r.reason;
        return;
      }
      const outcome: SendOutcome | undefined = r.value;
      if (!outcome) return;
      if (outcome.status === 'throttled') {
        p.tries++;
        if (p.tries < this.maxTries) {
          p.notBefore = this.now() + this.backoff(p.tries, outcome.retryAfterMs);
          return;
        }
        outcomes.set(p, { outcome: 'throttled', reason: `${outcome.reason} (${p.tries} tries)` });
      } else if (outcome.status === 'failed') outcomes.set(p, { outcome: 'failed', reason: outcome.reason });
      else
        outcomes.set(p, {
          outcome: 'sent',
          ...(outcome.providerId ? { providerId: outcome.providerId } : {}),
          ...(outcome.delivered ? { delivered: true } : {}),
        });
      done.push(p);
    });
    await this.settle(done, (p) => outcomes.get(p)!);
    if (crash !== undefined) throw crash;
  }

  /** Exponential backoff with full jitter, at least what the provider asked for. */
  private backoff(tries: number, retryAfterMs = 0): number {
    const cap = this.backoffMs * 2 ** (tries - 1);
    return Math.max(retryAfterMs, Math.round(cap / 2 + (Math.random() * cap) / 2));
  }

  /** A wait that never runs past the deadline or the window's end (rechecked after it). */
  private boundedWait(ms: number): number {
    const t = this.now();
    const limits = [this.job.deadline - t, ...(this.job.windowEndsAt !== undefined ? [this.job.windowEndsAt - t] : [])];
    return Math.max(1, Math.min(ms, ...limits));
  }

  /**
   * Out of time: messages waiting for a retry after a throttling were refused, so they end
   * `throttled` (counted, not lost); those reserved but never handed over give their reservation
   * back, and wait for the continuation with the ones not reserved.
   */
  private async stopAtDeadline(): Promise<void> {
    const waiting = this.queue.filter((p) => p.reserved);
    await this.settle(
      waiting.filter((p) => p.tries > 0),
      (p) => ({ outcome: 'throttled', reason: `still throttled when the attempt's time ran out (${p.tries} tries)` }),
    );
    const never = waiting.filter((p) => p.tries === 0);
    if (never.length)
      await this.deps.ledger.settle(
        this.ref,
        never.map((p) => ({ messageId: p.messageId, status: 'sending', at: iso(this.now()) })),
      );
    await this.writeLog();
  }

  /** Records outcomes in the ledger and the log, and takes the messages out of the queue. */
  private async settle(messages: Pending[], outcomeOf: (p: Pending) => Settlement): Promise<void> {
    if (!messages.length) return;
    const at = iso(this.now());
    const entries: LedgerEntry[] = messages.map((p) => {
      const o = outcomeOf(p);
      // Where the hand-off is the delivery (local SMTP, the outbox), its time is the delivery's.
      const deliveredAt = o.delivered ? at : undefined;
      this.record(p, o.outcome, o.reason, at, deliveredAt);
      return {
        messageId: p.messageId,
        status: o.outcome,
        at,
        ...(o.reason ? { reason: o.reason } : {}),
        ...(o.providerId ? { providerId: o.providerId } : {}),
        ...(deliveredAt ? { deliveredAt } : {}),
      };
    });
    await this.deps.ledger.settle(this.ref, entries);
    const gone = new Set(messages);
    this.queue = this.queue.filter((p) => !gone.has(p));
  }

  private record(
    p: Pick<Pending, 'messageId' | 'address' | 'key'>,
    outcome: Outcome,
    reason: string | undefined,
    at: string,
    deliveredAt?: string,
  ) {
    this.counts[outcome] = (this.counts[outcome] ?? 0) + 1;
    this.log.set(p.messageId, {
      message_id: p.messageId,
      campaign_id: this.job.campaignId,
      run_id: this.job.runId,
      activity_id: this.job.activity.id,
      channel: this.job.channel,
      address: p.address,
      recipient_key: p.key,
      outcome,
      reason: reason ?? null,
      at,
      delivered_at: deliveredAt ?? null,
    });
  }

  /**
   * The chunk's message log, whole. Its day is the day of the chunk's first ledger write (known to
   * a retry from the ledger), so that every attempt rewrites the same file.
   */
  private async writeLog(): Promise<void> {
    const day = iso(this.firstAt).slice(0, 10);
    const body = [...this.log.values()].map((l) => `${JSON.stringify(l)}\n`).join('');
    await this.deps.objects.put(
      messageLogKey(this.job.channel, day, this.job.runId, this.job.activity.id, this.job.chunk),
      body,
      'application/x-ndjson',
    );
  }
}

/** `fn` over `items` with at most `limit` in flight; every result, in order (like Promise.allSettled). */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i]!) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
