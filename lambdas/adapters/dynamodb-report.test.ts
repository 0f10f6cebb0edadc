/** The report counters on dynalite: each delivery event of a message counts once, even raced. */
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite, TABLE, type LocalDynamo } from '../../runtime/dynalite.js';
import { DynamoDbReportStore } from './dynamodb-report.js';

let dynamo: LocalDynamo;
let reports: DynamoDbReportStore;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynalite();
  reports = new DynamoDbReportStore(dynamo.client, TABLE);
  doc = DynamoDBDocumentClient.from(dynamo.client);
});
afterAll(() => dynamo.close());

/** A message item as the sender writes it (lambdas/ports/ledger.ts). */
const message = (messageId: string, runId = 'r1', activityId = 'mail', campaignId = 'c1') =>
  doc.send(
    new PutCommand({
      TableName: TABLE,
      Item: { pk: `MSG#${messageId}`, sk: 'MSG', campaignId, runId, activityId, channel: 'email', status: 'sent' },
    }),
  );

const item = async (pk: string, sk: string) =>
  (await doc.send(new GetCommand({ TableName: TABLE, Key: { pk, sk } }))).Item;

describe('DynamoDbReportStore on dynalite', () => {
  it('the same open twice counts once, its first time kept', async () => {
    await message('m1');
    expect(await reports.recordEvent('m1', 'opened', '2026-12-01T10:00:00.000Z')).toBe(true);
    expect(await reports.recordEvent('m1', 'opened', '2026-12-01T11:00:00.000Z')).toBe(false);
    expect(await item('MSG#m1', 'MSG')).toMatchObject({ openedAt: '2026-12-01T10:00:00.000Z' });
    expect(await reports.counters('c1', 'r1')).toEqual([{ runId: 'r1', activityId: 'mail', opened: 1 }]);
  });

  it('concurrent duplicates of an event count once (one of them wins the conditional write)', async () => {
    await message('m2');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => reports.recordEvent('m2', 'clicked', `2026-12-01T10:00:0${i % 10}.000Z`)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await reports.counters('c1', 'r1'))[0]).toMatchObject({ opened: 1, clicked: 1 });
  });

  it('an unknown message records nothing and answers false', async () => {
    expect(await reports.recordEvent('nope', 'delivered', '2026-12-01T10:00:00.000Z')).toBe(false);
    expect(await item('MSG#nope', 'MSG')).toBeUndefined();
  });

  it('set counters replace (a retried step sets the same values), events add; per run or across runs', async () => {
    await reports.setCounters('c2', 'r1', 'mail', { targeted: 5, 'excluded.noAddress': 2, sent: 3 });
    await reports.setCounters('c2', 'r1', 'mail', { targeted: 5, 'excluded.noAddress': 2, sent: 3 });
    await reports.setCounters('c2', 'r2', 'mail', { targeted: 1, sent: 1 });
    await message('m3', 'r1', 'mail', 'c2');
    await message('m4', 'r2', 'mail', 'c2');
    await reports.recordEvent('m3', 'delivered', '2026-12-01T10:00:00.000Z');
    await reports.recordEvent('m4', 'bounced', '2026-12-01T10:00:00.000Z');
    expect(await reports.counters('c2', 'r1')).toEqual([
      { runId: 'r1', activityId: 'mail', targeted: 5, 'excluded.noAddress': 2, sent: 3, delivered: 1 },
    ]);
    const all = await reports.counters('c2');
    expect(all.map((r) => [r.runId, r.sent, r.delivered ?? 0, r.bounced ?? 0])).toEqual([
      ['r1', 3, 1, 0],
      ['r2', 1, 0, 1],
    ]);
    expect(await reports.counters('c3')).toEqual([]);
  });
});
