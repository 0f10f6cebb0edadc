/**
 * The import function's entry: its event checked, and a query still running when the invocation is
 * about to end cancelled in time ("AWS Lambda Developer Guide — Configure Lambda function timeout":
 * the function is stopped at its timeout), the job then finished with errors and the table unchanged.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { DeleteTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tinyCatalogDoc } from '../../test/fixtures/tiny.js';
import { buildCatalog } from '../catalog/catalog.js';
import { parseImportJob } from '../imports/job.js';
import { QUERY_LIMITS } from './deadlines.js';

const athena = mockClient(AthenaClient);
const glue = mockClient(GlueClient);
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
  for (const m of [athena, glue, s3, document]) m.restore();
});
beforeEach(() => {
  for (const m of [athena, glue, s3, document]) m.reset();
});

const definition = parseImportJob(
  {
    table: 'recipients',
    key: 'id',
    source: { file: 'uploads/u1/r.csv' },
    columns: [
      { field: 'id', column: 'id' },
      { field: 'email', column: 'email' },
    ],
  },
  'r',
  buildCatalog(tinyCatalogDoc),
);

describe('the import function', () => {
  it('refuses an event without a job or with an unknown stage', async () => {
    const { importStage } = await import('./import.js');
    const context = { getRemainingTimeInMillis: () => 900_000 };
    await expect(importStage({ jobId: 'imp-1', stage: 'merge' as never }, context)).rejects.toThrow(
      'the import function takes { jobId, stage } with a stage among load, type, doubles, match, apply, swap',
    );
  });

  it('cancels a query still running near the invocation’s end; the job finishes with errors, nothing applied', async () => {
    document.on(GetCommand).callsFake((input: { Key: { pk: string } }) =>
      input.Key.pk.startsWith('IMPORT#')
        ? {
            Item: {
              id: 'imp-1',
              name: 'r',
              table: 'recipients',
              status: 'running',
              definition,
              createdAt: '2026-12-01T00:00:00Z',
              work: 'imports/imp-1',
              stage: 'load',
              base: { location: 'catalog/recipients' },
              counts: { read: 2 },
            },
          }
        : {},
    );
    document.on(UpdateCommand).resolves({});
    document.on(PutCommand).resolves({});
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3.on(DeleteObjectsCommand).resolves({});
    glue.on(DeleteTableCommand).resolves({});
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});
    const { importStage } = await import('./import.js');
    // What is left of the invocation: the margin, the longest poll, and 0.2 s for the query.
    const limits = QUERY_LIMITS.import;
    const left = limits.marginMs + limits.pollMs[1] + 200;
    const started = Date.now();
    const context = { getRemainingTimeInMillis: () => left - (Date.now() - started) };
    expect(await importStage({ jobId: 'imp-1', stage: 'type' }, context)).toEqual({ next: 'end' });
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q1' },
    ]);
    // Ended well before the invocation's end (its margin left for what follows).
    expect(Date.now() - started).toBeLessThan(left - limits.marginMs + limits.pollMs[0]);
    const ended = document
      .commandCalls(UpdateCommand)
      .map((c) => c.args[0].input.ExpressionAttributeValues ?? {})
      .find((v) => Object.values(v).includes('finishedWithErrors'));
    expect(ended).toBeDefined();
    expect(Object.values(ended!).join(' ')).toMatch(/did not finish in time and was cancelled/);
  });
});
