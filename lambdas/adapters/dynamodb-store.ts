/**
 * The status store on DynamoDB: one table, keyed for the questions orca asks (a run and everything
 * about it under one partition; runs of a campaign newest first through GSI1; recent runs through
 * GSI2). Conditional writes and atomic counters only, no transactions (dynalite has none).
 */
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
  CampaignRuns,
  CampaignRunsView,
  HistoryEntry,
  RunClaim,
  LogEntry,
  RunRecord,
  RunStatus,
  StatusStore,
  TaskRecord,
  TransitionRecord,
  ParkingStore,
  CampaignRecord,
  CampaignHead,
  VersionRecord,
} from '../ports/store.js';
import { campaignHead, HEAD_FIELDS } from '../ports/store.js';
import type { Parking } from '../ports/control.js';
import { isAwsError } from './aws-errors.js';
import {
  campaignIndexKeys,
  campaignPk,
  historyPk,
  INDEX,
  isHistoryEntry,
  keys,
  type Key,
  LIST,
  logIdOf,
  logRange,
  PREFIX,
  registerIndexKeys,
  runIndexKeys,
  runPk,
  tableDefinition,
} from './dynamodb-keys.js';
import { campaignHeadFields, read } from './dynamodb-records.js';

export { tableDefinition } from './dynamodb-keys.js';

const backoff = (attempt: number) => new Promise((res) => setTimeout(res, Math.min(1000, 20 * 2 ** attempt)));

/** An update expression: SET the defined fields, REMOVE the undefined ones, ADD to counters. */
export function updateOf(fields: Record<string, unknown>, counters: Record<string, number | undefined> = {}) {
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

  /** Items by key with BatchGetItem: at most 100 keys a request (the batches at once), the unprocessed ones asked again. */
  private async getAll(wanted: Key[]): Promise<Record<string, unknown>[]> {
    const unique = [...new Map(wanted.map((k) => [`${k.pk}\n${k.sk}`, k])).values()];
    const batches = Array.from({ length: Math.ceil(unique.length / 100) }, (_, i) =>
      unique.slice(i * 100, i * 100 + 100),
    );
    const got = await Promise.all(
      batches.map(async (keys) => {
        const items: Record<string, unknown>[] = [];
        let batch: Record<string, unknown>[] = keys;
        for (let attempt = 0; batch.length; attempt++) {
          const r = await this.doc.send(
            new BatchGetCommand({ RequestItems: { [this.table]: { Keys: batch, ConsistentRead: true } } }),
          );
          items.push(...(r.Responses?.[this.table] ?? []));
          batch = (r.UnprocessedKeys?.[this.table]?.Keys ?? []) as Record<string, unknown>[];
          if (batch.length) await backoff(attempt);
        }
        return items;
      }),
    );
    return got.flat();
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
          Item: { ...keys.campaign(record.id), ...campaignIndexKeys(record.id), ...record },
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
      new GetCommand({ TableName: this.table, Key: keys.campaign(id), ConsistentRead: true }),
    );
    return r.Item && read.campaign(r.Item);
  }

  async listCampaigns(): Promise<CampaignRecord[]> {
    const items = await this.queryAll({
      IndexName: INDEX.lists,
      KeyConditionExpression: 'gsi2pk = :c',
      ExpressionAttributeValues: { ':c': LIST.campaigns },
    });
    return items.map(read.campaign);
  }

  async listCampaignHeads(): Promise<CampaignHead[]> {
    // The record's fields and the few of its definition a head keeps (a projection: the definitions stay behind).
    const fields = Object.keys(campaignHeadFields);
    const names: Record<string, string> = { '#d': 'definition' };
    fields.forEach((f, i) => {
      names[`#f${i}`] = f;
    });
    const paths = Object.values(HEAD_FIELDS).map((path) => ['#d', ...path.map((k) => `#${k}`)].join('.'));
    for (const path of Object.values(HEAD_FIELDS)) for (const k of path) names[`#${k}`] = k;
    const items = await this.queryAll({
      IndexName: INDEX.lists,
      KeyConditionExpression: 'gsi2pk = :c',
      ExpressionAttributeValues: { ':c': LIST.campaigns },
      ProjectionExpression: [...fields.map((_, i) => `#f${i}`), ...paths].join(', '),
      ExpressionAttributeNames: names,
    });
    return items.map((i) => campaignHead(read.campaign({ ...i, definition: i.definition ?? {} })));
  }

  async deleteCampaign(id: string): Promise<void> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': campaignPk(id) },
    });
    // The run register stays, closed: the tombstone that refuses the starts still on their way; it
    // no longer points at the runs of the campaign deleted, nor is it listed.
    const register = keys.campaignRuns(id).sk;
    for (const i of items)
      if (i.sk !== register)
        await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: i.pk, sk: i.sk } }));
    await this.ifExists(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.campaignRuns(id),
        UpdateExpression: 'REMOVE lastRun, lastRunKey, lastFailed, lastFailedKey, gsi2pk, gsi2sk',
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  /** Sends a conditional write whose failed condition means there is nothing to do. */
  private async ifExists(command: UpdateCommand): Promise<void> {
    try {
      await this.doc.send(command);
    } catch (e) {
      if (!isAwsError(e, 'ConditionalCheckFailedException')) throw e;
    }
  }

  /**
   * Points a campaign's run register at a run (its newest run, or its newest failed run) unless it
   * points at a newer one already (runs order by start time, then id); lists the register in GSI2.
   */
  private async pointAt(field: 'lastRun' | 'lastFailed', run: Pick<RunRecord, 'campaignId' | 'runId' | 'startedAt'>) {
    await this.ifExists(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.campaignRuns(run.campaignId),
        UpdateExpression: 'SET #run = :run, #key = :key, gsi2pk = :list, gsi2sk = :campaign',
        ConditionExpression: 'attribute_not_exists(#key) OR #key <= :key',
        ExpressionAttributeNames: { '#run': field, '#key': `${field}Key` },
        ExpressionAttributeValues: {
          ':run': run.runId,
          ':key': `${run.startedAt}#${run.runId}`,
          ':list': registerIndexKeys(run.campaignId).gsi2pk,
          ':campaign': registerIndexKeys(run.campaignId).gsi2sk,
        },
      }),
    );
  }

  /** An update of a campaign's run register; false when its condition does not hold. */
  private async register(
    campaignId: string,
    update: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.campaignRuns(campaignId),
          UpdateExpression: update,
          ConditionExpression: condition,
          // Only the names the expressions use (DynamoDB refuses the others).
          ExpressionAttributeNames: Object.fromEntries(
            ['running', 'exclusive', 'deleting']
              .filter((n) => `${update} ${condition}`.includes(`#${n}`))
              .map((n) => [`#${n}`, n]),
          ),
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (e) {
      if (isAwsError(e, 'ConditionalCheckFailedException')) return false;
      throw e;
    }
  }

  async claimRun(campaignId: string, runId: string, exclusive: boolean): Promise<RunClaim> {
    // No other run (DynamoDB keeps no empty set: the last DELETE removes the attribute).
    const alone = '(attribute_not_exists(#running) OR (size(#running) = :one AND contains(#running, :run)))';
    const noOtherExclusive = '(attribute_not_exists(#exclusive) OR #exclusive = :run)';
    const ok = await this.register(
      campaignId,
      exclusive ? 'ADD #running :set SET #exclusive = :run' : 'ADD #running :set',
      `attribute_not_exists(#deleting) AND ${noOtherExclusive}${exclusive ? ` AND ${alone}` : ''}`,
      { ':set': new Set([runId]), ':run': runId, ...(exclusive ? { ':one': 1 } : {}) },
    );
    if (ok) return { ok: true };
    const now = await this.campaignRuns(campaignId);
    if (now.deleting) return { ok: false, reason: 'deleted' };
    return { ok: false, reason: 'busy', holders: now.running.filter((r) => r !== runId) };
  }

  async releaseRun(campaignId: string, runId: string): Promise<void> {
    const values = { ':set': new Set([runId]), ':run': runId };
    if (await this.register(campaignId, 'DELETE #running :set REMOVE #exclusive', '#exclusive = :run', values)) return;
    await this.register(campaignId, 'DELETE #running :set', 'attribute_exists(#running)', { ':set': values[':set'] });
  }

  async campaignRuns(campaignId: string): Promise<CampaignRuns> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.campaignRuns(campaignId), ConsistentRead: true }),
    );
    return read.campaignRuns(r.Item ?? { ...keys.campaignRuns(campaignId) });
  }

  async closeForDeletion(campaignId: string): Promise<{ ok: true } | { ok: false; running: string[] }> {
    if (
      await this.register(
        campaignId,
        'SET #deleting = :yes',
        'attribute_not_exists(#running) OR size(#running) = :zero',
        {
          ':yes': true,
          ':zero': 0,
        },
      )
    )
      return { ok: true };
    return { ok: false, running: (await this.campaignRuns(campaignId)).running };
  }

  async reopenRuns(campaignId: string): Promise<void> {
    await this.register(campaignId, 'REMOVE #deleting', 'attribute_exists(#deleting)', {});
  }

  async listCampaignRuns(campaignId?: string): Promise<Map<string, CampaignRunsView>> {
    if (campaignId !== undefined) {
      const r = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: keys.campaignRuns(campaignId), ConsistentRead: true }),
      );
      return new Map(r.Item ? [[campaignId, read.campaignRunsView(r.Item)]] : []);
    }
    const items = await this.queryAll({
      IndexName: INDEX.lists,
      KeyConditionExpression: 'gsi2pk = :r',
      ExpressionAttributeValues: { ':r': LIST.registers },
    });
    return new Map(items.map((i) => [String(i.gsi2sk), read.campaignRunsView(i)]));
  }

  async putVersion(record: VersionRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.version(record.campaignId, record.version), ...record },
      }),
    );
  }

  async getVersion(campaignId: string, version: number): Promise<VersionRecord | undefined> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.version(campaignId, version), ConsistentRead: true }),
    );
    return r.Item && read.version(r.Item);
  }

  async getVersions(refs: Array<{ campaignId: string; version: number }>): Promise<Map<string, VersionRecord>> {
    const items = await this.getAll(refs.map((r) => keys.version(r.campaignId, r.version)));
    return new Map(items.map(read.version).map((v) => [`${v.campaignId}#${v.version}`, v]));
  }

  async putPlan(runId: string, plan: string): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...keys.plan(runId), plan } }));
  }

  async getPlan(runId: string): Promise<string | undefined> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.plan(runId), ConsistentRead: true }),
    );
    return typeof r.Item?.plan === 'string' ? r.Item.plan : undefined;
  }

  async createRun(run: RunRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.run(run.runId), ...runIndexKeys(run), ...run },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await this.pointAt('lastRun', run);
    if (run.status === 'failed') await this.pointAt('lastFailed', run);
  }

  async getRuns(runIds: string[]): Promise<Map<string, RunRecord>> {
    const items = await this.getAll(runIds.map(keys.run));
    return new Map(items.map(read.run).map((r) => [r.runId, r]));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.run(runId), ConsistentRead: true }),
    );
    return r.Item && read.run(r.Item);
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
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.run(runId),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (fields.status === 'failed' && r.Attributes) await this.pointAt('lastFailed', read.run(r.Attributes));
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
        Key: keys.run(runId),
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
        IndexName: INDEX.byCampaign,
        KeyConditionExpression: 'gsi1pk = :c AND begins_with(gsi1sk, :r)',
        ExpressionAttributeValues: { ':c': campaignPk(campaignId), ':r': PREFIX.run },
        ScanIndexForward: false,
        Limit: limit,
      },
      limit,
    );
    return items.map(read.run);
  }

  async recentRuns(limit = 20): Promise<RunRecord[]> {
    const items = await this.queryAll(
      {
        IndexName: INDEX.lists,
        KeyConditionExpression: 'gsi2pk = :r',
        ExpressionAttributeValues: { ':r': LIST.runs },
        ScanIndexForward: false,
        Limit: limit,
      },
      limit,
    );
    return items.map(read.run);
  }

  /** The items of a run's partition whose sort key starts with `prefix`. */
  private runItems(runId: string, prefix: string): Promise<Record<string, unknown>[]> {
    return this.queryAll({
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': runPk(runId), ':s': prefix },
      ConsistentRead: true,
    });
  }

  async putActivities(runId: string, records: ActivityRecord[]): Promise<void> {
    await this.writeAll(records.map((r) => ({ ...keys.activity(runId, r.activityId), ...r })));
    const failed = records.find((r) => r.status === 'failed');
    await this.ifExists(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.run(runId),
        UpdateExpression: `SET activityCount = :n, doneCount = :done, failedCount = :failed${failed ? ', failedActivity = :activity' : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':n': records.length,
          ':done': records.filter((r) => r.status === 'done').length,
          ':failed': records.filter((r) => r.status === 'failed').length,
          ...(failed ? { ':activity': failed.activityId } : {}),
        },
      }),
    );
  }

  /** Keeps the run's counts of done and failed activities, and its first failed one, as an activity's status changes. */
  private async countActivity(runId: string, before: unknown, after: ActivityRecord): Promise<void> {
    const delta = (s: string) => (after.status === s ? 1 : 0) - (before === s ? 1 : 0);
    const [done, failed] = [delta('done'), delta('failed')];
    if (!done && !failed) return;
    await this.ifExists(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.run(runId),
        UpdateExpression: `ADD doneCount :done, failedCount :failed${failed > 0 ? ' SET failedActivity = if_not_exists(failedActivity, :activity)' : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':done': done,
          ':failed': failed,
          ...(failed > 0 ? { ':activity': after.activityId } : {}),
        },
      }),
    );
  }

  async updateActivity(
    runId: string,
    activityId: string,
    patch: Partial<ActivityRecord> & { addTasks?: number; addAttempts?: number },
  ): Promise<ActivityRecord> {
    const { addTasks, addAttempts, ...fields } = patch;
    const { expression, names, values } = updateOf(fields, { tasks: addTasks, attempts: addAttempts });
    const key = keys.activity(runId, activityId);
    // The item before the update (atomically), so that each change of status is counted once.
    const r = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key,
        UpdateExpression: expression,
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        ReturnValues: 'ALL_OLD',
      }),
    );
    const old = r.Attributes ?? {};
    // The item after it: what the update expression did (SET, REMOVE, ADD).
    const next: Record<string, unknown> = { ...old, ...key };
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    if (addTasks) next.tasks = Number(old.tasks ?? 0) + addTasks;
    if (addAttempts) next.attempts = Number(old.attempts ?? 0) + addAttempts;
    const record = read.activity(next);
    await this.countActivity(runId, old.status, record);
    return record;
  }

  async listActivities(runId: string): Promise<ActivityRecord[]> {
    return (await this.runItems(runId, PREFIX.activity)).map(read.activity);
  }

  async putTransitions(runId: string, records: TransitionRecord[]): Promise<void> {
    await this.writeAll(records.map((r) => this.transitionItem(runId, r)));
  }

  async getTransitions(runId: string, ids: string[]): Promise<Map<string, TransitionRecord>> {
    const items = await this.getAll(ids.map((id) => keys.transition(runId, id)));
    return new Map(items.map(read.transition).map((t) => [t.transitionId, t]));
  }

  async listTransitions(runId: string): Promise<TransitionRecord[]> {
    return (await this.runItems(runId, PREFIX.transition)).map(read.transition);
  }

  async log(runId: string, entries: LogEntry | LogEntry[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    await this.writeAll(list.map((e) => this.logItem(runId, e)));
  }

  async listLogs(runId: string, options: { after?: string } = {}): Promise<Array<LogEntry & { id: string }>> {
    // Only the run's log items, not its tasks and transitions.
    const range = logRange(options.after);
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :p AND sk BETWEEN :s AND :e',
      ExpressionAttributeValues: { ':p': runPk(runId), ':s': range.from, ':e': range.to },
      ConsistentRead: true,
    });
    return items
      .filter((i) => i.sk !== range.from || !options.after)
      .map((i) => ({ id: logIdOf(String(i.sk)), ...read.log(i) }));
  }

  async putTask(runId: string, task: TaskRecord): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: this.taskItem(runId, task) }));
  }

  private taskItem(runId: string, task: TaskRecord): Record<string, unknown> {
    return { ...keys.task(runId, task.startedAt, task.activityId), ...task };
  }

  private transitionItem(runId: string, r: TransitionRecord): Record<string, unknown> {
    return { ...keys.transition(runId, r.transitionId), ...r };
  }

  private logItem(runId: string, e: LogEntry): Record<string, unknown> {
    return { ...keys.log(runId, e.at, instance, ++logSeq), ...e };
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
    return (await this.runItems(runId, PREFIX.task)).map(read.task);
  }

  async getAudience(name: string): Promise<AudienceRecord | undefined> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.audience(name), ConsistentRead: true }),
    );
    return r.Item && read.audience(r.Item);
  }

  async putAudience(record: AudienceRecord): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...keys.audience(record.name), ...record } }));
  }

  async getHistory(campaignId: string, activityId: string): Promise<{ lastRunAt?: string; entries: HistoryEntry[] }> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': historyPk(campaignId, activityId) },
      ConsistentRead: true,
    });
    const metaKey = keys.historyMeta(campaignId, activityId).sk;
    const meta = items.find((i) => i.sk === metaKey);
    const entries = items.filter((i) => isHistoryEntry(String(i.sk))).map(read.history);
    return { ...(meta ? { lastRunAt: read.historyMeta(meta).lastRunAt } : {}), entries };
  }

  async addHistory(
    campaignId: string,
    activityId: string,
    entry: HistoryEntry | undefined,
    lastRunAt: string,
  ): Promise<void> {
    if (entry)
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.history(campaignId, activityId, entry.runId), ...entry },
        }),
      );
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { ...keys.historyMeta(campaignId, activityId), lastRunAt } }),
    );
  }

  async park(p: Parking): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { ...keys.parking(p.runId, p.activityId), ...p } }),
    );
  }

  async parked(runId: string): Promise<Parking[]> {
    return (await this.runItems(runId, PREFIX.parking)).map(read.parking);
  }

  async unpark(runId: string, activityId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: keys.parking(runId, activityId),
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
