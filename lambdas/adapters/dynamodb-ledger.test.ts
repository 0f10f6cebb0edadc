/** The message ledger and the rate limiter against dynalite on loopback (the code the Lambdas run). */
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite, TABLE, type LocalDynamo } from '../../runtime/dynalite.js';
import type { ChunkRef } from '../ports/ledger.js';
import { DynamoDbLedger, DynamoDbRateLimiter, MESSAGE_TTL_S } from './dynamodb-ledger.js';

let dynamo: LocalDynamo;
let ledger: DynamoDbLedger;
let clock = Date.parse('2026-12-01T10:00:00.000Z');
beforeAll(async () => {
  dynamo = await startDynalite();
  ledger = new DynamoDbLedger(dynamo.client, TABLE, { now: () => clock });
});
afterAll(() => dynamo.close());

const ref = (chunk: number, activityId = 'mail'): ChunkRef => ({
  campaignId: 'c',
  runId: 'r1',
  activityId,
  channel: 'email',
  chunk,
});
const iso = (ms: number) => new Date(ms).toISOString();
const doc = () => DynamoDBDocumentClient.from(dynamo.client);

describe('DynamoDbLedger on dynalite', () => {
  it('leases a chunk to exactly one of many concurrent attempts; the holder may take it again', async () => {
    const until = iso(clock + 60_000);
    const attempts = Array.from({ length: 12 }, (_, i) => `attempt-${i}`);
    const won = await Promise.all(attempts.map((a) => ledger.leaseChunk(ref(0), a, until)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const holder = attempts[won.indexOf(true)]!;
    expect(await ledger.leaseChunk(ref(0), holder, until)).toBe(true);
    expect(await ledger.leaseChunk(ref(0), 'late', until)).toBe(false);
    // Another chunk of the activity is another lease.
    expect(await ledger.leaseChunk(ref(1), 'late', until)).toBe(true);
  });

  it('an expired lease, a released one and a finished one can be taken by another attempt', async () => {
    expect(await ledger.leaseChunk(ref(5), 'a1', iso(clock + 1000))).toBe(true);
    expect(await ledger.leaseChunk(ref(5), 'a2', iso(clock + 1000))).toBe(false);
    clock += 2000;
    expect(await ledger.leaseChunk(ref(5), 'a2', iso(clock + 60_000))).toBe(true);
    // Releasing someone else's lease does nothing.
    await ledger.releaseChunk(ref(5), 'a1');
    expect(await ledger.leaseChunk(ref(5), 'a3', iso(clock + 60_000))).toBe(false);
    await ledger.releaseChunk(ref(5), 'a2');
    expect(await ledger.leaseChunk(ref(5), 'a3', iso(clock + 60_000))).toBe(true);
    await ledger.finishChunk(ref(5), { sent: 1 });
    expect(await ledger.leaseChunk(ref(5), 'a4', iso(clock + 60_000))).toBe(true);
  });

  it('reserves and settles messages beyond a batch of 25, and reads them back beyond a batch of 100', async () => {
    const ids = Array.from({ length: 260 }, (_, i) => `m${String(i).padStart(3, '0')}`);
    await ledger.reserve(ref(2), ids, iso(clock));
    await ledger.settle(
      ref(2),
      ids
        .slice(0, 130)
        .map((messageId, i) =>
          i % 2
            ? { messageId, status: 'failed' as const, reason: 'rejected', at: iso(clock + 1) }
            : { messageId, status: 'sent' as const, providerId: `p-${messageId}`, at: iso(clock + 1) },
        ),
    );
    const got = await ledger.statuses([...ids, 'never-written', 'm000']);
    expect(got.size).toBe(260);
    expect(got.get('m000')).toEqual({ messageId: 'm000', status: 'sent', providerId: 'p-m000', at: iso(clock + 1) });
    expect(got.get('m001')).toEqual({ messageId: 'm001', status: 'failed', reason: 'rejected', at: iso(clock + 1) });
    expect(got.get('m259')).toEqual({ messageId: 'm259', status: 'sending', at: iso(clock) });
    expect(got.has('never-written')).toBe(false);
    const item = await doc().send(new GetCommand({ TableName: TABLE, Key: { pk: 'MSG#m000', sk: 'MSG' } }));
    expect(item.Item).toMatchObject({ campaignId: 'c', runId: 'r1', activityId: 'mail', channel: 'email', chunk: 2 });
    expect(item.Item!.ttl).toBe(Math.floor(clock / 1000) + MESSAGE_TTL_S);
  });

  it("sums an activity's finished chunks in one query, the last attempt's counts replacing the earlier", async () => {
    await ledger.finishChunk(ref(0, 'sms'), { sent: 3, failed: 1 });
    await ledger.finishChunk(ref(1, 'sms'), { sent: 9 });
    await ledger.finishChunk(ref(1, 'sms'), { sent: 8, unknown: 1 });
    // A leased, unfinished chunk and another activity whose id starts the same are not counted.
    await ledger.leaseChunk(ref(2, 'sms'), 'x', iso(clock + 1000));
    await ledger.finishChunk(ref(0, 'sms2'), { sent: 100 });
    const counts = await ledger.chunkCounts('r1', 'sms');
    expect([...counts.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [0, { sent: 3, failed: 1 }],
      [1, { sent: 8, unknown: 1 }],
    ]);
  });
});

describe('DynamoDbRateLimiter on dynalite', () => {
  it('grants at most the rate per second, partial batches included', async () => {
    const now = Date.parse('2026-12-01T10:00:00.250Z');
    const rate = new DynamoDbRateLimiter(dynamo.client, TABLE, { now: () => now });
    expect(await rate.take('r1', 'a', 60, 100)).toEqual({ granted: 60, retryAt: Date.parse('2026-12-01T10:00:01Z') });
    expect((await rate.take('r1', 'a', 60, 100)).granted).toBe(40);
    expect((await rate.take('r1', 'a', 1, 100)).granted).toBe(0);
    // Another activity has its own rate.
    expect((await rate.take('r1', 'b', 500, 100)).granted).toBe(100);
    const slot = await doc().send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'RATE#r1#a', sk: String(Math.floor(now / 1000)) } }),
    );
    expect(slot.Item).toMatchObject({ taken: 100, ttl: Math.floor(now / 1000) + 86_400 });
  });

  it('concurrent takers never exceed the rate in any second, and use it fully while they want more', async () => {
    const rate = new DynamoDbRateLimiter(dynamo.client, TABLE);
    const perSecond = 50;
    let granted = 0;
    const until = Date.now() + 2100;
    // 8 takers asking 7 tokens at a time, for about two seconds (the real clock: slots turn over).
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() < until) {
          const r = await rate.take('r9', 'a', 7, perSecond);
          granted += r.granted;
          if (!r.granted) await new Promise((res) => setTimeout(res, Math.max(1, r.retryAt - Date.now())));
        }
      }),
    );
    const slots = await doc().send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'RATE#r9#a' },
      }),
    );
    const taken = (slots.Items ?? []).map((i) => Number(i.taken));
    expect(taken.length).toBeGreaterThanOrEqual(2);
    for (const t of taken) expect(t).toBeLessThanOrEqual(perSecond);
    expect(taken.reduce((a, b) => a + b, 0)).toBe(granted);
    // Every full second in the middle was used to the last token (partial grants fill it).
    expect(taken.slice(1, -1).every((t) => t === perSecond)).toBe(true);
  });
});
