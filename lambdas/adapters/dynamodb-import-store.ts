/**
 * Import jobs, their journals and the versions of each catalog table, in the status table (the same
 * one as runs): IMPORT#<id> holds a job (JOB) and its journal (LOG#<at>#<seq>); GSI2 lists jobs
 * (IMPORTS, newest first); TABLE#<name> / VERSIONS holds a table's kept versions and its current one,
 * swapped by a conditional write.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ImportStore, JobRecord, JobStatus, JournalEntry, TableVersions } from '../ports/imports.js';
import { isAwsError } from './aws-errors.js';
import { INDEX } from './dynamodb-keys.js';
import { updateOf } from './dynamodb-store.js';

const jobPk = (id: string) => `IMPORT#${id}`;
const JOBS = 'IMPORTS';
let seq = 0;

const strip = <T>(item: Record<string, unknown> | undefined): T | undefined => {
  if (!item) return undefined;
  const { pk: _p, sk: _s, gsi2pk: _a, gsi2sk: _b, ...rest } = item;
  return rest as T;
};

export class DynamoDbImportStore implements ImportStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async createJob(job: JobRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: jobPk(job.id), sk: 'JOB', gsi2pk: JOBS, gsi2sk: `${job.createdAt}#${job.id}`, ...job },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: jobPk(id), sk: 'JOB' } }));
    return strip<JobRecord>(r.Item);
  }

  async updateJob(id: string, patch: Partial<JobRecord>, onlyIf?: readonly JobStatus[]): Promise<boolean> {
    const { expression: update, names, values } = updateOf(patch);
    const conditions = ['attribute_exists(pk)'];
    if (onlyIf) {
      names['#status'] = 'status';
      conditions.push(`#status IN (${onlyIf.map((_s, i) => `:s${i}`).join(', ')})`);
      onlyIf.forEach((s, i) => {
        values[`:s${i}`] = s;
      });
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: jobPk(id), sk: 'JOB' },
          UpdateExpression: update,
          ConditionExpression: conditions.join(' AND '),
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

  async listJobs(limit = 100): Promise<JobRecord[]> {
    const r = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: INDEX.lists,
        KeyConditionExpression: 'gsi2pk = :p',
        ExpressionAttributeValues: { ':p': JOBS },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map((i) => strip<JobRecord>(i)!);
  }

  async journal(id: string, entry: JournalEntry): Promise<void> {
    const sk = `LOG#${entry.at}#${String(++seq).padStart(8, '0')}`;
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { pk: jobPk(id), sk, ...entry } }));
  }

  async listJournal(id: string): Promise<JournalEntry[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :l)',
          ExpressionAttributeValues: { ':p': jobPk(id), ':l': 'LOG#' },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
    return items.map((i) => strip<JournalEntry>(i)!);
  }

  async getVersions(table: string): Promise<TableVersions | undefined> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: `TABLE#${table}`, sk: 'VERSIONS' } }),
    );
    return strip<TableVersions>(r.Item);
  }

  async putVersions(next: TableVersions, expected: number | undefined): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `TABLE#${next.table}`, sk: 'VERSIONS', ...next },
          ...(expected === undefined
            ? {
                ConditionExpression: 'attribute_not_exists(pk) OR attribute_not_exists(#c)',
                ExpressionAttributeNames: { '#c': 'current' },
              }
            : {
                ConditionExpression: '#c = :e',
                ExpressionAttributeNames: { '#c': 'current' },
                ExpressionAttributeValues: { ':e': expected },
              }),
        }),
      );
      return true;
    } catch (e) {
      if (isAwsError(e, 'ConditionalCheckFailedException')) return false;
      throw e;
    }
  }
}
