/** orca doctor against a local server (the API and a tiny campaign) and AWS clients mocked per request. */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetWorkGroupCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { GetDatabaseCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tinyCatalog } from '../test/fixtures/tiny.js';
import { startTestServer, type TestServer } from '../test/helpers/server.js';
import { ApiClient } from './api-client.js';
import { type AwsTarget, DOCTOR_CAMPAIGN, runDoctor } from './doctor.js';

const athena = mockClient(AthenaClient);
const glue = mockClient(GlueClient);
const s3 = mockClient(S3Client);
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const aws = (): AwsTarget => ({
  region: 'eu-west-1',
  workGroup: 'orca',
  database: 'orca',
  bucket: 'data-bucket',
  athena: new AthenaClient({ region: 'eu-west-1' }),
  glue: new GlueClient({ region: 'eu-west-1' }),
  s3: new S3Client({ region: 'eu-west-1' }),
});

const healthyWorkGroup = {
  WorkGroup: {
    Name: 'orca',
    State: 'ENABLED' as const,
    Configuration: {
      EnforceWorkGroupConfiguration: false,
      EngineVersion: { EffectiveEngineVersion: 'Athena engine version 3' },
    },
  },
};

beforeEach(() => {
  athena.reset();
  glue.reset();
  s3.reset();
  athena.on(GetWorkGroupCommand).resolves(healthyWorkGroup);
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
  glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'orca' } });
  glue.on(GetTableCommand).resolves({ Table: { Name: 'x', StorageDescriptor: { Location: 's3://data-bucket/x/' } } });
  s3.on(HeadBucketCommand).resolves({});
});

const doctor = (over: Partial<Parameters<typeof runDoctor>[0]> = {}) =>
  runDoctor({ api: new ApiClient(t.server.url), catalog: tinyCatalog(), aws: aws(), pollMs: 20, ...over });

describe('orca doctor', () => {
  it('a healthy deployment: every check passes, the tiny campaign completes in test mode and is deleted', async () => {
    const checks = await doctor();
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual([
      'API',
      'Athena workgroup',
      'Glue database',
      'Glue table recipients',
      'Glue table products',
      'Glue table purchases',
      'data bucket',
      'a query',
      'a campaign',
    ]);
    expect(checks.at(-1)?.detail).toMatch(/completed in test mode$/);
    expect((await t.call('GET', `/campaigns/${DOCTOR_CAMPAIGN}`)).status).toBe(404);
    // The query names its database and results location (the workgroup does not impose them).
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toMatchObject({
      QueryString: 'SELECT 1',
      WorkGroup: 'orca',
      QueryExecutionContext: { Database: 'orca' },
      ResultConfiguration: { OutputLocation: 's3://data-bucket/athena-results/' },
    });
  });

  it('says what is wrong and what to do: an enforcing workgroup, a missing table, a failing query', async () => {
    athena.on(GetWorkGroupCommand).resolves({
      WorkGroup: {
        ...healthyWorkGroup.WorkGroup,
        Configuration: { ...healthyWorkGroup.WorkGroup.Configuration, EnforceWorkGroupConfiguration: true },
      },
    });
    glue.on(GetTableCommand, { Name: 'purchases' }).rejects(new Error('Entity Not Found'));
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'Access denied to the results location' } },
    });
    const failed = (await doctor()).filter((c) => !c.ok);
    expect(failed.map((c) => [c.name, c.detail])).toEqual([
      [
        'Athena workgroup',
        "workgroup orca overrides client-side settings: Athena refuses orca's CTAS statements (their external_location)",
      ],
      ['Glue table purchases', 'Entity Not Found'],
      ['a query', 'Access denied to the results location'],
    ]);
    for (const c of failed) expect(c.fix).toBeTruthy();
  });

  it('an API that does not answer fails its check and skips the campaign; without a region, no AWS call', async () => {
    const checks = await doctor({ api: new ApiClient('http://127.0.0.1:9'), aws: undefined });
    expect(checks.map((c) => [c.name, c.ok])).toEqual([['API', false]]);
    expect(checks[0]!.fix).toMatch(/ApiUrl/);
    expect(athena.calls()).toEqual([]);
  });
});
