/**
 * The chunk sender on real parts: the ledger and the rate limiter on dynalite, Parquet files written
 * by DuckDB's COPY (as the prepare query writes them: PARTITION_BY orca_chunk), the data folder as
 * the object store; a test provider that records its calls and throttles, fails, crashes or hangs
 * on demand. A virtual clock: `sleep` advances it, so backoffs and rate waits take no real time.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLedger, DynamoDbRateLimiter } from '../adapters/dynamodb-ledger.js';
import { FsObjectStore } from '../adapters/fs-objects.js';
import { startDynalite, TABLE, type LocalDynamo } from '../../runtime/dynalite.js';
import { openTestDb, type TestDb } from '../../test/helpers/duckdb.js';
import { emailSchema } from '../activities/channels.js';
import type { MessageProvider, OutgoingMessage, SendOutcome } from '../ports/channel.js';
import { DynamoDbReportStore } from '../adapters/dynamodb-report.js';
import { messageLogKey } from '../channels/lake.js';
import { type ChunkJob, type ChunkRenderer, sendChunk } from './chunk.js';
import type { ChannelDeps } from './types.js';

let dynamo: LocalDynamo;
let t: TestDb;
/** The virtual clock: 2026-12-01T10:00:00Z, a whole second. */
let clock = Date.parse('2026-12-01T10:00:00.000Z');
const now = () => clock;
let deps: ChannelDeps;
let ledger: DynamoDbLedger;

beforeAll(async () => {
  dynamo = await startDynalite();
  t = await openTestDb('orca-chunk-');
  ledger = new DynamoDbLedger(dynamo.client, TABLE, { now });
  deps = {
    providers: {},
    ledger,
    rate: new DynamoDbRateLimiter(dynamo.client, TABLE, { now }),
    reports: new DynamoDbReportStore(dynamo.client, TABLE),
    objects: new FsObjectStore(t.dir),
    links: { baseUrl: 'http://127.0.0.1:7777', secret: 'a-test-secret-of-at-least-32-chars', tracking: 'orca' },
    now,
    sleep: async (ms) => {
      clock += ms;
    },
  };
});
afterAll(async () => {
  t.close();
  await dynamo.close();
});

const activity = emailSchema.parse({ id: 'mail', type: 'email', from: 'news@example.com', subject: 'Hi {{first}}' });

/**
 * A message table of `n` recipients in `chunks` chunks, as prepare writes it: the inbound columns
 * (the key `id` first), then orca_message_id, orca_address; one folder per orca_chunk.
 */
async function messageTable(runId: string, n: number, chunks = 1, rowGroup = 2048): Promise<string[][]> {
  const location = join(t.dir, 'work/c', runId, 'mail/orca_output=messages');
  mkdirSync(location, { recursive: true });
  await t.db.run(`COPY (
    SELECT i AS id, CASE WHEN i % 97 = 13 THEN 'Bad' ELSE 'First' || i END AS first, DATE '2026-01-01' + i::INTEGER AS since,
           i::BIGINT * 1000000 AS points, md5('${runId}|mail|' || i) AS orca_message_id,
           'user' || i || '@example.com' AS orca_address, i % ${chunks} AS orca_chunk
    FROM range(${n}) r(i)) TO '${location}' (FORMAT PARQUET, PARTITION_BY (orca_chunk), ROW_GROUP_SIZE ${rowGroup})`);
  const objects = await deps.objects.list(`work/c/${runId}/mail/orca_output=messages/`);
  return Array.from({ length: chunks }, (_, c) =>
    objects.map((o) => o.key).filter((k) => k.includes(`/orca_chunk=${c}/`)),
  );
}

/** Renders "Hi <first>"; a row whose `first` is 'Bad' cannot be rendered. */
const render: ChunkRenderer = async (row, ctx) =>
  row.first === 'Bad'
    ? { ok: false, reason: "subject: unknown filter 'oops'" }
    : {
        ok: true,
        message: {
          ...ctx,
          channel: 'email',
          email: { from: 'news@example.com', subject: `Hi ${String(row.first)}`, headers: {} },
        },
      };

type Behaviour = (m: OutgoingMessage, call: number, triesOfThis: number) => SendOutcome | 'crash' | 'hang';

class TestProvider implements MessageProvider {
  readonly channel = 'email' as const;
  readonly description = 'test';
  readonly calls: OutgoingMessage[] = [];
  private readonly tries = new Map<string, number>();
  constructor(private readonly behaviour: Behaviour = () => ({ status: 'sent' })) {}
  async send(m: OutgoingMessage): Promise<SendOutcome> {
    const tries = (this.tries.get(m.messageId) ?? 0) + 1;
    this.tries.set(m.messageId, tries);
    const b = this.behaviour(m, this.calls.length + 1, tries);
    this.calls.push(m);
    if (b === 'crash') throw new Error('connection reset by the provider');
    if (b === 'hang') return new Promise<never>(() => undefined);
    return b;
  }
}

const job = (runId: string, files: string[], extra: Partial<ChunkJob> = {}): ChunkJob => ({
  campaignId: 'c',
  runId,
  activity,
  channel: 'email',
  chunk: 0,
  files,
  attempt: `attempt-${Math.random()}`,
  deadline: clock + 600_000,
  ...extra,
});

const readLog = (runId: string, chunk = 0, day = '2026-12-01') =>
  readFileSync(join(t.dir, messageLogKey('email', day, runId, 'mail', chunk)), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Each recipient's outcomes in a message log. */
const outcomesById = (log: Record<string, unknown>[]) => {
  const by = new Map<string, unknown[]>();
  for (const l of log) by.set(String(l.message_id), [...(by.get(String(l.message_id)) ?? []), l.outcome]);
  return by;
};

describe('sendChunk', () => {
  it("sends each of a chunk's messages once, a slice of rows at a time; a render error is that message's outcome", async () => {
    const [files] = await messageTable('r-all', 600);
    const provider = new TestProvider();
    const r = await sendChunk(
      job('r-all', files!),
      { ...deps, providers: { email: provider } },
      { render, sliceRows: 200, batch: 100 },
    );
    // i % 97 = 13 for i < 600: 13, 110, 207, 304, 401, 498, 595 -> 7 rows.
    expect(r).toEqual({ done: true, counts: { sent: 593, renderError: 7 } });
    expect(provider.calls).toHaveLength(593);
    expect(new Set(provider.calls.map((c) => c.messageId)).size).toBe(593);
    const one = provider.calls.find((c) => c.to === 'user5@example.com')!;
    expect(one).toMatchObject({ key: '5', campaignId: 'c', runId: 'r-all', activityId: 'mail' });
    expect(one.channel === 'email' && one.email.subject).toBe('Hi First5');
    const log = readLog('r-all');
    expect(log).toHaveLength(600);
    expect(log.find((l) => l.recipient_key === '13')).toEqual({
      message_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      campaign_id: 'c',
      run_id: 'r-all',
      activity_id: 'mail',
      channel: 'email',
      address: 'user13@example.com',
      recipient_key: '13',
      outcome: 'renderError',
      reason: "subject: unknown filter 'oops'",
      at: '2026-12-01T10:00:00.000Z',
      delivered_at: null,
    });
    // The test provider's hand-off is not a delivery: no message has a delivery time.
    expect(log.filter((l) => l.delivered_at !== null)).toEqual([]);
    expect((await ledger.chunkCounts('r-all', 'mail')).get(0)).toEqual({ sent: 593, renderError: 7 });
    // Run again (a re-run of a finished chunk): nothing is sent twice, the counts are the same.
    const again = await sendChunk(job('r-all', files!), { ...deps, providers: { email: provider } }, { render });
    expect(again.counts).toEqual({ sent: 593, renderError: 7 });
    expect(provider.calls).toHaveLength(593);
    expect(readLog('r-all')).toHaveLength(600);
  });

  it('a hand-off that is the delivery (local SMTP, the outbox): the outcome time is the delivery time, in the log and the ledger', async () => {
    const [files] = await messageTable('r-dlv', 30);
    // Messages 0..9 delivered by their hand-off, the others only accepted (13 cannot be rendered).
    const provider = new TestProvider((m) =>
      Number(m.key) < 10 ? { status: 'sent', delivered: true } : { status: 'sent' },
    );
    const r = await sendChunk(job('r-dlv', files!), { ...deps, providers: { email: provider } }, { render });
    expect(r.counts).toEqual({ sent: 29, renderError: 1 });
    const log = readLog('r-dlv');
    const delivered = log.filter((l) => l.delivered_at !== null);
    expect(delivered.map((l) => Number(l.recipient_key)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const l of delivered) expect(l.delivered_at).toBe(l.at);
    const item = async (key: number) =>
      (
        await DynamoDBDocumentClient.from(dynamo.client).send(
          new GetCommand({
            TableName: TABLE,
            Key: { pk: `MSG#${log.find((l) => l.recipient_key === String(key))!.message_id}`, sk: 'MSG' },
          }),
        )
      ).Item;
    const three = log.find((l) => l.recipient_key === '3')!;
    expect(await item(3)).toMatchObject({ status: 'sent', at: three.at, deliveredAt: three.at });
    expect(await item(14)).toMatchObject({ status: 'sent' });
    expect((await item(14))?.deliveredAt).toBeUndefined();
    // A re-run reads the outcomes back from the ledger: the delivery times stay, nothing is sent again.
    clock += 5_000;
    await sendChunk(job('r-dlv', files!), { ...deps, providers: { email: provider } }, { render });
    expect(provider.calls).toHaveLength(29);
    expect(readLog('r-dlv').find((l) => l.recipient_key === '3')).toMatchObject({ delivered_at: three.at });
    expect(readLog('r-dlv').filter((l) => l.delivered_at !== null)).toHaveLength(10);
  });

  it('a chunk killed mid-way and retried: 0 duplicates, 0 lost, every recipient exactly one outcome', async () => {
    const [files] = await messageTable('r-kill', 400);
    // The process "dies" after 50 provider calls: calls 51.. never answer, nothing after them runs.
    const dying = new TestProvider((_, call) => (call > 50 ? 'hang' : { status: 'sent' }));
    const first = job('r-kill', files!, { deadline: clock + 600_000 });
    void sendChunk(first, { ...deps, providers: { email: dying } }, { render, batch: 20, concurrency: 4 });
    // Until the fourth worker is stuck on call 54 (calls 41..54 of the third batch of 20 started).
    while (dying.calls.length < 54) await new Promise((res) => setTimeout(res, 5));
    // The retry is refused while the dead attempt's lease holds, then goes on when it expired.
    const retry = new TestProvider();
    await expect(
      sendChunk(job('r-kill', files!), { ...deps, providers: { email: retry } }, { render }),
    ).rejects.toMatchObject({ name: 'Orca.ChunkBusy' });
    clock = first.deadline + 60_001;
    const r = await sendChunk(job('r-kill', files!), { ...deps, providers: { email: retry } }, { render, batch: 20 });
    // Batches 1 and 2 (40) settled as sent; batch 3 (20) was reserved and never settled: unknown,
    // never re-sent (10 of them reached the provider); the 340 others are sent by the retry.
    // 400 rows, i % 97 = 13 -> 13, 110, 207, 304: 4 render errors; 400 - 4 - 20 = 376 sent.
    expect(r).toEqual({ done: true, counts: { sent: 376, renderError: 4, unknown: 20 } });
    expect(retry.calls).toHaveLength(336);
    const handed = [...dying.calls, ...retry.calls].map((c) => c.messageId);
    expect(new Set(handed).size).toBe(handed.length);
    const log = readLog('r-kill');
    const by = outcomesById(log);
    expect(by.size).toBe(400);
    expect([...by.values()].every((o) => o.length === 1)).toBe(true);
    // Nothing that reached the provider in the first attempt was handed over again.
    const retried = new Set(retry.calls.map((c) => c.messageId));
    expect(dying.calls.filter((c) => retried.has(c.messageId))).toEqual([]);
    expect(log.filter((l) => l.outcome === 'unknown')).toHaveLength(20);
  });

  it('a provider that fails mid-way fails the attempt, gives the lease back, and its in-flight messages end unknown', async () => {
    const [files] = await messageTable('r-crash', 100);
    const crashing = new TestProvider((_, call) => (call === 30 ? 'crash' : { status: 'sent' }));
    await expect(
      sendChunk(job('r-crash', files!), { ...deps, providers: { email: crashing } }, { render, batch: 25 }),
    ).rejects.toThrow('connection reset by the provider');
    // No need to wait for the lease: the retry goes on at once.
    const retry = new TestProvider();
    const r = await sendChunk(job('r-crash', files!), { ...deps, providers: { email: retry } }, { render });
    // 100 rows: 13 is a render error. Calls 26..50 were the second batch: call 30 threw, the
    // other 24 were settled sent; only the 30th's message is unknown.
    expect(r.counts).toEqual({ sent: 98, renderError: 1, unknown: 1 });
    const all = [...crashing.calls, ...retry.calls].map((c) => c.messageId);
    expect(new Set(all).size).toBe(all.length);
    expect(outcomesById(readLog('r-crash')).size).toBe(100);
  });

  it('retries throttled messages with growing backoff, never skipping them; still throttled after the tries -> throttled', async () => {
    const [files] = await messageTable('r-throttle', 60);
    const waits: number[] = [];
    const provider = new TestProvider((m, _, tries) =>
      m.to === 'user7@example.com' || tries <= 2
        ? { status: 'throttled', reason: 'Maximum sending rate exceeded' }
        : { status: 'sent', providerId: `p-${m.messageId}` },
    );
    const r = await sendChunk(
      job('r-throttle', files!),
      {
        ...deps,
        providers: { email: provider },
        sleep: async (ms) => {
          waits.push(ms);
          clock += ms;
        },
      },
      { render, maxTries: 5, backoffMs: 100 },
    );
    // 60 rows, 13 a render error: 58 sent on their third try, user7 throttled after 5 tries.
    expect(r.counts).toEqual({ sent: 58, throttled: 1, renderError: 1 });
    expect(provider.calls).toHaveLength(58 * 3 + 5);
    const log = readLog('r-throttle');
    expect(log.find((l) => l.address === 'user7@example.com')).toMatchObject({
      outcome: 'throttled',
      reason: 'Maximum sending rate exceeded (5 tries)',
    });
    // Backoffs with full jitter in [cap/2, cap], cap = 100 ms x 2^(tries-1): the last ones reach 400..800.
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(400);
    expect(Math.max(...waits)).toBeLessThanOrEqual(800);
    expect((await ledger.statuses([String(log[0]!.message_id)])).get(String(log[0]!.message_id))?.status).toBe(
      log[0]!.outcome,
    );
  });

  it('at the end of the sending window the rest ends windowClosed (10 per second, a 3-second window)', async () => {
    const [files] = await messageTable('r-window', 100);
    clock = Math.ceil(clock / 1000) * 1000;
    const provider = new TestProvider();
    const r = await sendChunk(
      job('r-window', files!, { perSecond: 10, windowEndsAt: clock + 3000 }),
      { ...deps, providers: { email: provider } },
      { render },
    );
    // Seconds 0, 1 and 2 of the window, 10 tokens each: rows 0..30 but 13 (a render error, its turn
    // came in second 1); the 69 others end windowClosed.
    expect(provider.calls).toHaveLength(30);
    expect(r.counts).toEqual({ sent: 30, renderError: 1, windowClosed: 69 });
    expect(readLog('r-window', 0, new Date(clock).toISOString().slice(0, 10))).toHaveLength(100);
  });

  it("a call that could not start within its tokens' second waits for new tokens (never more than the rate in a second)", async () => {
    const [files] = await messageTable('r-late', 30);
    clock = Math.ceil(clock / 1000) * 1000;
    const startedAt: number[] = [];
    // Each call takes 300 ms of the clock: of a second's 10 tokens, only 4 calls can start in it.
    const slow = new TestProvider(() => {
      startedAt.push(clock);
      clock += 300;
      return { status: 'sent' };
    });
    const r = await sendChunk(
      job('r-late', files!, { perSecond: 10 }),
      { ...deps, providers: { email: slow } },
      { render },
    );
    // 30 rows, 13 a render error: 29 sent, each once.
    expect(r.counts).toEqual({ sent: 29, renderError: 1 });
    expect(new Set(slow.calls.map((c) => c.messageId)).size).toBe(29);
    const perSecond = new Map<number, number>();
    for (const t of startedAt) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    // Every call started in a second whose slot granted at least as many tokens (none on stale tokens).
    const slots = await DynamoDBDocumentClient.from(dynamo.client).send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'RATE#r-late#mail' },
      }),
    );
    const taken = new Map((slots.Items ?? []).map((i) => [Number(i.sk), Number(i.taken)]));
    for (const [second, calls] of perSecond) expect(calls).toBeLessThanOrEqual(taken.get(second) ?? 0);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(10);
  });

  it('stops at the deadline (done: false, the lease given back) and the continuation goes on where it stopped', async () => {
    const [files] = await messageTable('r-deadline', 50);
    clock = Math.ceil(clock / 1000) * 1000;
    const provider = new TestProvider();
    const first = await sendChunk(
      job('r-deadline', files!, { perSecond: 10, deadline: clock + 2000 }),
      { ...deps, providers: { email: provider } },
      { render },
    );
    // Seconds 0 and 1 before the deadline: rows 0..20, 13 a render error.
    expect(first).toEqual({ done: false, counts: { sent: 20, renderError: 1 } });
    expect(await ledger.chunkCounts('r-deadline', 'mail')).toEqual(new Map());
    const day = new Date(clock).toISOString().slice(0, 10);
    expect(readLog('r-deadline', 0, day)).toHaveLength(21);
    const rest = await sendChunk(
      job('r-deadline', files!, { perSecond: 10 }),
      { ...deps, providers: { email: provider } },
      { render },
    );
    // 50 rows, 13 a render error: 49 sent in all, each once.
    expect(rest).toEqual({ done: true, counts: { sent: 49, renderError: 1 } });
    expect(new Set(provider.calls.map((c) => c.messageId)).size).toBe(49);
    expect(provider.calls).toHaveLength(49);
    expect(readLog('r-deadline', 0, day)).toHaveLength(50);
  });

  it('two attempts at once: one is refused (Orca.ChunkBusy), the other sends everything once', async () => {
    const [files] = await messageTable('r-twice', 80);
    const provider = new TestProvider();
    const results = await Promise.allSettled([
      sendChunk(job('r-twice', files!), { ...deps, providers: { email: provider } }, { render }),
      sendChunk(job('r-twice', files!), { ...deps, providers: { email: provider } }, { render }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ name: 'Orca.ChunkBusy', retryable: true });
    expect(provider.calls).toHaveLength(79);
  });

  it('refuses a channel without a provider, naming the activity', async () => {
    await expect(sendChunk(job('r-none', []), deps, { render })).rejects.toThrow(
      'mail: no email provider is configured in this deployment',
    );
  });
});
