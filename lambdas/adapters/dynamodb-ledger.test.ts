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
    // A lease alone does not touch the chunk; a settlement without reservation does (a render error).
    expect(await ledger.chunkTouched(ref(5))).toBe(false);
    await ledger.settle(ref(5), [{ messageId: 'x5', status: 'renderError', reason: 'r', at: iso(clock) }]);
    expect(await ledger.chunkTouched(ref(5))).toBe(true);
    await ledger.finishChunk(ref(5), { sent: 1 });
    expect(await ledger.leaseChunk(ref(5), 'a4', iso(clock + 60_000))).toBe(true);
  });

  it('reserves a batch in one write, settles beyond a batch of 25, reads back beyond a batch of 100', async () => {
    const ids = Array.from({ length: 260 }, (_, i) => `m${String(i).padStart(3, '0')}`);
    expect(await ledger.chunkTouched(ref(2))).toBe(false);
    await ledger.reserve(ref(2), ids.slice(0, 200), iso(clock));
    expect(await ledger.chunkTouched(ref(2))).toBe(true);
    await ledger.reserve(ref(2), ids.slice(200), iso(clock + 5));
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
    const got = await ledger.statuses([...ids, 'never-written', 'm000'], ref(2));
    expect(got.size).toBe(260);
    expect(got.get('m000')).toEqual({ messageId: 'm000', status: 'sent', providerId: 'p-m000', at: iso(clock + 1) });
    expect(got.get('m001')).toEqual({ messageId: 'm001', status: 'failed', reason: 'rejected', at: iso(clock + 1) });
    // Reserved, never settled: sending since the chunk's first reservation.
    expect(got.get('m259')).toEqual({ messageId: 'm259', status: 'sending', at: iso(clock) });
    expect(got.has('never-written')).toBe(false);
    // Without the chunk, only the outcomes; another chunk's reservations are not this one's.
    expect((await ledger.statuses(ids)).size).toBe(130);
    expect((await ledger.statuses(ids, ref(3))).size).toBe(130);
    const item = await doc().send(new GetCommand({ TableName: TABLE, Key: { pk: 'MSG#m000', sk: 'MSG' } }));
    expect(item.Item).toMatchObject({ campaignId: 'c', runId: 'r1', activityId: 'mail', channel: 'email', chunk: 2 });
    expect(item.Item!.ttl).toBe(Math.floor(clock / 1000) + MESSAGE_TTL_S);
    // The chunk keeps only what is still in flight.
    const chunk = await doc().send(new GetCommand({ TableName: TABLE, Key: { pk: 'RUN#r1', sk: 'CHUNK#mail#2' } }));
    expect((chunk.Item!.sending as Set<string>).size).toBe(130);
    await ledger.settle(
      ref(2),
      ids.slice(130).map((messageId) => ({ messageId, status: 'unknown' as const, at: iso(clock + 2) })),
    );
    const after = await doc().send(new GetCommand({ TableName: TABLE, Key: { pk: 'RUN#r1', sk: 'CHUNK#mail#2' } }));
    expect(after.Item!.sending).toBeUndefined();
    expect((await ledger.statuses(['m259'], ref(2))).get('m259')?.status).toBe('unknown');
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

  it('concurrent takers never exceed the rate in any second, and partial grants use it to the last token', async () => {
    let second = 0;
    const base = Date.parse('2026-12-01T11:00:00.500Z');
    const rate = new DynamoDbRateLimiter(dynamo.client, TABLE, { now: () => base + second * 1000 });
    const perSecond = 50;
    const granted: number[] = [];
    // Two seconds; in each, 8 takers asking 7 tokens at a time race until none is left.
    for (; second < 2; second++)
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (;;) {
            const r = await rate.take('r9', 'a', 7, perSecond);
            if (!r.granted) return;
            granted[second] = (granted[second] ?? 0) + r.granted;
          }
        }),
      );
    expect(granted).toEqual([50, 50]);
    const slots = await doc().send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'RATE#r9#a' },
      }),
    );
    expect((slots.Items ?? []).map((i) => Number(i.taken))).toEqual([50, 50]);
  });
});
