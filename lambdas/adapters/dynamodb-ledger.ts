/**
 * The message ledger and the shared rate limiter on the status table (DynamoDB; dynalite locally),
 * with the items lambdas/ports/ledger.ts describes:
 * - `MSG#<messageId>` / `MSG`: a message's outcome (written by BatchWriteItem: the chunk's lease,
 *   one conditional write, makes its writers exclusive), `ttl` 90 days;
 * - `RUN#<runId>` / `CHUNK#<activityId>#<chunk>`: the chunk's lease, counts and `sending` set: a
 *   reservation is one ADD of the batch's ids to it, a settlement DELETEs them once their outcomes
 *   are written (so a message is written once, not twice: dynalite's writes are what limits a
 *   local send); kept next to the run as long as it is (no ttl);
 * - `RATE#<runId>#<activityId>` / `<epoch second>`: the tokens taken in that second, `ttl` 1 day.
 * No transactions (dynalite has none): conditional writes and atomic ADDs only.
 */
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { OUTCOMES } from '../channels/columns.js';
import type { ChunkCounts, ChunkRef, LedgerEntry, MessageLedger, MessageStatus, RateLimiter } from '../ports/ledger.js';
import { isAwsError } from './aws-errors.js';
import { runPk } from './dynamodb-keys.js';

const DAY_S = 24 * 3600;
/** How long a message's item stays (the frequency cap reads the message log, not these). */
export const MESSAGE_TTL_S = 90 * DAY_S;
/** A rate slot is useful for one second; a day leaves it visible for debugging. */
export const RATE_SLOT_TTL_S = DAY_S;

/** BatchWriteItem takes at most 25 requests, BatchGetItem 100 keys ("Amazon DynamoDB API Reference"). */
const WRITE_BATCH = 25;
const GET_BATCH = 100;

const MSG = 'MSG#';
const messageKey = (messageId: string) => ({ pk: `${MSG}${messageId}`, sk: 'MSG' });
const chunkSkPrefix = (activityId: string) => `CHUNK#${activityId}#`;
const chunkKey = (ref: Pick<ChunkRef, 'runId' | 'activityId' | 'chunk'>) => ({
  pk: runPk(ref.runId),
  sk: `${chunkSkPrefix(ref.activityId)}${ref.chunk}`,
});
const ratePk = (runId: string, activityId: string) => `RATE#${runId}#${activityId}`;

const backoff = (attempt: number) => new Promise((res) => setTimeout(res, Math.min(1000, 20 * 2 ** attempt)));

const epochSeconds = (ms: number) => Math.floor(ms / 1000);

/** Groups of `size`, the last one shorter. */
function groups<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Requests of one call in flight at once. */
const PARALLEL_REQUESTS = 4;

/** `fn` over the groups, at most PARALLEL_REQUESTS at a time. */
async function inParallel<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_REQUESTS, items.length) }, worker));
}

export interface LedgerOptions {
  /** The clock (epoch ms) the lease's expiry and the items' ttl are computed from. */
  now?: () => number;
}

export class DynamoDbLedger implements MessageLedger {
  private readonly doc: DynamoDBDocumentClient;
  private readonly now: () => number;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    options: LedgerOptions = {},
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.now = options.now ?? Date.now;
  }

  async leaseChunk(ref: ChunkRef, attempt: string, expiresAt: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: chunkKey(ref),
          UpdateExpression: 'SET #holder = :attempt, #expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(#holder) OR #holder = :attempt OR #expiresAt < :now',
          ExpressionAttributeNames: { '#holder': 'holder', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: {
            ':attempt': attempt,
            ':expiresAt': expiresAt,
            ':now': new Date(this.now()).toISOString(),
          },
        }),
      );
      return true;
    } catch (e) {
      if (isAwsError(e, 'ConditionalCheckFailedException')) return false;
      throw e;
    }
  }

  async releaseChunk(ref: ChunkRef, attempt: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: chunkKey(ref),
          UpdateExpression: 'REMOVE #holder, #expiresAt',
          ConditionExpression: '#holder = :attempt',
          ExpressionAttributeNames: { '#holder': 'holder', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: { ':attempt': attempt },
        }),
      );
    } catch (e) {
      if (!isAwsError(e, 'ConditionalCheckFailedException')) throw e;
    }
  }

  async statuses(messageIds: string[], ref?: ChunkRef): Promise<Map<string, LedgerEntry>> {
    const out = new Map<string, LedgerEntry>();
    // The chunk's open reservations first: an outcome written after them wins below.
    if (ref) {
      const chunk = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: chunkKey(ref), ConsistentRead: true }),
      );
      const sending = chunk.Item?.sending as Set<string> | undefined;
      const at = String(chunk.Item?.reservedAt ?? '');
      for (const messageId of messageIds)
        if (sending?.has(messageId)) out.set(messageId, { messageId, status: 'sending', at });
    }
    await inParallel(groups([...new Set(messageIds)], GET_BATCH), async (ids) => {
      let keys: Record<string, unknown>[] = ids.map(messageKey);
      for (let attempt = 0; keys.length; attempt++) {
        const r = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of r.Responses?.[this.table] ?? []) {
          const messageId = String(item.pk).slice(MSG.length);
          out.set(messageId, {
            messageId,
            status: item.status as MessageStatus,
            at: String(item.at),
            ...(item.providerId ? { providerId: String(item.providerId) } : {}),
            ...(item.reason ? { reason: String(item.reason) } : {}),
            ...(item.deliveredAt ? { deliveredAt: String(item.deliveredAt) } : {}),
          });
        }
        keys = r.UnprocessedKeys?.[this.table]?.Keys ?? [];
        if (keys.length) await backoff(attempt);
      }
    });
    return out;
  }

  async chunkTouched(ref: ChunkRef): Promise<boolean> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: chunkKey(ref),
        ConsistentRead: true,
        ProjectionExpression: '#reservedAt, #settledAt',
        ExpressionAttributeNames: { '#reservedAt': 'reservedAt', '#settledAt': 'settledAt' },
      }),
    );
    return Boolean(r.Item?.reservedAt || r.Item?.settledAt);
  }

  async reserve(ref: ChunkRef, messageIds: string[], at: string): Promise<void> {
    if (!messageIds.length) return;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: chunkKey(ref),
        UpdateExpression: 'ADD #sending :ids SET #reservedAt = if_not_exists(#reservedAt, :at)',
        ExpressionAttributeNames: { '#sending': 'sending', '#reservedAt': 'reservedAt' },
        ExpressionAttributeValues: { ':ids': new Set(messageIds), ':at': at },
      }),
    );
  }

  async settle(ref: ChunkRef, entries: LedgerEntry[]): Promise<void> {
    if (!entries.length) return;
    await this.writeMessages(
      ref,
      entries.filter((e) => e.status !== 'sending'),
    );
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: chunkKey(ref),
        UpdateExpression: 'DELETE #sending :ids SET #settledAt = if_not_exists(#settledAt, :at)',
        ExpressionAttributeNames: { '#sending': 'sending', '#settledAt': 'settledAt' },
        ExpressionAttributeValues: { ':ids': new Set(entries.map((e) => e.messageId)), ':at': entries[0]!.at },
      }),
    );
  }

  /**
   * Whole message items, 25 a request, the unprocessed ones again with backoff. Written in
   * DynamoDB's own attribute format (the attributes the chunk's messages share encoded once):
   * the document client's conversion of every item was a fifth of a local send's ledger time.
   */
  private async writeMessages(ref: ChunkRef, entries: LedgerEntry[]): Promise<void> {
    const shared: Record<string, AttributeValue> = {
      sk: { S: 'MSG' },
      campaignId: { S: ref.campaignId },
      runId: { S: ref.runId },
      activityId: { S: ref.activityId },
      channel: { S: ref.channel },
      chunk: { N: String(ref.chunk) },
      ttl: { N: String(epochSeconds(this.now()) + MESSAGE_TTL_S) },
    };
    // A batch must not name a key twice: the last entry of a message wins.
    const unique = [...new Map(entries.map((e) => [e.messageId, e])).values()];
    await inParallel(groups(unique, WRITE_BATCH), async (group) => {
      let requests: WriteRequest[] = group.map((e) => {
        const item: Record<string, AttributeValue> = {
          pk: { S: messageKey(e.messageId).pk },
          ...shared,
          status: { S: e.status },
          at: { S: e.at },
        };
        if (e.providerId) item.providerId = { S: e.providerId };
        if (e.reason) item.reason = { S: e.reason };
        if (e.deliveredAt) item.deliveredAt = { S: e.deliveredAt };
        return { PutRequest: { Item: item } };
      });
      for (let attempt = 0; requests.length; attempt++) {
        const r = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.table]: requests } }));
        requests = r.UnprocessedItems?.[this.table] ?? [];
        if (requests.length) await backoff(attempt);
      }
    });
  }

  async finishChunk(ref: ChunkRef, counts: ChunkCounts): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: chunkKey(ref),
        UpdateExpression: 'SET #counts = :counts, #finishedAt = :at REMOVE #holder, #expiresAt',
        ExpressionAttributeNames: {
          '#counts': 'counts',
          '#finishedAt': 'finishedAt',
          '#holder': 'holder',
          '#expiresAt': 'expiresAt',
        },
        ExpressionAttributeValues: { ':counts': counts, ':at': new Date(this.now()).toISOString() },
      }),
    );
  }

  async chunkCounts(runId: string, activityId: string): Promise<Map<number, ChunkCounts>> {
    const prefix = chunkSkPrefix(activityId);
    const out = new Map<number, ChunkCounts>();
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': runPk(runId), ':prefix': prefix },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of r.Items ?? []) {
        const chunk = Number(String(item.sk).slice(prefix.length));
        if (!Number.isInteger(chunk) || !item.counts) continue;
        const stored = item.counts as Record<string, unknown>;
        const counts: ChunkCounts = {};
        for (const o of OUTCOMES) if (typeof stored[o] === 'number') counts[o] = stored[o];
        out.set(chunk, counts);
      }
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

/**
 * The activity's rate as per-second slots: taking n tokens is one conditional `ADD taken :n` on
 * the current second's item (condition: what was taken plus n stays within the rate), so every
 * chunk of the activity, in any process, draws from the same second. When the whole batch does not
 * fit, the slot is read and what is left of it is taken instead (a partial grant); none left: wait
 * for the next second.
 */
export class DynamoDbRateLimiter implements RateLimiter {
  private readonly doc: DynamoDBDocumentClient;
  private readonly now: () => number;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
    options: LedgerOptions = {},
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
    this.now = options.now ?? Date.now;
  }

  async take(
    runId: string,
    activityId: string,
    want: number,
    perSecond: number,
  ): Promise<{ granted: number; retryAt: number }> {
    const second = epochSeconds(this.now());
    const retryAt = (second + 1) * 1000;
    const key = { pk: ratePk(runId, activityId), sk: String(second) };
    let n = Math.min(want, perSecond);
    // Each refusal means another taker got tokens of this second: a few rounds settle it.
    for (let round = 0; n > 0 && round < 8; round++) {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: key,
            UpdateExpression: 'ADD #taken :n SET #ttl = :ttl',
            ConditionExpression: 'attribute_not_exists(#taken) OR #taken <= :room',
            ExpressionAttributeNames: { '#taken': 'taken', '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':n': n, ':room': perSecond - n, ':ttl': second + RATE_SLOT_TTL_S },
          }),
        );
        return { granted: n, retryAt };
      } catch (e) {
        if (!isAwsError(e, 'ConditionalCheckFailedException')) throw e;
      }
      const slot = await this.doc.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
      n = Math.min(n, perSecond - Number(slot.Item?.taken ?? 0));
    }
    return { granted: 0, retryAt };
  }
}
