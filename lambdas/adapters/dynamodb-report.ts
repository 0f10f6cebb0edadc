/**
 * A channel activity's report counters on the status table (ReportStore): the counters the steps
 * of a run compute (targeted, excluded by reason, outcomes) are SET on the activity's STATS item;
 * a delivery event is first recorded on its message's item, `<event>At` written only when absent
 * (a conditional update), and only then added to the counters, so a provider's duplicate event, a
 * second open or a concurrent copy of the same event counts once: unique opens and clicks are exact.
 *
 * The two writes are not one transaction (dynalite has none): a crash between them loses that one
 * count, it never counts twice.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DeliveryEvent } from '../channels/columns.js';
import type { ReportCounters, ReportStore } from '../ports/ledger.js';
import { isAwsError } from './aws-errors.js';
import { CHANNEL_PREFIX, channelKeys } from './dynamodb-keys.js';

/** The attribute of a message's item that holds the first time of an event: `openedAt`. */
export const eventTimeAttribute = (event: DeliveryEvent) => `${event}At`;

/** Attributes of a STATS item that are not counters. */
const NOT_COUNTERS = new Set(['pk', 'sk', 'campaignId', 'runId', 'activityId']);

export class DynamoDbReportStore implements ReportStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async setCounters(campaignId: string, runId: string, activityId: string, counters: ReportCounters): Promise<void> {
    const entries = Object.entries(counters).filter(([, n]) => typeof n === 'number');
    const names: Record<string, string> = { '#r': 'runId', '#a': 'activityId' };
    const values: Record<string, unknown> = { ':r': runId, ':a': activityId };
    const sets = ['#r = :r', '#a = :a'];
    entries.forEach(([k, n], i) => {
      names[`#c${i}`] = k;
      values[`:c${i}`] = n;
      sets.push(`#c${i} = :c${i}`);
    });
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: channelKeys.stats(campaignId, runId, activityId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async recordEvent(messageId: string, event: DeliveryEvent, at: string): Promise<boolean> {
    let message: Record<string, unknown> | undefined;
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: channelKeys.message(messageId),
          // Only a message the sender recorded (with its activity), and only its first time of this event.
          ConditionExpression: 'attribute_exists(campaignId) AND attribute_not_exists(#e)',
          UpdateExpression: 'SET #e = :at',
          ExpressionAttributeNames: { '#e': eventTimeAttribute(event) },
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      message = r.Attributes;
    } catch (e) {
      if (isAwsError(e, 'ConditionalCheckFailedException')) return false;
      throw e;
    }
    const { campaignId, runId, activityId } = message as { campaignId: string; runId: string; activityId: string };
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: channelKeys.stats(campaignId, runId, activityId),
        UpdateExpression: 'SET #r = :r, #a = :a ADD #e :one',
        ExpressionAttributeNames: { '#r': 'runId', '#a': 'activityId', '#e': event },
        ExpressionAttributeValues: { ':r': runId, ':a': activityId, ':one': 1 },
      }),
    );
    return true;
  }

  async counters(
    campaignId: string,
    runId?: string,
  ): Promise<Array<{ runId: string; activityId: string } & ReportCounters>> {
    const input: QueryCommandInput = {
      TableName: this.table,
      KeyConditionExpression: runId ? 'pk = :pk AND begins_with(sk, :sk)' : 'pk = :pk',
      ExpressionAttributeValues: {
        ':pk': `${CHANNEL_PREFIX.stats}${campaignId}`,
        ...(runId ? { ':sk': `${runId}#` } : {}),
      },
    };
    const out: Array<{ runId: string; activityId: string } & ReportCounters> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) {
        // A run id is an execution name (no '#'), so a prefix query on `<run>#` is exactly that run's.
        if (runId && item.runId !== runId) continue;
        const counters = Object.fromEntries(
          Object.entries(item).filter(([k, v]) => !NOT_COUNTERS.has(k) && typeof v === 'number'),
        ) as ReportCounters;
        out.push({ runId: String(item.runId), activityId: String(item.activityId), ...counters });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
