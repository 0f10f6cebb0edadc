/**
 * The export function's entry: its event checked, and the fail step the export machine's Catch
 * sends after the function crashed ("AWS Step Functions Developer Guide — Error handling"): the job
 * interrupted, its work prefix removed (S3 and DynamoDB mocked at the request level).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tinyCatalogDoc } from '../../test/fixtures/tiny.js';

const s3 = mockClient(S3Client);
const document = mockClient(DynamoDBDocumentClient);
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    ORCA_TABLE: 'orca-status',
    ORCA_BUCKET: 'orca-data',
    ORCA_DATABASE: 'orca',
    ORCA_WORKGROUP: 'orca',
    ORCA_CATALOG_JSON: JSON.stringify(tinyCatalogDoc),
  });
});
afterAll(() => {
  process.env = saved;
  for (const m of [s3, document]) m.restore();
});
beforeEach(() => {
  for (const m of [s3, document]) m.reset();
});

const context = { getRemainingTimeInMillis: () => 900_000 };

describe('the export function', () => {
  it('refuses an event without a job or with an unknown stage', async () => {
    const { exportStage } = await import('./export.js');
    await expect(exportStage({ jobId: 'exp-1', stage: 'copy' as never }, context)).rejects.toThrow(
      'the export function takes { jobId, stage } with a stage among read, write, finish, fail',
    );
  });

  it('the fail step: a running job is marked interrupted with the error, its work prefix emptied', async () => {
    document.on(GetCommand).callsFake((input: { Key: { pk: string } }) =>
      input.Key.pk.endsWith('exp-1')
        ? {
            Item: {
              id: 'exp-1',
              kind: 'export',
              name: 'recipients',
              table: 'recipients',
              status: 'running',
              definition: { table: 'recipients', format: 'csv', delimiter: ',', header: true, name: 'recipients' },
              createdAt: '2026-12-01T00:00:00Z',
              work: 'exports/.work/exp-1',
              out: 'exports/recipients-exp-1.csv',
            },
          }
        : {},
    );
    document.on(UpdateCommand).resolves({});
    document.on(PutCommand).resolves({});
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'exports/.work/exp-1/q1_0.gz' }] });
    s3.on(DeleteObjectsCommand).resolves({});
    const { exportStage } = await import('./export.js');
    const failure = { Error: 'Sandbox.Timedout', Cause: JSON.stringify({ errorMessage: 'Task timed out' }) };
    expect(await exportStage({ jobId: 'exp-1', stage: 'fail', failure }, context)).toEqual({ next: 'end' });
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input.Prefix).toBe('exports/.work/exp-1/');
    expect(s3.commandCalls(DeleteObjectsCommand)[0]!.args[0].input.Delete!.Objects).toEqual([
      { Key: 'exports/.work/exp-1/q1_0.gz' },
    ]);
    const values = document
      .commandCalls(UpdateCommand)
      .map((c) => Object.values(c.args[0].input.ExpressionAttributeValues ?? {}));
    expect(values.flat()).toEqual(expect.arrayContaining(['interrupted', 'Sandbox.Timedout: Task timed out']));
  });
});
