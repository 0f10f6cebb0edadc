/**
 * The status store on DynamoDB: one table, keyed for the questions orca asks (a run and everything
 * about it under one partition; runs of a campaign newest first through GSI1; recent runs through
 * GSI2). Conditional writes and atomic counters only, no transactions (dynalite has none).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type {
  ActivityRecord,
  AudienceRecord,
  HistoryEntry,
  LogEntry,
  RunRecord,
  RunStatus,
  StatusStore,
  TaskRecord,
  TransitionRecord,
  ParkingStore,
  CampaignRecord,
  VersionRecord,
} from '../ports/store.js';
import type { Parking } from '../ports/control.js';
import { isAwsError } from './aws-errors.js';

const backoff = (attempt: number) => new Promise((res) => setTimeout(res, Math.min(1000, 20 * 2 ** attempt)));

/** An update expression: SET the defined fields, REMOVE the undefined ones, ADD to counters. */
function updateOf(fields: Record<string, unknown>, counters: Record<string, number | undefined> = {}) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  Object.entries(fields).forEach(([k, v], i) => {
    names[`#f${i}`] = k;
    if (v === undefined) removes.push(`#f${i}`);
    else {
      values[`:v${i}`] = v;
      sets.push(`#f${i} = :v${i}`);
    }
  });
  const adds = Object.entries(counters)
    .filter(([, n]) => n)
    .map(([k, n], i) => {
      names[`#a${i}`] = k;
      values[`:a${i}`] = n;
      return `#a${i} :a${i}`;
    });
  const expression = [
    sets.length ? `SET ${sets.join(', ')}` : '',
    removes.length ? `REMOVE ${removes.join(', ')}` : '',
    adds.length ? `ADD ${adds.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { expression, names, values };
}

const RUN = (id: string) => `RUN#${id}`;

/** The table's key schema, for CDK and for creating it locally. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
      { AttributeName: 'gsi2pk', AttributeType: 'S' },
      { AttributeName: 'gsi2sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'gsi1',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'gsi2',
        KeySchema: [
          { AttributeName: 'gsi2pk', KeyType: 'HASH' },
          { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/** Creates the table if it does not exist (local runtime and tests). */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (e) {
    if (!isAwsError(e, 'ResourceNotFoundException')) throw e;
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
    for (let i = 0; i < 100; i++) {
      const d = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (d.Table?.TableStatus === 'ACTIVE') return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...rest } = item;
  return rest as T;
}

let logSeq = 0;
const instance = Math.random().toString(36).slice(2, 8);

export class DynamoDbStore implements StatusStore, ParkingStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
    });
  }

  private async queryAll(
    input: Omit<QueryCommandInput, 'TableName'>,
    limit = Infinity,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(new QueryCommand({ TableName: this.table, ...input, ExclusiveStartKey: start }));
      items.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start && items.length < limit);
    return items.slice(0, limit);
  }

  private async writeAll(items: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length; attempt++) {
        const r = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
        requests = (r.UnprocessedItems?.[this.table] ?? []) as typeof requests;
        if (requests.length) await backoff(attempt);
      }
    }
  }

  async putCampaign(record: CampaignRecord, expectRevision?: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `CAMPAIGN#${record.id}`, sk: 'CAMPAIGN', gsi2pk: 'CAMPAIGNS', gsi2sk: record.id, ...record },
          ...(expectRevision === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#revision = :revision',
                ExpressionAttributeNames: { '#revision': 'revision' },
                ExpressionAttributeValues: { ':revision': expectRevision },
              }),
        }),
      );
      return true;
    } catch (e) {
      if (isAwsError(e, 'ConditionalCheckFailedException')) return false;
      throw e;
    }
  }

  async getCampaign(id: string): Promise<CampaignRecord | undefined> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: `CAMPAIGN#${id}`, sk: 'CAMPAIGN' }, ConsistentRead: true }),
    );
    return strip<CampaignRecord>(r.Item);
  }

  async listCampaigns(): Promise<CampaignRecord[]> {
    const items = await this.queryAll({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :c',
      ExpressionAttributeValues: { ':c': 'CAMPAIGNS' },
    });
    return items.map((i) => strip<CampaignRecord>(i)!);
  }

  async deleteCampaign(id: string): Promise<void> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': `CAMPAIGN#${id}` },
    });
    for (const i of items)
      await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: i.pk, sk: i.sk } }));
  }

  async putVersion(record: VersionRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `CAMPAIGN#${record.campaignId}`,
          sk: `VERSION#${String(record.version).padStart(6, '0')}`,
          ...record,
        },
      }),
    );
  }

  async getVersion(campaignId: string, version: number): Promise<VersionRecord | undefined> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: `CAMPAIGN#${campaignId}`, sk: `VERSION#${String(version).padStart(6, '0')}` },
        ConsistentRead: true,
      }),
    );
    return strip<VersionRecord>(r.Item);
  }

  async createRun(run: RunRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        // Runs sort by start time: scheduled executions have random names.
        Item: {
          pk: RUN(run.runId),
          sk: 'RUN',
          gsi1pk: `CAMPAIGN#${run.campaignId}`,
          gsi1sk: `RUN#${run.startedAt}#${run.runId}`,
          gsi2pk: 'RUNS',
          gsi2sk: `${run.startedAt}#${run.runId}`,
          ...run,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: RUN(runId), sk: 'RUN' }, ConsistentRead: true }),
    );
    return strip<RunRecord>(r.Item);
  }

  async updateRun(runId: string, patch: Partial<RunRecord>, onlyIf?: RunStatus[]): Promise<boolean> {
    const { runId: _, ...fields } = patch;
    if (!Object.keys(fields).length) return true;
    const { expression, names, values } = updateOf(fields);
    names['#pk'] = 'pk';
    let condition = 'attribute_exists(#pk)';
    if (onlyIf) {
      names['#status'] = 'status';
      for (const [i, s] of onlyIf.entries()) values[`:s${i}`] = s;
      condition += ` AND #status IN (${onlyIf.map((_, i) => `:s${i}`).join(', ')})`;
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: RUN(runId), sk: 'RUN' },
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (e) {
      if (isAwsError(e, 'ConditionalCheckFailedException')) return false;
      throw e;
    }
  }

  async countError(runId: string, n: 0 | 1): Promise<number> {
    const r = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: RUN(runId), sk: 'RUN' },
        UpdateExpression: n === 0 ? 'SET consecutiveErrors = :zero' : 'ADD consecutiveErrors :one',
        ExpressionAttributeValues: n === 0 ? { ':zero': 0 } : { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(r.Attributes?.consecutiveErrors ?? 0);
  }

  async listRuns(campaignId: string, limit = 50): Promise<RunRecord[]> {
    const items = await this.queryAll(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :c AND begins_with(gsi1sk, :r)',
        ExpressionAttributeValues: { ':c': `CAMPAIGN#${campaignId}`, ':r': 'RUN#' },
        ScanIndexForward: false,
        Limit: limit,
      },
      limit,
    );
    return items.map((i) => strip<RunRecord>(i)!);
  }

  async recentRuns(limit = 20): Promise<RunRecord[]> {
    const items = await this.queryAll(
      {
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :r',
        ExpressionAttributeValues: { ':r': 'RUNS' },
        ScanIndexForward: false,
        Limit: limit,
      },
      limit,
    );
    return items.map((i) => strip<RunRecord>(i)!);
  }

  async putActivities(runId: string, records: ActivityRecord[]): Promise<void> {
    await this.writeAll(records.map((r) => ({ pk: RUN(runId), sk: `ACT#${r.activityId}`, ...r })));
  }

  async updateActivity(
    runId: string,
    activityId: string,
    patch: Partial<ActivityRecord> & { addTasks?: number; addAttempts?: number },
  ): Promise<ActivityRecord> {
    const { addTasks, addAttempts, ...fields } = patch;
    const { expression, names, values } = updateOf(fields, { tasks: addTasks, attempts: addAttempts });
    const r = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: RUN(runId), sk: `ACT#${activityId}` },
        UpdateExpression: expression,
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return strip<ActivityRecord>(r.Attributes)!;
  }

  async listActivities(runId: string): Promise<ActivityRecord[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': RUN(runId), ':s': 'ACT#' },
      ConsistentRead: true,
    });
    return items.map((i) => strip<ActivityRecord>(i)!);
  }

  async putTransitions(runId: string, records: TransitionRecord[]): Promise<void> {
    await this.writeAll(records.map((r) => this.transitionItem(runId, r)));
  }

  async getTransitions(runId: string, ids: string[]): Promise<Map<string, TransitionRecord>> {
    const out = new Map<string, TransitionRecord>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] = unique.slice(i, i + 100).map((id) => ({ pk: RUN(runId), sk: `TR#${id}` }));
      for (let attempt = 0; keys.length; attempt++) {
        const r = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of r.Responses?.[this.table] ?? []) {
          const t = strip<TransitionRecord>(item)!;
          out.set(t.transitionId, t);
        }
        keys = (r.UnprocessedKeys?.[this.table]?.Keys ?? []) as Record<string, unknown>[];
        if (keys.length) await backoff(attempt);
      }
    }
    return out;
  }

  async listTransitions(runId: string): Promise<TransitionRecord[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': RUN(runId), ':s': 'TR#' },
      ConsistentRead: true,
    });
    return items.map((i) => strip<TransitionRecord>(i)!);
  }

  async log(runId: string, entries: LogEntry | LogEntry[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    await this.writeAll(list.map((e) => this.logItem(runId, e)));
  }

  async listLogs(runId: string, options: { after?: string } = {}): Promise<Array<LogEntry & { id: string }>> {
    // Only the run's LOG# items ('$' sorts right after '#'), not its tasks and transitions.
    const from = `LOG#${options.after ?? ''}`;
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :p AND sk BETWEEN :s AND :e',
      ExpressionAttributeValues: { ':p': RUN(runId), ':s': from, ':e': 'LOG$' },
      ConsistentRead: true,
    });
    return items
      .filter((i) => i.sk !== from || !options.after)
      .map((i) => ({ id: String(i.sk).slice(4), ...strip<LogEntry>(i)! }));
  }

  async putTask(runId: string, task: TaskRecord): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: this.taskItem(runId, task) }));
  }

  private taskItem(runId: string, task: TaskRecord): Record<string, unknown> {
    return { pk: RUN(runId), sk: `TASK#${task.startedAt}#${task.activityId}`, ...task };
  }

  private transitionItem(runId: string, r: TransitionRecord): Record<string, unknown> {
    return { pk: RUN(runId), sk: `TR#${r.transitionId}`, ...r };
  }

  private logItem(runId: string, e: LogEntry): Record<string, unknown> {
    return { pk: RUN(runId), sk: `LOG#${e.at}#${instance}#${String(++logSeq).padStart(9, '0')}`, ...e };
  }

  async putMany(
    runId: string,
    items: { transitions?: TransitionRecord[]; tasks?: TaskRecord[]; logs?: LogEntry[] },
  ): Promise<void> {
    await this.writeAll([
      ...(items.transitions ?? []).map((r) => this.transitionItem(runId, r)),
      ...(items.tasks ?? []).map((t) => this.taskItem(runId, t)),
      ...(items.logs ?? []).map((e) => this.logItem(runId, e)),
    ]);
  }

  async listTasks(runId: string): Promise<TaskRecord[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': RUN(runId), ':s': 'TASK#' },
      ConsistentRead: true,
    });
    return items.map((i) => strip<TaskRecord>(i)!);
  }

  async getAudience(name: string): Promise<AudienceRecord | undefined> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: `AUDIENCE#${name}`, sk: 'AUDIENCE' }, ConsistentRead: true }),
    );
    return strip<AudienceRecord>(r.Item);
  }

  async putAudience(record: AudienceRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: `AUDIENCE#${record.name}`, sk: 'AUDIENCE', ...record } }),
    );
  }

  async getHistory(campaignId: string, activityId: string): Promise<{ lastRunAt?: string; entries: HistoryEntry[] }> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': `HISTORY#${campaignId}#${activityId}` },
      ConsistentRead: true,
    });
    const meta = items.find((i) => i.sk === 'META');
    const entries = items.filter((i) => String(i.sk).startsWith('RUN#')).map((i) => strip<HistoryEntry>(i)!);
    return { ...(meta?.lastRunAt ? { lastRunAt: String(meta.lastRunAt) } : {}), entries };
  }

  async addHistory(
    campaignId: string,
    activityId: string,
    entry: HistoryEntry | undefined,
    lastRunAt: string,
  ): Promise<void> {
    const pk = `HISTORY#${campaignId}#${activityId}`;
    if (entry)
      await this.doc.send(new PutCommand({ TableName: this.table, Item: { pk, sk: `RUN#${entry.runId}`, ...entry } }));
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { pk, sk: 'META', lastRunAt } }));
  }

  async park(p: Parking): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: RUN(p.runId), sk: `WAIT#${p.activityId}`, ...p } }),
    );
  }

  async parked(runId: string): Promise<Parking[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': RUN(runId), ':s': 'WAIT#' },
      ConsistentRead: true,
    });
    return items.map((i) => strip<Parking>(i)!);
  }

  async unpark(runId: string, activityId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: RUN(runId), sk: `WAIT#${activityId}` },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (isAwsError(e, 'ConditionalCheckFailedException')) return false;
      throw e;
    }
  }
}
